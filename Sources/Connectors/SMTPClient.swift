public import Foundation

/// Sends one plain-text message through an SMTP relay (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT),
/// on a blocking socket with a deadline on every reply. A 4xx reply, or no relay reachable, is
/// retryable; a 5xx is the relay's refusal.
public struct SMTPClient: Sendable {
    public let relay: MailRelay
    public let timeoutSeconds: Int32

    public init(relay: MailRelay, timeoutSeconds: Int32 = 15) {
        self.relay = relay
        self.timeoutSeconds = timeoutSeconds
    }

    /// `messageId` names the message the same on every attempt, so a mailbox can tell a repeat.
    public func send(to recipients: [String], subject: String, text: String, messageId: String, date: Date = Date()) throws {
        guard let address = Self.resolve(relay.host) else {
            throw ConnectorError(.retryable, "The SMTP relay's name \(relay.host) does not resolve.")
        }
        guard let socket = EgressSockets.connect(to: address, port: relay.port, seconds: timeoutSeconds) else {
            throw ConnectorError(.retryable, "The SMTP relay at \(relay.host):\(relay.port) did not accept a connection.")
        }
        defer { close(socket) }
        EgressSockets.setReceiveTimeout(socket, seconds: timeoutSeconds)
        var session = Session(socket: socket, reader: SocketLines(fd: socket, maxLength: 4096))
        try session.expect(220, after: nil)
        try session.expect(250, after: "EHLO clearline")
        try session.expect(250, after: "MAIL FROM:<\(relay.from)>")
        for recipient in recipients { try session.expect(250, after: "RCPT TO:<\(recipient)>", alsoAccepting: [251]) }
        try session.expect(354, after: "DATA")
        let message = Self.message(from: relay.from, to: recipients, subject: subject, text: text, messageId: messageId, date: date)
        try session.expect(250, after: message + "\r\n.")
        _ = try? session.expect(221, after: "QUIT")
    }

    /// Headers and the dot-stuffed body, lines ending in CRLF, the final dot left to the caller.
    static func message(from: String, to: [String], subject: String, text: String, messageId: String, date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let headers = [
            "From: Clearline <\(from)>", "To: \(to.joined(separator: ", "))", "Subject: \(encodedHeader(subject))", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageId)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let body = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") ? "." + line : String(line)
        }
        return (headers + [""] + body).joined(separator: "\r\n")
    }

    /// A header value on one line: line breaks dropped (a tenant's name cannot add a header),
    /// and anything but printable ASCII as an RFC 2047 encoded word.
    static func encodedHeader(_ value: String) -> String {
        let oneLine = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if oneLine.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) { return oneLine }
        return "=?utf-8?B?\(Data(oneLine.utf8).base64EncodedString())?="
    }

    static func resolve(_ host: String) -> [UInt8]? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &results) == 0, let first = results else { return nil }
        defer { freeaddrinfo(results) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if current.pointee.ai_family == AF_INET, let address = current.pointee.ai_addr {
                return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
            }
            if current.pointee.ai_family == AF_INET6, let address = current.pointee.ai_addr {
                return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
            }
            entry = current.pointee.ai_next
        }
        return nil
    }

    /// One SMTP conversation: a command, then its (possibly multi-line) reply.
    struct Session {
        let socket: Int32
        var reader: SocketLines

        mutating func expect(_ code: Int, after command: String?, alsoAccepting: Set<Int> = []) throws {
            if let command, !EgressSockets.sendAll(socket, Array((command + "\r\n").utf8)) {
                throw ConnectorError(.retryable, "The SMTP relay closed the connection.")
            }
            let (got, text) = try reply()
            guard got == code || alsoAccepting.contains(got) else {
                let what = command.map { String($0.prefix(4)) } ?? "the greeting"
                let excerpt = String(text.prefix(200))
                throw ConnectorError(got >= 500 ? .permanent : .retryable, "The SMTP relay answered \(what) with \(got): \(excerpt)")
            }
        }

        /// The reply's code and text; a line whose fourth character is a space ends it.
        mutating func reply() throws -> (Int, String) {
            var lines: [String] = []
            while true {
                let line = try readLine()
                lines.append(line)
                let bytes = Array(line.utf8)
                if bytes.count < 3 { throw ConnectorError(.retryable, "The SMTP relay sent a malformed reply.") }
                if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
                    guard let code = Int(line.prefix(3)) else { throw ConnectorError(.retryable, "The SMTP relay sent a malformed reply.") }
                    return (code, lines.map { String($0.dropFirst(4)) }.joined(separator: " "))
                }
                if lines.count > 100 { throw ConnectorError(.retryable, "The SMTP relay's reply did not end.") }
            }
        }

        mutating func readLine() throws -> String {
            switch reader.next() {
            case .line(let line): return line
            case .tooLong: throw ConnectorError(.retryable, "The SMTP relay sent a line too long.")
            case .ended: throw ConnectorError(.retryable, "The SMTP relay did not answer in time.")
            }
        }
    }
}
