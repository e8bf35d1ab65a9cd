import Foundation
import HTTPServer
import Connectors

/// A mailbox behind an SMTP relay, on loopback: it speaks the server side of RFC 5321 (EHLO or
/// HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepts. A fault queued
/// for the service `smtp` turns the next connections away at the greeting (`421`, as a relay
/// that is down does; a `5xx` mode refuses instead, and `timeout` never greets). `GET
/// /_sandbox/mail` lists the messages: envelope, headers, text.
final class SMTPSink: @unchecked Sendable {
    private let messages = Locked<[[String: Any]]>([])
    private let faults: FaultInjector
    private var listener: Int32 = -1
    private(set) var port = 0

    init(faults: FaultInjector) {
        self.faults = faults
    }

    func routes(into router: inout Router<SandboxHandler>) {
        router.add("GET", "/_sandbox/mail") { [self] _ in
            SandboxResponses.json(200, ["port": port, "messages": messages.withLock { $0 }])
        }
    }

    func start(host: String, port wanted: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = in_port_t(UInt16(wanted).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else {
            throw NSError(domain: "SMTPSink", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "the SMTP sink cannot listen on \(host)"])
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                Thread.detachNewThread { [self] in serve(client) }
            }
        }
        thread.name = "smtp-sink"
        thread.start()
    }

    func stop() {
        if listener >= 0 {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var reader = SocketLines(fd: client, maxLength: 1 << 20)
        func say(_ line: String) { _ = (line + "\r\n").utf8CString.withUnsafeBufferPointer { send(client, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) } }
        switch faults.next(for: "smtp") {
        case .status(let code, _)?:
            say(code >= 500 ? "554 5.3.2 The sandbox mailbox refuses mail" : "421 4.3.2 The sandbox mailbox is down, try again later")
            return
        case .timeout(let seconds)?:
            Thread.sleep(forTimeInterval: seconds)
            return
        default:
            break
        }
        say("220 sandbox.clearline.invalid ESMTP Clearline sandbox")
        var from: String?
        var recipients: [String] = []
        while case .line(let line) = reader.next() {
            let verb = line.prefix(4).uppercased()
            switch verb {
            case "EHLO":
                say("250-sandbox.clearline.invalid")
                say("250-8BITMIME")
                say("250 SIZE 10485760")
            case "HELO": say("250 sandbox.clearline.invalid")
            case "MAIL":
                from = Self.address(in: line)
                recipients = []
                say(from == nil ? "501 5.5.4 MAIL FROM:<address>" : "250 2.1.0 OK")
            case "RCPT":
                guard from != nil else {
                    say("503 5.5.1 MAIL first")
                    continue
                }
                if let recipient = Self.address(in: line) {
                    recipients.append(recipient)
                    say("250 2.1.5 OK")
                } else {
                    say("501 5.5.4 RCPT TO:<address>")
                }
            case "DATA":
                guard let sender = from, !recipients.isEmpty else {
                    say("503 5.5.1 MAIL and RCPT first")
                    continue
                }
                say("354 End data with <CR><LF>.<CR><LF>")
                var lines: [String] = []
                while case .line(let dataLine) = reader.next(), dataLine != "." {
                    lines.append(dataLine.hasPrefix("..") ? String(dataLine.dropFirst()) : dataLine)
                }
                keep(from: sender, to: recipients, lines: lines)
                (from, recipients) = (nil, [])
                say("250 2.0.0 Queued")
            case "RSET":
                (from, recipients) = (nil, [])
                say("250 2.0.0 OK")
            case "NOOP": say("250 2.0.0 OK")
            case "QUIT":
                say("221 2.0.0 Bye")
                return
            default: say("502 5.5.2 Command not recognized")
            }
        }
    }

    private func keep(from: String, to: [String], lines: [String]) {
        let split = lines.firstIndex(of: "") ?? lines.count
        var headers: [String: String] = [:]
        for line in lines[..<split] {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let message: [String: Any] = [
            "from": from, "to": to, "subject": headers["subject"] ?? "", "message_id": headers["message-id"] ?? "", "headers": headers,
            "text": lines[min(split + 1, lines.count)...].joined(separator: "\n"),
        ]
        messages.withLock {
            $0.append(message); if $0.count > 1000 { $0.removeFirst($0.count - 1000) }
        }
    }

    /// The address between `<` and `>` of `MAIL FROM:<a@b>` or `RCPT TO:<a@b>`.
    static func address(in line: String) -> String? {
        guard let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") else { return nil }
        let address = String(line[line.index(after: open)..<close])
        return address.contains("@") ? address : nil
    }
}
