public import Foundation

public struct AuditRecord: Sendable {
    public var actor: String
    public var action: String
    public var targetType: String
    public var targetId: String
    public var requestId: String
    public var details: String

    public init(actor: String, action: String, targetType: String, targetId: String, requestId: String, details: String = "{}") {
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetId = targetId
        self.requestId = requestId
        self.details = details
    }
}
