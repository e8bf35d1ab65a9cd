public import Foundation

public struct StoredFlow: Sendable {
    public let id: UUID
    public let tenantId: UUID
    public let name: String
    public let description: String
    public let templateId: String?
    /// The draft definition, JSON text.
    public let draft: String
    public let draftRevision: Int
    public let latestVersion: Int?
    public let createdAt: Date
    public let updatedAt: Date

    public init(
        id: UUID, tenantId: UUID, name: String, description: String, templateId: String?, draft: String, draftRevision: Int, latestVersion: Int?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.description = description
        self.templateId = templateId
        self.draft = draft
        self.draftRevision = draftRevision
        self.latestVersion = latestVersion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
