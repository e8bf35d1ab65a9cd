import Logging
import Sandbox

/// The vendor emulators, on an ephemeral port, shared by the suites that need a vendor.
enum TestSandbox {
    static let shared: SandboxServer = {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        do { try sandbox.start() } catch { fatalError("cannot start the sandbox: \(error)") }
        return sandbox
    }()
}
