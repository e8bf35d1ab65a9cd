import ArgumentParser
import Foundation
import Crypto
import Domain
import Persistence
import Sandbox

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Demo data.", subcommands: [Seed.self])

    /// Creates (or refreshes) the demo tenant, a platform admin and a tenant owner. Passwords live
    /// in `--credentials-file` (created with mode 0600 on first run), so reruns keep them.
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seed a demo tenant and two users; print how to log in.")

        @Option(help: "Where the demo passwords are kept.")
        var credentialsFile = ".clearline/demo-login.txt"

        @Option(help: "The vendor sandbox (clearline sandbox): the demo tenant's dev environment gets a PayTrace connection to it.")
        var sandboxURL: String?

        static let adminEmail = "admin@clearline.local"
        static let ownerEmail = "owner@demo.clearline.local"

        func run() throws {
            let passwords = try loadOrCreatePasswords()
            let database = try CLI.database()
            let hasher = PasswordHasher(iterations: try Settings.fromEnvironment().api.passwordIterations)
            let tenant = try database.transaction(.platform) { tx -> Tenant in
                if let existing = try TenantStore.find(tx, slug: "demo") { return existing }
                let tenant = try TenantStore.create(tx, name: "Acme Outdoor Supply (demo)", slug: "demo")
                try CLI.audit(tx, tenantId: tenant.id, action: "tenant.created", targetType: "tenant", targetId: tenant.id.uuidString.lowercased(),
                              details: ["name": tenant.name, "slug": tenant.slug])
                return tenant
            }
            try database.transaction(.platform) { tx in
                for (email, tenantId, role) in [(Self.adminEmail, nil, nil), (Self.ownerEmail, tenant.id, Role.owner)] as [(String, UUID?, Role?)] {
                    let hash = hasher.hash(passwords[email]!)
                    if try UserStore.setPassword(tx, email: email, passwordHash: hash) { continue }
                    let user = try UserStore.create(tx, tenantId: tenantId, email: email, passwordHash: hash, role: role)
                    try CLI.audit(tx, tenantId: tenantId, action: tenantId == nil ? "platform_user.created" : "user.created",
                                  targetType: "user", targetId: user.id.uuidString.lowercased(), details: ["email": email])
                }
            }
            if let sandboxURL {
                let vault = Vault(masterKeys: try Settings.fromEnvironment().masterKeys())
                try database.transaction(.tenant(tenant.id)) { tx in
                    let existing = Set(try ConnectionStore.list(tx, tenantId: tenant.id, environment: .dev, after: nil, limit: 200).items.map(\.kind))
                    let account = SandboxServer.demoPayTraceAccount
                    let zoho = SandboxServer.demoZohoClient
                    let wanted: [(ConnectionKind, String, [String: ConnectionSetting], [String: String])] = [
                        (.paytrace, "PayTrace (sandbox)", ["base_url": .text(sandboxURL + "/paytrace")],
                         ["username": account.username, "password": account.password, "integrator_id": account.integratorId]),
                        // Connected with the "Connect Zoho" button, which goes through the sandbox's accounts server.
                        (.zoho, "Zoho Books (sandbox)", ["data_center": .text("us"), "organization_id": .text("20071234"), "books": .flag(true),
                                                         "accounts_url": .text(sandboxURL + "/zoho/accounts")],
                         ["client_id": zoho.id, "client_secret": zoho.secret]),
                    ]
                    for (kind, name, settings, secrets) in wanted where !existing.contains(kind) {
                        let connection = try ConnectionStore.create(tx, vault: vault, tenantId: tenant.id, environment: .dev, kind: kind,
                                                                    name: name, settings: settings, secrets: secrets)
                        try CLI.audit(tx, tenantId: tenant.id, action: "connection.created", targetType: "connection",
                                      targetId: connection.id.uuidString.lowercased(), details: ["environment": "dev", "kind": kind.rawValue])
                    }
                }
            }
            print("""
                Demo tenant: \(tenant.name) (\(tenant.id.uuidString.lowercased()))
                Log in as the platform administrator:  \(Self.adminEmail) / \(passwords[Self.adminEmail]!)
                Log in as the demo tenant's owner:     \(Self.ownerEmail) / \(passwords[Self.ownerEmail]!)
                (passwords kept in \(credentialsFile))
                """)
        }

        private func loadOrCreatePasswords() throws -> [String: String] {
            if let text = try? String(contentsOfFile: credentialsFile, encoding: .utf8) {
                var found: [String: String] = [:]
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: " ", maxSplits: 1)
                    if parts.count == 2 { found[String(parts[0])] = String(parts[1]) }
                }
                if found[Self.adminEmail] != nil, found[Self.ownerEmail] != nil { return found }
            }
            let created = [Self.adminEmail: SecureRandom.token(byteCount: 12), Self.ownerEmail: SecureRandom.token(byteCount: 12)]
            let text = created.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n") + "\n"
            let url = URL(fileURLWithPath: credentialsFile)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: credentialsFile, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(credentialsFile)")
            }
            return created
        }
    }
}
