import ArgumentParser
import Dispatch
import Foundation
import Logging
import AdminAPI
import HTTPServer
import Persistence

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve the API and the admin pages until SIGTERM or SIGINT.")

    func run() throws {
        let settings = try Settings.fromEnvironment()
        Settings.bootstrapLogging(level: settings.logLevel)
        let logger = Logger(label: "clearline")
        let masterKeys = try settings.masterKeys()
        try Migrator(conninfo: settings.databaseURL, logger: logger).migrate()
        let database = Database(conninfo: settings.databaseURL, poolSize: settings.poolSize, logger: logger)
        let vault = Vault(masterKeys: masterKeys)
        // Never a half-working server: every stored data key must open with the configured master key.
        let opened: Int
        do { opened = try vault.verifyDataKeys(database) } catch let error as VaultError {
            throw Settings.Invalid(description: "cannot start: \(error)")
        }
        logger.info("vault ready", metadata: ["data_keys": "\(opened)", "master_key_version": "\(masterKeys.current.version)"])
        let app = App(database: database, vault: vault, configuration: settings.api, logger: logger)
        let limit = settings.http.maxBodyBytes
        let server = HTTPServer(configuration: settings.http, logger: logger, oversized: { app.payloadTooLarge($0, limit: limit) },
                                inline: { app.respondInline($0) }, handler: { app.handle($0) })
        try server.start()
        app.startNotifications()
        logger.info("listening", metadata: ["url": "http://\(settings.http.host):\(server.port)", "threads": "\(settings.http.threads)",
                                         "executor_threads": "\(settings.http.executorThreads)"])

        signal(SIGPIPE, SIG_IGN)
        CLI.waitForTermination()
        logger.info("shutting down: no new connections, finishing requests in flight")
        app.shutdown()
        server.shutdown(gracePeriod: .seconds(15))
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
