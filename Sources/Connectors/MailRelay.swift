import Foundation

/// The SMTP relay the platform administrator configures (`CLEARLINE_SMTP_URL`,
/// `smtp://host:port`, and `CLEARLINE_SMTP_FROM`) for alert e-mail: a relay on a network the
/// administrator trusts (the host's MTA, a smarthost), which takes mail from Clearline's address
/// without a login. It is the administrator's address, not a tenant's, so the outbound policy
/// does not apply to it.
public struct MailRelay: Sendable {
    public let host: String
    public let port: Int
    public let from: String

    public init(host: String, port: Int, from: String) {
        self.host = host
        self.port = port
        self.from = from
    }

    /// `smtp://host[:port]` (port 25 when left out); nil for anything else.
    public init?(url text: String, from: String) {
        guard let url = URL(string: text), url.scheme?.lowercased() == "smtp", let host = url.host, !host.isEmpty,
            MailAddress.isValid(from)
        else { return nil }
        self.init(host: host, port: url.port ?? 25, from: from)
    }
}

/// E-mail addresses as a route takes them: one `local@domain`, nothing a header could be split by.
public enum MailAddress {
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        let forbidden = CharacterSet(charactersIn: " <>,;:\"()[]\\\r\n\t").union(.controlCharacters)
        return !local.isEmpty && local.utf8.count <= 64 && domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
            && text.unicodeScalars.allSatisfy { !forbidden.contains($0) && $0.isASCII }
    }
}
