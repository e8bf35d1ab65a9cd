import ArgumentParser
import Dispatch
import Crypto
import Foundation
import Domain
import Logging
import AdminAPI
import HTTPServer
import Persistence
import Engine
import Connectors

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate the database, then serve the API and the admin pages, and run workers, until SIGTERM or SIGINT.")

    @Flag(help: "Serve the API only; run workers elsewhere with `clearline work`.")
    var noWorkers = false

    @Option(help: "Port to listen on (0: any free port); overrides CLEARLINE_HTTP_PORT.")
    var port: Int?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535, not \(port)") }
    }

    func run() throws {
        // First, while this process has few descriptors open for the helper to inherit.
        CallRelay.install(executable: CallRelay.thisExecutable)
        let (settings, logger, database, vault) = try Runtime.open()
        var http = settings.http
        if let port { http.port = port }
        let workers = noWorkers ? nil : Workers(settings, database, vault, logger)
        workers?.start()
        let app = App(database: database, vault: vault, configuration: settings.api, logger: logger)
        let limit = http.maxBodyBytes
        let server = HTTPServer(
            configuration: http, logger: logger, oversized: { app.payloadTooLarge($0, limit: limit) },
            inline: { app.respondInline(&$0) }, handler: { app.handle($0) })
        app.watchExecutor { server.executorLoad }
        try server.start()
        app.startNotifications()
        logger.info(
            "listening",
            metadata: [
                "url": "http://\(http.host):\(server.port)", "threads": "\(http.threads)",
                "executor_threads": "\(http.executorThreads)",
            ])

        signal(SIGPIPE, SIG_IGN)
        CLI.waitForTermination()
        logger.info("shutting down: no new connections, finishing requests in flight")
        app.shutdown()
        server.shutdown(gracePeriod: .seconds(15))
        workers?.shutdown()
        database.pool.close()
        logger.info("stopped")
        JSONLogHandler.flush()
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    func run() throws {
        let settings = try Settings.fromEnvironment()
        Settings.bootstrapLogging(level: settings.logLevel)
        let applied = try Migrator(conninfo: settings.databaseURL, logger: Logger(label: "clearline.migrate")).migrate()
        JSONLogHandler.flush()
        print(applied.isEmpty ? "database is up to date" : "applied: \(applied.joined(separator: ", "))")
    }
}

struct Work: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run workers only (no HTTP) until SIGTERM or SIGINT; any number of these share one database.")

    func run() throws {
        let (settings, logger, database, vault) = try Runtime.open()
        let workers = Workers(settings, database, vault, logger)
        workers.start()
        signal(SIGPIPE, SIG_IGN)
        CLI.waitForTermination()
        logger.info("shutting down: finishing running jobs, giving back the rest")
        workers.shutdown()
        database.pool.close()
        JSONLogHandler.flush()
    }
}

/// A process's job workers and, once per process, the queue's housekeeping.
struct Workers {
    let pool: WorkerPool
    let housekeeping: QueueHousekeeping

    init(_ settings: Settings, _ database: Database, _ vault: Vault, _ logger: Logger) {
        let notifier = AlertNotificationHandler(mailRelay: settings.api.mailRelay, publicURL: settings.api.publicURL)
        // The same pool; their transactions plan each statement once (`Database.jobWork`).
        let jobs = database.jobWork
        pool = WorkerPool(
            database: jobs, vault: vault, configuration: settings.workers, handlers: [.alertNotification: notifier], logger: logger)
        housekeeping = QueueHousekeeping(database: jobs, configuration: settings.housekeeping, logger: logger)
    }

    func start() {
        housekeeping.start()
        pool.start()
    }

    func shutdown() {
        pool.shutdown(grace: 15)
        housekeeping.shutdown()
    }
}

/// What `serve` and `work` share: settings, logging, migrations, the pool, and a vault whose
/// data keys all open (never a half-working process).
enum Runtime {
    static func open() throws -> (Settings, Logger, Database, Vault) {
        SecureRandom.keepLibraryStateUntilExit()
        let settings = try Settings.fromEnvironment()
        Settings.bootstrapLogging(level: settings.logLevel)
        let logger = Logger(label: "clearline")
        // Every https call leaves through the egress proxy, which connects only to an address it
        // judged itself: URLSession resolves names again after OutboundGuard's check.
        _ = try EgressProxy.install { reason in logger.warning("outbound connection refused", metadata: ["reason": "\(reason)"]) }
        // URLSession's threads spin while a new connection waits for its answer; at the lowest
        // priority they cannot take a core from the request threads (DispatchThreadPriority).
        DispatchThreadPriority.lower()
        let masterKeys = try settings.masterKeys()
        let database = Database(conninfo: settings.databaseURL, poolSize: settings.poolSize, logger: logger)
        // Row-level security is the second wall between tenants; a role it does not bind would
        // take it down without a word.
        if let bypass = try database.rowSecurityBypass() {
            guard settings.allowRowSecurityBypass else {
                throw Settings.Invalid(
                    description: "cannot start: \(bypass), so row-level security would not keep tenants apart. "
                        + "Connect as the database's owner role, or set CLEARLINE_ALLOW_RLS_BYPASS=1 to run without that wall.")
            }
            logger.warning("row-level security is off: \(bypass) (CLEARLINE_ALLOW_RLS_BYPASS=1)")
        }
        try Migrator(conninfo: settings.databaseURL, logger: logger).migrate()
        let vault = Vault(masterKeys: masterKeys)
        let opened: Int
        do { opened = try vault.verifyDataKeys(database) } catch let error as VaultError {
            throw Settings.Invalid(description: "cannot start: \(error)")
        }
        logger.info("vault ready", metadata: ["data_keys": "\(opened)", "master_key_version": "\(masterKeys.current.version)"])
        return (settings, logger, database, vault)
    }
}
