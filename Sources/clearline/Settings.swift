import Foundation
import Domain
import Logging
import AdminAPI
import HTTPServer
import Persistence
import Crypto
import Engine
import Connectors

/// Configuration from environment variables, each with a default that works on a laptop.
struct Settings {
    let databaseURL: String
    let http: HTTPServer.Configuration
    let poolSize: Int
    let api: APIConfiguration
    let logLevel: Logger.Level
    let masterKeyFile: String?
    let masterKey: String?
    let workers: WorkerPool.Configuration
    let housekeeping: QueueHousekeeping.Configuration
    /// Start even when the database role bypasses row-level security (a superuser or BYPASSRLS).
    let allowRowSecurityBypass: Bool

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        func int(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = env[name], !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw Invalid(description: "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return value
        }
        guard let databaseURL = env["DATABASE_URL"], !databaseURL.isEmpty else {
            throw Invalid(description: "DATABASE_URL is not set (e.g. postgresql://clearline@127.0.0.1:5432/clearline); scripts/run sets it for you")
        }
        let executorThreads = try int("CLEARLINE_HTTP_EXECUTOR_THREADS", 16, 1...512)
        let http = HTTPServer.Configuration(
            host: env["CLEARLINE_HTTP_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            port: try int("CLEARLINE_HTTP_PORT", 8080, 0...65535),
            threads: try int("CLEARLINE_HTTP_THREADS", HTTPServer.Configuration.defaultThreads, 1...256),
            executorThreads: executorThreads,
            maxBodyBytes: try int("CLEARLINE_MAX_BODY_BYTES", 1 << 20, 1024...(64 << 20)),
            connectionsPerClient: try int("CLEARLINE_HTTP_CONNECTIONS_PER_CLIENT", 128, 1...4000),
            headerDeadlineSeconds: try int("CLEARLINE_HTTP_HEADER_DEADLINE_SECONDS", 10, 1...300))
        // Alert e-mail's relay (the administrator's, e.g. the host's MTA); none: e-mail routes say so.
        var mailRelay: MailRelay?
        if let relay = env["CLEARLINE_SMTP_URL"], !relay.isEmpty {
            let from = env["CLEARLINE_SMTP_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "clearline@localhost"
            guard let parsed = MailRelay(url: relay, from: from) else {
                throw Invalid(description: "CLEARLINE_SMTP_URL must be smtp://host[:port], and CLEARLINE_SMTP_FROM one e-mail address")
            }
            mailRelay = parsed
        }
        let levelText = env["CLEARLINE_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw Invalid(description: "CLEARLINE_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        let api = APIConfiguration(
            publicDirectory: env["CLEARLINE_PUBLIC_DIR"] ?? "Public",
            publicURL: env["CLEARLINE_PUBLIC_URL"], mailRelay: mailRelay,
            passwordIterations: try int("CLEARLINE_PASSWORD_ITERATIONS", 600_000, 10_000...10_000_000),
            loginLimits: .init(
                maxFailuresPerEmail: try int("CLEARLINE_LOGIN_FAILURES_PER_EMAIL", 5, 1...1000),
                maxFailuresPerClient: try int("CLEARLINE_LOGIN_FAILURES_PER_CLIENT", 30, 1...100_000)),
            requestVendorCalls: try int("CLEARLINE_REQUEST_VENDOR_CALLS", max(1, executorThreads / 4), 1...512),
            requestVendorCallsPerTenant: try int("CLEARLINE_REQUEST_VENDOR_CALLS_PER_TENANT", 2, 1...512))
        let workers = WorkerPool.Configuration(
            workers: try int("CLEARLINE_WORKERS", 4, 1...256),
            leaseSeconds: try int("CLEARLINE_JOB_LEASE_SECONDS", 300, 1...86_400),
            pollInterval: Double(try int("CLEARLINE_JOB_POLL_MS", 2000, 10...60_000)) / 1000,
            backoff: Backoff(base: Double(try int("CLEARLINE_JOB_BACKOFF_BASE_MS", 2000, 1...3_600_000)) / 1000))
        // The administrator's exceptions to the outbound policy (the sandbox's address), for
        // every command: the demo saves connections, serve tests them, work calls them.
        do { try OutboundPolicy.allow(env["CLEARLINE_OUTBOUND_ALLOW"] ?? "") } catch {
            throw Invalid(description: "CLEARLINE_OUTBOUND_ALLOW: \(error); give a comma list of IP or IP:port")
        }
        let housekeeping = QueueHousekeeping.Configuration(
            interval: Double(try int("CLEARLINE_JOB_REAP_MS", 5000, 100...600_000)) / 1000,
            historyDays: try int("CLEARLINE_JOB_HISTORY_DAYS", 30, 1...3650))
        return Settings(
            databaseURL: databaseURL, http: http,
            poolSize: try int("CLEARLINE_DB_POOL_SIZE", executorThreads + workers.workers + 4, 1...512),
            api: api, logLevel: level, masterKeyFile: env["CLEARLINE_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 },
            masterKey: env["CLEARLINE_MASTER_KEY"].flatMap { $0.isEmpty ? nil : $0 }, workers: workers,
            housekeeping: housekeeping, allowRowSecurityBypass: env["CLEARLINE_ALLOW_RLS_BYPASS"] == "1")
    }

    /// The key-encryption keys: from CLEARLINE_MASTER_KEY_FILE (versioned, rotatable) or
    /// CLEARLINE_MASTER_KEY (one base64 key). Without either there is no vault, and no server.
    func masterKeys() throws -> MasterKeys {
        if let file = masterKeyFile {
            do {
                return try MasterKeys.load(file: file)
            } catch let error as Keyring.Failure {
                throw Invalid(description: "CLEARLINE_MASTER_KEY_FILE (\(file)): \(error)")
            } catch {
                throw Invalid(description: "cannot read CLEARLINE_MASTER_KEY_FILE (\(file)): \(error.localizedDescription)")
            }
        }
        if let masterKey {
            do { return MasterKeys(keyring: try Keyring.single(base64: masterKey)) } catch {
                throw Invalid(description: "\(error)")
            }
        }
        throw Invalid(
            description: "no master key: set CLEARLINE_MASTER_KEY_FILE (a file of '<version> <base64 32 bytes>' lines) "
                + "or CLEARLINE_MASTER_KEY (base64 of 32 bytes); scripts/run creates .clearline/master.key")
    }

    static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        JSONLogHandler.startFlushing()
    }
}
