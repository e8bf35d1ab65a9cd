import Foundation
import Testing
import ClearlineTesting
@testable import HTTPServer

/// A started server on a free port whose every request takes `work` seconds, and the count of
/// requests that reached the handler (tests wait on it, not on time).
func slowServer(executorThreads: Int, work: TimeInterval, answer: String) throws -> (HTTPServer, RunningFlag) {
    let entered = RunningFlag()
    let server = HTTPServer(
        configuration: .init(host: "127.0.0.1", port: 0, threads: 2, executorThreads: executorThreads), logger: TestServer.quietLogger,
        oversized: { _ in Response(status: 413) }
    ) { _ in
        entered.countRound()
        Thread.sleep(forTimeInterval: work)
        return Response(status: 200, contentType: "text/plain", body: answer)
    }
    try server.start()
    return (server, entered)
}

@Suite("HTTP server lifecycle", .requiresDatabase)
struct GracefulShutdownTests {
    @Test func shutdownFinishesInFlightRequestsThenRefusesConnections() async throws {
        // Slow work, still under way when the shutdown begins.
        let (server, entered) = try slowServer(executorThreads: 2, work: 0.5, answer: "finished")
        let port = server.port
        #expect(port > 0)
        let inFlight = Task.detached { try RawHTTP.exchange(Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: port) }
        #expect(try await Wait.until(60) { entered.rounds == 1 }, "the request reached its handler")
        let stopped = Task.detached { server.shutdown(gracePeriod: .seconds(5)) }
        let response = try await inFlight.value
        await stopped.value
        #expect(RawHTTP.status(of: response) == 200)
        #expect(response.hasSuffix("finished"))
        #expect(throws: (any Error).self) { try RawHTTP.exchange(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), port: port) }
    }

    @Test func keepAliveConnectionsServeSeveralRequests() throws {
        let port = TestServer.shared.http.port
        let two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let response = try RawHTTP.exchange(Array(two.utf8), port: port, untilClosed: true)
        #expect(response.components(separatedBy: "HTTP/1.1 200").count - 1 == 2)
    }
}

@Suite("The executor that runs blocking handlers")
struct BlockingExecutorTests {
    @Test func everyJobRunsEvenWhenSubmittedDuringShutdown() async throws {
        // A server whose handler is slow, hit by keep-alive clients while it stops.
        let (server, entered) = try slowServer(executorThreads: 1, work: 0.05, answer: "ok")
        let port = server.port
        let twoRequests = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
        let clients = (0..<4).map { _ in Task.detached { try RawHTTP.exchange(twoRequests, port: port, untilClosed: true) } }
        #expect(try await Wait.until(60) { entered.rounds >= 1 }, "the clients' requests are being served")
        await Task.detached { server.shutdown(gracePeriod: .seconds(5)) }.value
        for client in clients {
            let response = try await client.value
            // Every request that was read got its answer; none was left suspended.
            #expect(!response.isEmpty)
            #expect(!response.contains("HTTP/1.1 5"))
        }
    }

    /// A server made, shut down and dropped at once (as each sandbox-backed test does) must not
    /// leave a thread that first runs after its executor is gone: that aborted the test process.
    @Test func executorsDroppedBeforeTheirThreadsRunLetEveryThreadFinish() async throws {
        var threads: [Thread] = []
        for index in 0..<50 {
            let executor = BlockingExecutor(threads: 8, name: "dropped-\(index)")
            executor.shutdown()
            threads += executor.threads
        }
        let made = threads
        #expect(try await Wait.until(60) { made.allSatisfy(\.isFinished) }, "every thread ran its loop and exited")
    }
}
