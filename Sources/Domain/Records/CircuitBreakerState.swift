public import Foundation

public struct CircuitBreakerState: Sendable {
    public let failures: Int
    public let openedAt: Date?
    public let lastError: String?

    public init(failures: Int, openedAt: Date?, lastError: String?) {
        self.failures = failures
        self.openedAt = openedAt
        self.lastError = lastError
    }
}
