import ArgumentParser
import Connectors
import Crypto
import Foundation
import Domain
import Logging
import SageAgent

/// `clearline agent`: the Sage Pro agent as a process of its own. It dials out to Clearline with
/// a connection's enrolment token, and applies the signed batches to the sandbox's Pro company
/// or writes them as Pro import files into a folder.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run a Sage Pro agent until SIGTERM or SIGINT: long-poll Clearline for signed command batches and apply them.",
        discussion: """
            The enrolment token is read from CLEARLINE_AGENT_TOKEN or --token-file, never from the \
            command line (where other users of the machine could read it).
            Backends: `file-drop` writes Sage Pro import files (CSV, one sequence number per command) \
            into --folder for Pro's import program; `sandbox` applies commands to the sandbox's emulated Pro.
            """)

    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case fileDrop = "file-drop", sandbox
    }

    @Option(help: "Clearline's base URL.")
    var clearlineURL = "http://127.0.0.1:8080"

    @Option(help: "The Sage Pro connection's id.")
    var connection: String

    @Option(help: "A file holding the connection's enrolment token (else CLEARLINE_AGENT_TOKEN).")
    var tokenFile: String?

    @Option(help: "Where commands are applied: file-drop or sandbox.")
    var backend: Backend = .fileDrop

    @Option(help: "The folder for the file-drop backend's import files.")
    var folder: String?

    @Option(help: "Pro's company number, the suffix of its table names.")
    var company = "01"

    @Option(help: "The sandbox's base URL, for the sandbox backend.")
    var sandboxURL = "http://127.0.0.1:8091"

    @Option(help: "Seconds each poll waits for work (1-30).")
    var wait = 25

    func validate() throws {
        guard UUID(uuidString: connection) != nil else { throw ValidationError("--connection must be the connection's id (a UUID).") }
        guard URL(string: clearlineURL)?.scheme?.hasPrefix("http") == true else { throw ValidationError("--clearline-url must be an http(s) URL.") }
        guard (1...30).contains(wait) else { throw ValidationError("--wait must be between 1 and 30 seconds.") }
        guard company.count == 2, company.allSatisfy(\.isNumber) else { throw ValidationError("--company must be two digits, such as 01.") }
        if backend == .fileDrop, folder == nil { throw ValidationError("the file-drop backend needs --folder.") }
    }

    func run() throws {
        SecureRandom.keepLibraryStateUntilExit()
        Settings.bootstrapLogging(level: .info)
        let logger = Logger(label: "clearline.agent")
        let connectionId = UUID(uuidString: connection)!
        let token = try enrolmentToken()
        let target: any SageProBackend
        switch backend {
        case .fileDrop:
            target = try FileDropBackend(folder: URL(fileURLWithPath: folder!), companyNumber: company)
        case .sandbox:
            guard let url = URL(string: sandboxURL) else { throw ValidationError("--sandbox-url must be a URL.") }
            target = SandboxCompanyBackend(sandboxURL: url, connectionId: connectionId)
        }
        let client = SageAgentClient(
            baseURL: URL(string: clearlineURL)!, connectionId: connectionId, enrolmentToken: token,
            agentVersion: "clearline-agent-1", waitSeconds: wait)
        let loop = AgentLoop(client: client, backend: target, logger: logger)
        print(
            "agent for connection \(connectionId.uuidString.lowercased()) polling \(clearlineURL), backend \(backend.rawValue)"
                + (backend == .fileDrop ? " into \(folder!)" : " at \(sandboxURL)"))
        loop.start()
        CLI.waitForTermination()
        loop.stop()
        print("agent stopping after its poll in flight: \(loop.appliedCount) command(s) applied")
    }

    private func enrolmentToken() throws -> String {
        let text: String?
        if let tokenFile {
            text = try String(contentsOfFile: tokenFile, encoding: .utf8)
        } else {
            text = ProcessInfo.processInfo.environment["CLEARLINE_AGENT_TOKEN"]
        }
        guard let token = text?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw ValidationError("set CLEARLINE_AGENT_TOKEN or --token-file to the connection's enrolment token.")
        }
        return token
    }
}
