import Foundation
import Domain

/// One CONNECT through the egress proxy: the request head read, the caller and the target
/// judged, the judged address connected to, then bytes passed both ways until either side ends.
struct EgressTunnel {
    let client: Int32
    let proxy: EgressProxy

    /// The longest request head taken: libcurl's CONNECT is a few hundred bytes.
    static let maxHead = 8192
    /// Seconds for the head to arrive and for the target to accept the connection.
    static let setupSeconds: Int32 = 10
    /// Seconds a tunnel may pass nothing before it is closed; libcurl keeps an idle connection
    /// for reuse for less than this.
    static let idleSeconds: Int32 = 300

    func run() {
        EgressSockets.setReceiveTimeout(client, seconds: Self.setupSeconds)
        guard let (head, early) = readHead() else { return }
        guard let request = EgressRequest(head: head) else { return answer(400, "Bad Request") }
        guard request.method == "CONNECT" else { return answer(405, "Method Not Allowed", extra: "Allow: CONNECT\r\n") }
        guard EgressSockets.equalInConstantTime(request.header("proxy-authorization") ?? "", proxy.authorization) else {
            return answer(407, "Proxy Authentication Required", extra: "Proxy-Authenticate: Basic realm=\"clearline\"\r\n")
        }
        guard let (host, port) = request.authority else { return answer(400, "Bad Request") }
        let addresses: [[UInt8]]
        do { addresses = try OutboundGuard.resolve(host, vendor: host) } catch { return answer(502, "Bad Gateway", reason: "\(host) does not resolve") }
        if let refusal = OutboundPolicy.refusal(scheme: "https", addresses: addresses, port: port, host: host) {
            proxy.refused(refusal)
            return answer(403, "Forbidden", reason: refusal)
        }
        // A plain loop: `lazy.compactMap(...).first` runs its closure twice, which connected twice.
        var connected: Int32?
        for address in addresses where connected == nil {
            connected = EgressSockets.connect(to: address, port: port, seconds: Self.setupSeconds)
        }
        guard let upstream = connected else { return answer(502, "Bad Gateway", reason: "\(host) port \(port) did not accept a connection") }
        defer { close(upstream) }
        EgressSockets.setReceiveTimeout(client, seconds: 0)
        guard EgressSockets.sendAll(client, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)) else { return }
        if !early.isEmpty, !EgressSockets.sendAll(upstream, early) { return }
        EgressSockets.relay(client, upstream, idleSeconds: Self.idleSeconds)
    }

    /// The head up to its blank line, and whatever the client sent after it; nil when the client
    /// went away, took too long or sent too much.
    private func readHead() -> ([UInt8], [UInt8])? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while received.count <= Self.maxHead {
            let count = recv(client, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            let searchFrom = max(0, received.count - 3)
            received.append(contentsOf: buffer[0..<count])
            if let end = Self.blankLine(in: received, from: searchFrom) {
                return (Array(received[..<end]), Array(received[end...]))
            }
        }
        answer(431, "Request Header Fields Too Large")
        return nil
    }

    /// Where the head ends (past its CRLF CRLF), searching from `start`.
    static func blankLine(in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in start...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    private func answer(_ status: Int, _ phrase: String, extra: String = "", reason: String? = nil) {
        let body = reason.map { $0 + "\n" } ?? ""
        let text = "HTTP/1.1 \(status) \(phrase)\r\n\(extra)Content-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        EgressSockets.sendAll(client, Array(text.utf8))
    }
}

/// A proxy request's head: its method, its target, its headers.
struct EgressRequest {
    let method: String
    let target: String
    private let headers: [String: String]

    init?(head: [UInt8]) {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        method = String(parts[0])
        target = String(parts[1])
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
    }

    func header(_ name: String) -> String? { headers[name] }

    /// `host:port` or `[v6]:port`, the port required.
    var authority: (host: String, port: Int)? {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(target[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else { return nil }
        return (host, port)
    }
}
