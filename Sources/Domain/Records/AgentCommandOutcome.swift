public import Foundation

public enum AgentCommandOutcome: Sendable {
    case succeeded(resultJSON: String)
    case failed(code: String, message: String, retryable: Bool)
}
