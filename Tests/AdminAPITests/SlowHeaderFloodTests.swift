import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif
import Testing
import ClearlineTesting
import HTTPServer
@testable import AdminAPI

/// 4,100 connections from one address, each sending a header line now and then and never
/// finishing its headers: the address gets its share of connections and no more, each of those
/// is closed at the header deadline however many lines it sends, and meanwhile everyone else is
/// answered.
@Suite("A slow-header flood stalls no one else", .requiresDatabase)
struct SlowHeaderFloodTests {
    @Test func fourThousandSlowConnectionsFromOneAddressLeaveTheServerAnswering() async throws {
        let server = try TestServer.dedicated(
            .init(host: "127.0.0.1", port: 0, threads: 2, executorThreads: 4, connectionsPerClient: 64, headerDeadlineSeconds: 2))
        defer { server.shutdown(gracePeriod: .seconds(1)) }
        let tenant = try await Fixtures.tenant()
        let base = "http://127.0.0.1:\(server.port)"

        // The flood comes from 127.0.0.2 (loopback too), the readers from 127.0.0.1.
        let flood = (0..<4100).compactMap { _ in SlowClient(from: "127.0.0.2", port: server.port) }
        defer { flood.forEach { $0.close() } }
        #expect(flood.count == 4100, "every connection was opened (the kernel accepts them; the server decides)")
        flood.forEach { $0.send("GET /healthz HTTP/1.1\r\nHost: flood\r\n") }

        var answered = 0
        let deadline = ContinuousClock.now + .seconds(60)
        // Until every flood connection is closed: those over the address's share at once, the
        // rest at the header deadline, although each keeps sending lines.
        while flood.contains(where: { !$0.isClosed }) && ContinuousClock.now < deadline {
            flood.forEach { $0.send("X-Slow: 1\r\n") }
            let health = try await Client.send("GET", "/healthz", auth: .none, server: base).status
            let read = try await Client.send("GET", "/v1/tenants/\(tenant)", server: base).status
            #expect(health == 200 && read == 200, "while flooded: /healthz \(health), an authenticated read \(read)")
            answered += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        let stillOpen = flood.filter { !$0.isClosed }.count
        #expect(stillOpen == 0, "\(stillOpen) flood connections still open")
        #expect(answered > 0)
        #expect(try await Client.send("GET", "/healthz", auth: .none, server: base).status == 200)
    }
}

/// A client connection from a chosen loopback address that writes whatever it is told and
/// notices when the server closes it.
final class SlowClient: @unchecked Sendable {
    private var fd: Int32
    private(set) var isClosedByServer = false

    init?(from source: String, port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } }
        guard bound == 0, connected == 0 else {
            Glibc.close(fd)
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    func send(_ text: String) {
        guard !isClosed else { return }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The server closed the connection: a read finds its end (or a reset).
    var isClosed: Bool {
        if isClosedByServer { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { isClosedByServer = true }
        return isClosedByServer
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
