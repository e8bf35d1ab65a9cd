import ArgumentParser
import Dispatch
import Foundation
import Logging
import Crypto
import Domain
import Persistence

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Platform administration from the shell.",
        subcommands: [CreateToken.self, CreateUser.self])

    struct CreateToken: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-token", abstract: "Print a new platform-admin API token (stored only as a hash).")

        @Option(help: "A name that says who or what uses the token.")
        var name: String

        func validate() throws {
            if let problem = Tenant.validateName(name) { throw ValidationError("--name \(problem.message)") }
        }

        func run() throws {
            let database = try CLI.database()
            let token = try database.transaction(.platform) { tx in
                let created = try APIKeyStore.createPlatformToken(tx, name: name, createdBy: "cli")
                try CLI.audit(
                    tx, tenantId: nil, action: "platform_token.created", targetType: "api_key", targetId: created.id.uuidString.lowercased(),
                    details: ["name": name])
                return created.token
            }
            print(token)
        }
    }

    struct CreateUser: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-user",
            abstract: "Create a platform-admin user; the password is read from standard input.")

        @Option(help: "The user's e-mail address, used to log in.")
        var email: String

        func validate() throws {
            if !User.isValidEmail(User.normalizeEmail(email)) { throw ValidationError("--email is not an e-mail address") }
        }

        func run() throws {
            let password = try CLI.readPassword()
            let database = try CLI.database()
            let hash = PasswordHasher(iterations: try Settings.fromEnvironment().api.passwordIterations).hash(password)
            let user = try database.transaction(.platform) { tx in
                let user = try UserStore.create(tx, tenantId: nil, email: email, passwordHash: hash, role: nil)
                try CLI.audit(
                    tx, tenantId: nil, action: "platform_user.created", targetType: "user", targetId: user.id.uuidString.lowercased(),
                    details: ["email": user.email])
                return user
            }
            print("created platform administrator \(user.email) (\(user.id.uuidString.lowercased()))")
        }
    }
}

/// Shared plumbing of the one-shot commands.
enum CLI {
    static func database() throws -> Database {
        let settings = try Settings.fromEnvironment()
        Settings.bootstrapLogging(level: .warning)
        let logger = Logger(label: "clearline.cli")
        try Migrator(conninfo: settings.databaseURL, logger: logger).migrate()
        return Database(conninfo: settings.databaseURL, poolSize: 2, logger: logger)
    }

    /// Blocks until SIGTERM or SIGINT arrives (both are taken over from their default action).
    static func waitForTermination() {
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        withExtendedLifetime(sources) {}
    }

    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password on standard input") }
        if let problem = User.validatePassword(line) { throw ValidationError("password \(problem.message)") }
        return line
    }

    static func audit(_ tx: Transaction, tenantId: UUID?, action: String, targetType: String, targetId: String, details: [String: String]) throws {
        let json = (try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        try AuditLogStore.append(
            tx, tenantId: tenantId,
            .init(
                actor: "cli", action: action, targetType: targetType, targetId: targetId,
                requestId: "cli-\(ProcessInfo.processInfo.processIdentifier)", details: json))
    }
}
