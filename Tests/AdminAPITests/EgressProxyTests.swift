import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
@testable import Connectors
import Domain

/// https leaves only through the egress proxy, which judges the address it connects to, not the
/// one a check resolved a moment earlier: a name that turns into 127.0.0.1 after the check (DNS
/// rebinding) reaches nothing inside.
@Suite("Egress proxy: https connects only where the policy allows", .requiresDatabase)
struct EgressProxyTests {
    static func proxy() throws -> EgressProxy { try EgressProxy.install { _ in } }

    /// What the proxy answers a raw request head, and the socket, still open, for a tunnel.
    static func ask(_ head: String, port: Int) throws -> (answer: String, socket: Int32) {
        let fd = try RawHTTP.connected(port: port, readTimeout: 30)
        _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return (String(decoding: receiveHead(fd), as: UTF8.self), fd)
    }

    /// Bytes up to and including a blank line, or to the end.
    static func receiveHead(_ fd: Int32) -> [UInt8] {
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            received.append(byte)
            if received.suffix(4) == [13, 10, 13, 10] { break }
        }
        return received
    }

    @Test func aNameThatLeadsInsideWhenCalledIsRefusedAtTheConnection() async throws {
        let proxy = try Self.proxy()
        let inside = try HostileVendor(.stall)
        defer { inside.release() }
        let refusedBefore = proxy.refusedCount
        // The unguarded transport skips OutboundGuard's check, as a name that resolved to a
        // public address for the check and to 127.0.0.1 for the call would pass it.
        var request = URLRequest(url: try #require(URL(string: "https://localhost:\(inside.port)/v1/transactions")))
        request.httpMethod = "POST"
        #expect(throws: ConnectorError.self) { try HTTPTransport.unguarded(timeout: 10).send(request, vendor: "The vendor") }
        #expect(inside.accepted == 0, "no connection reached the address inside")
        #expect(proxy.refusedCount > refusedBefore)
    }

    @Test func anAllowedAddressIsTunnelledAndAnythingElseIsTurnedAway() async throws {
        let proxy = try Self.proxy()
        let vendor = try HostileVendor(.error(json: #"{"error":"tunnelled"}"#))
        defer { vendor.release() }
        let target = "127.0.0.1:\(vendor.port)"
        func connect(_ extra: String) throws -> (answer: String, socket: Int32) {
            try Self.ask("CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n\(extra)\r\n", port: proxy.port)
        }
        let credentials = "Proxy-Authorization: \(proxy.authorization)\r\n"

        // Without the proxy's credentials: not a relay for anyone else on the machine.
        let anonymous = try connect("")
        close(anonymous.socket)
        #expect(anonymous.answer.hasPrefix("HTTP/1.1 407"), "\(anonymous.answer)")
        let wrong = try connect("Proxy-Authorization: Basic Y2xlYXJsaW5lOndyb25n\r\n")
        close(wrong.socket)
        #expect(wrong.answer.hasPrefix("HTTP/1.1 407"))
        // Only CONNECT.
        let get = try Self.ask("GET http://\(target)/ HTTP/1.1\r\n\(credentials)\r\n", port: proxy.port)
        close(get.socket)
        #expect(get.answer.hasPrefix("HTTP/1.1 405"))

        // Loopback is not a vendor's address...
        let inside = try connect(credentials)
        close(inside.socket)
        #expect(inside.answer.hasPrefix("HTTP/1.1 403"), "\(inside.answer)")
        #expect(vendor.accepted == 0)

        // ...unless the administrator allows it, as for the sandbox: then bytes pass both ways.
        try OutboundPolicy.allow(target)
        defer { OutboundPolicy.disallow(target) }
        let tunnel = try connect(credentials)
        defer { close(tunnel.socket) }
        #expect(tunnel.answer.hasPrefix("HTTP/1.1 200"), "\(tunnel.answer)")
        _ = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { send(tunnel.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(tunnel.socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            reply += buffer[0..<count]
        }
        let text = String(decoding: reply, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 400") && text.hasSuffix(#"{"error":"tunnelled"}"#), "\(text)")
        // One connection to the vendor per tunnel: a second one, left open, held a
        // single-threaded TLS server so that the handshake never finished.
        #expect(vendor.accepted == 1)
    }
}
