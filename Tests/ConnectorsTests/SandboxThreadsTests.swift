import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Synchronization
import Testing
import Logging
import Connectors
import Sandbox

/// The sandbox answers a vendor call on the thread that read it, except a call a fault makes
/// wait: that one sleeps on an executor thread, so a slow vendor does not hold the others.
@Suite("Sandbox threads")
struct SandboxThreadsTests {
    @Test func callsSlowedByAFaultDoNotHoldCallsToAnotherVendor() throws {
        let sandbox = SandboxServer(port: 0, logger: Logger(label: "sandbox-threads-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try sandbox.start()
        defer { sandbox.shutdown() }
        // More slow calls than the sandbox has reading threads (2).
        let slowCalls = 4
        sandbox.faults.inject(.slow(seconds: 3), service: "zoho", count: slowCalls)
        let finished = Mutex(0)
        let group = DispatchGroup()
        // Threads of their own: blocked callers on libdispatch's pool would starve URLSession's
        // own callbacks, which run there too.
        for _ in 0..<slowCalls {
            group.enter()
            Thread {
                let request = URLRequest(url: URL(string: sandbox.baseURL + "/zoho/api/books/v3/contacts?organization_id=1")!)
                _ = try? HTTPTransport.unguarded(timeout: 30).send(request, vendor: "Zoho Books")
                finished.withLock { $0 += 1 }
                group.leave()
            }.start()
        }
        // Every slow call has taken its fault: all of them are asleep in the sandbox now.
        let deadline = ContinuousClock.now + .seconds(20)
        while sandbox.faults.queued(for: "zoho") > 0 && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(sandbox.faults.queued(for: "zoho") == 0)
        let ping = URLRequest(url: URL(string: sandbox.baseURL + "/paytrace/v1/ping")!)
        #expect(try HTTPTransport.unguarded(timeout: 30).send(ping, vendor: "PayTrace").status == 200)
        #expect(finished.withLock { $0 } == 0, "the ping waited for a slow call to end")
        group.wait()
    }
}
