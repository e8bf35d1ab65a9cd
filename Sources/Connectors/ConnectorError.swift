import Domain

/// How a vendor call failed, which decides what the caller does next.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Network trouble or a 5xx: try again later.
        case retryable
        /// The vendor asks to slow down: wait at least this many seconds.
        case rateLimited(retryAfter: Double)
        /// The request itself is wrong (validation, not found): retrying will not help.
        case permanent
        /// The credentials were refused: stop and tell a person.
        case authentication
    }

    public let kind: Kind
    /// Plain words for an operator; never contains a secret.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Text a vendor (or whatever answered at a tenant's address) wrote, as Clearline repeats
    /// it: one line of at most `limit` characters, control characters dropped, card numbers
    /// masked, so a body from an unexpected server cannot flood or forge a Test result or a log.
    public static func excerpt(_ text: String, limit: Int = 200) -> String {
        let line = String(String.UnicodeScalarView(text.unicodeScalars.lazy.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let masked = CardNumberMasking.maskText(line.trimmingCharacters(in: .whitespaces))
        return masked.count > limit ? String(masked.prefix(limit)) + "…" : masked
    }

    public var description: String { message }

    /// The classification every vendor shares for an HTTP status.
    static func forStatus(_ status: Int, vendor: String, retryAfter: String?) -> ConnectorError? {
        switch status {
        case 200..<300: return nil
        case 429: return ConnectorError(.rateLimited(retryAfter: retryAfter.flatMap(Double.init) ?? 60), "\(vendor) asked us to slow down (HTTP 429).")
        case 500...599: return ConnectorError(.retryable, "\(vendor) had a problem on its side (HTTP \(status)); we will try again.")
        case 401, 403: return ConnectorError(.authentication, "\(vendor) refused our credentials (HTTP \(status)).")
        default: return ConnectorError(.permanent, "\(vendor) rejected the request (HTTP \(status)).")
        }
    }
}
