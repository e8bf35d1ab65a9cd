import ArgumentParser
import Dispatch
import Crypto
import Foundation
import Domain
import Logging
import Sandbox

struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve the loopback emulators of the vendors (PayTrace, Zoho, Sage Pro agents, a shop) until SIGTERM or SIGINT.")

    @Option(help: "Port to listen on (127.0.0.1 only).")
    var port = Int(ProcessInfo.processInfo.environment["CLEARLINE_SANDBOX_PORT"] ?? "") ?? 8091

    @Option(help: "Port of the sandbox's SMTP relay for alert e-mail (127.0.0.1 only; 0 picks one).")
    var smtpPort = Int(ProcessInfo.processInfo.environment["CLEARLINE_SANDBOX_SMTP_PORT"] ?? "") ?? 0

    func run() throws {
        SecureRandom.keepLibraryStateUntilExit()
        Settings.bootstrapLogging(level: .warning)
        let sandbox = SandboxServer(port: port, smtpPort: smtpPort, logger: Logger(label: "clearline.sandbox"))
        try sandbox.start()
        let account = SandboxServer.demoPayTraceAccount
        let zoho = SandboxServer.demoZohoClient
        // Written straight to the descriptor: print's buffer would hold the banner back while
        // stdout is a file (scripts/run's log), until it filled.
        let banner = """
            sandbox on \(sandbox.baseURL)
              PayTrace API: \(sandbox.baseURL)/paytrace   (user \(account.username), password \(account.password), integrator \(account.integratorId))
              Zoho: accounts \(sandbox.baseURL)/zoho/accounts, APIs \(sandbox.baseURL)/zoho/api   (client \(zoho.id), secret \(zoho.secret), organization 20071234)
              Sage Pro agents: POST \(sandbox.baseURL)/_sandbox/sage/agents {"clearline_url","connection_id","enrolment_token"}
              alert sinks: webhook \(sandbox.baseURL)/sinks/alerts (GET /_sandbox/sinks/alerts), SMTP relay smtp://127.0.0.1:\(sandbox.smtpPort) (GET /_sandbox/mail)
              faults: POST \(sandbox.baseURL)/_sandbox/faults {"service":"paytrace|zoho|zoho-accounts|sage|sinks|smtp","mode":"429|500|503|timeout|drop","count":N}
              a month of PayTrace activity: POST \(sandbox.baseURL)/_sandbox/paytrace/month {"seed","start","days","sales_per_day"}

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        CLI.waitForTermination()
        sandbox.shutdown()
    }
}
