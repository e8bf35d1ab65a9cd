public import Foundation
import Logging
import Persistence
import Crypto
import HTTPServer
import Connectors
@testable import AdminAPI

/// One real Clearline server per test process, on an ephemeral port, over the PostgreSQL that
/// scripts/test started (DATABASE_URL). Suites share it and isolate themselves by creating
/// their own tenants.
public final class TestServer: Sendable {
    public static let shared: TestServer = {
        do { return try TestServer() } catch { fatalError("cannot start the test server: \(error)") }
    }()

    public let conninfo: String
    public let database: Database
    public let vault: Vault
    public let app: App
    public let http: HTTPServer
    public let baseURL: String
    public let platformToken: String
    public static let maxBodyBytes = 64 * 1024

    public static var repositoryRoot: URL {
        // Tests/ClearlineTesting/TestServer.swift → the repository.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every line the shared server logs (access log included), for tests that scan for secrets.
    public static let logLines = NoticeCapture()

    public static var quietLogger: Logger {
        var logger = Logger(label: "clearline.tests")
        logger.logLevel = .critical
        return logger
    }

    /// A started server of a test's own, on the shared database, with its own thread counts and
    /// limits: for a test that fills a server on purpose. Shut it down when done.
    public static func dedicated(
        _ http: HTTPServer.Configuration, api: APIConfiguration = APIConfiguration(passwordIterations: 10_000)
    ) throws -> HTTPServer {
        let app = App(database: shared.database, vault: shared.vault, configuration: api, logger: quietLogger)
        let limit = http.maxBodyBytes
        let server = HTTPServer(
            configuration: http, logger: quietLogger, oversized: { app.payloadTooLarge($0, limit: limit) },
            inline: { app.respondInline(&$0) }, handler: { app.handle($0) })
        app.watchExecutor { server.executorLoad }
        try server.start()
        return server
    }

    /// A second Clearline process in all but name: its own App (caches, LISTEN connection) and
    /// server on the shared database. Shut both down when done.
    public static func secondProcess(api: APIConfiguration) throws -> (server: HTTPServer, app: App) {
        let app = App(database: shared.database, vault: shared.vault, configuration: api, logger: quietLogger)
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, threads: 1, executorThreads: 2, maxBodyBytes: Self.maxBodyBytes),
            logger: quietLogger, oversized: { app.payloadTooLarge($0, limit: Self.maxBodyBytes) },
            inline: { app.respondInline(&$0) }, handler: { app.handle($0) })
        try server.start()
        app.startNotifications()
        return (server, app)
    }

    /// Runs `body` with the conninfo of a new, empty database, dropped afterwards.
    public static func withTemporaryDatabase<T>(_ body: (String) throws -> T) throws -> T {
        let name = "clearline_tmp_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PostgresConnection(conninfo: shared.conninfo, logger: quietLogger)
        try admin.execute("CREATE DATABASE \(name)")
        defer { try? admin.execute("DROP DATABASE \(name) WITH (FORCE)") }
        guard var components = URLComponents(string: shared.conninfo) else { throw URLError(.badURL) }
        components.path = "/" + name
        return try body(components.string ?? shared.conninfo)
    }

    private init() throws {
        guard let url = TestDatabase.url else {
            fatalError("DATABASE_URL is not set: a suite that starts the test server must be marked .requiresDatabase")
        }
        conninfo = url
        // As `serve` and `work` do: https leaves only through the egress proxy.
        _ = try EgressProxy.install { _ in }
        var logger = Logger(label: "clearline.tests") { _ in Self.logLines }
        logger.logLevel = .info
        try Migrator(conninfo: url, logger: logger).migrate()
        database = Database(conninfo: url, poolSize: 24, logger: logger)
        let configuration = APIConfiguration(
            publicDirectory: Self.repositoryRoot.appendingPathComponent("Public").path,
            passwordIterations: 10_000,
            loginLimits: .init(window: 900, maxFailuresPerEmail: 5, maxFailuresPerClient: 10_000),
            // Every suite shares this server, each in tenants of its own: with production's four
            // vendor calls for all tenants together, suites pressing Test at the same moment (a
            // Sage agent's, a bounced redirect's) were refused 429 now and then. Each tenant still
            // gets its two; the bound for all tenants is tested on servers of their own
            // (SlowVendorTests).
            requestVendorCalls: 32,
            // The same five wrong tokens, refilled one an hour rather than one every 12 s: the guessing
            // test's twelve tries then meet the limit however slowly a loaded machine sends them.
            agentTokenFailures: .init(capacity: 5, perSecond: 1.0 / 3_600))
        // The key file scripts/test made, so the server it starts later can open what the suites sealed.
        if let file = ProcessInfo.processInfo.environment["CLEARLINE_MASTER_KEY_FILE"], !file.isEmpty {
            vault = Vault(masterKeys: try MasterKeys.load(file: file))
        } else {
            vault = Vault(masterKeys: MasterKeys(keyring: try Keyring(keys: [1: SecureRandom.bytes(32)])))
        }
        app = App(database: database, vault: vault, configuration: configuration, logger: logger)
        let app = app
        http = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, threads: 2, executorThreads: 8, maxBodyBytes: Self.maxBodyBytes),
            logger: logger, oversized: { app.payloadTooLarge($0, limit: Self.maxBodyBytes) },
            inline: { app.respondInline(&$0) }, handler: { app.handle($0) })
        let server = http
        app.watchExecutor { server.executorLoad }
        try http.start()
        app.startNotifications()
        baseURL = "http://127.0.0.1:\(http.port)"
        platformToken = try database.transaction(.platform) { try APIKeyStore.createPlatformToken($0, name: "tests", createdBy: "tests").token }
    }
}
