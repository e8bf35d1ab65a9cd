public import Foundation

public struct LoginLimits: Sendable {
    public var window: TimeInterval
    public var maxFailuresPerEmail: Int
    public var maxFailuresPerClient: Int

    public init(window: TimeInterval = 15 * 60, maxFailuresPerEmail: Int = 5, maxFailuresPerClient: Int = 30) {
        self.window = window
        self.maxFailuresPerEmail = maxFailuresPerEmail
        self.maxFailuresPerClient = maxFailuresPerClient
    }
}
