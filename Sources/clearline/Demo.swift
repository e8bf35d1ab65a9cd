import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Connectors
import Crypto
import Domain
import Persistence
import Sandbox

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Demo data.", subcommands: [Seed.self, Week.self])

    /// Creates (or refreshes) the demo tenant, a platform admin and a tenant owner. Passwords live
    /// in `--credentials-file` (created with mode 0600 on first run), so reruns keep them.
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seed a demo tenant and two users; print how to log in.")

        @Option(help: "Where the demo passwords are kept.")
        var credentialsFile = ".clearline/demo-login.txt"

        @Option(help: "The vendor sandbox (clearline sandbox): the demo tenant's dev environment gets PayTrace, Zoho and Sage Pro connections to it.")
        var sandboxURL: String?

        @Option(help: "Where the sandbox's Sage Pro agent reaches Clearline.")
        var clearlineURL = "http://127.0.0.1:8080"

        static let adminEmail = "admin@clearline.local"
        static let ownerEmail = "owner@demo.clearline.local"

        func run() throws {
            let passwords = try loadOrCreatePasswords()
            let database = try CLI.database()
            let hasher = PasswordHasher(iterations: try Settings.fromEnvironment().api.passwordIterations)
            let tenant = try database.transaction(.platform) { tx -> Tenant in
                if let existing = try TenantStore.find(tx, slug: "demo") { return existing }
                let tenant = try TenantStore.create(tx, name: "Acme Outdoor Supply (demo)", slug: "demo")
                try CLI.audit(
                    tx, tenantId: tenant.id, action: "tenant.created", targetType: "tenant", targetId: tenant.id.uuidString.lowercased(),
                    details: ["name": tenant.name, "slug": tenant.slug])
                return tenant
            }
            try database.transaction(.platform) { tx in
                for (email, tenantId, role) in [(Self.adminEmail, nil, nil), (Self.ownerEmail, tenant.id, Role.owner)] as [(String, UUID?, Role?)] {
                    let hash = hasher.hash(passwords[email]!)
                    if try UserStore.setPassword(tx, tenantId: tenantId, email: email, passwordHash: hash) { continue }
                    let user = try UserStore.create(tx, tenantId: tenantId, email: email, passwordHash: hash, role: role)
                    try CLI.audit(
                        tx, tenantId: tenantId, action: tenantId == nil ? "platform_user.created" : "user.created",
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
                        (
                            .paytrace, "PayTrace (sandbox)", ["base_url": .text(sandboxURL + "/paytrace")],
                            ["username": account.username, "password": account.password, "integrator_id": account.integratorId]
                        ),
                        // Connected with the "Connect Zoho" button, which goes through the sandbox's accounts server.
                        (
                            .zoho, "Zoho (sandbox)",
                            [
                                "data_center": .text("us"), "organization_id": .text("20071234"), "requests_per_minute": .text("600000"), "books": .flag(true),
                                "inventory": .flag(true), "crm": .flag(true),
                                "accounts_url": .text(sandboxURL + "/zoho/accounts"),
                            ],
                            ["client_id": zoho.id, "client_secret": zoho.secret]
                        ),
                        (.sageProAgent, "Sage Pro (sandbox agent)", ["company_code": .text("01")], ["enrolment_token": SecureRandom.token(byteCount: 24)]),
                        // Fulfilment news goes back to it; the sandbox keeps what it receives.
                        (
                            .shop, "Storefront (sandbox)", ["webhook_url": .text(sandboxURL + "/shop/hooks")],
                            ["signing_secret": SecureRandom.token(byteCount: 24)]
                        ),
                    ]
                    // A sandbox on another port than last time: the demo's connections follow it.
                    let current = try ConnectionStore.list(tx, tenantId: tenant.id, environment: .dev, after: nil, limit: 200).items
                    for (kind, name, settings, _) in wanted where existing.contains(kind) {
                        guard let connection = current.first(where: { $0.kind == kind && $0.name == name }) else { continue }
                        let moved = settings.filter { key, value in connection.settings[key] != value }
                        guard !moved.isEmpty, kind != .zoho || moved.keys.contains("accounts_url") else { continue }
                        var changes: [String: ConnectionSetting?] = moved.mapValues { $0 }
                        if kind == .zoho { changes["api_domain"] = .some(nil) }
                        _ = try ConnectionStore.update(
                            tx, vault: vault, tenantId: tenant.id, environment: .dev, id: connection.id, name: nil, settings: changes, secrets: [:])
                    }
                    for (kind, name, settings, secrets) in wanted where !existing.contains(kind) {
                        let connection = try ConnectionStore.create(
                            tx, vault: vault, tenantId: tenant.id, environment: .dev, kind: kind,
                            name: name, settings: settings, secrets: secrets)
                        try CLI.audit(
                            tx, tenantId: tenant.id, action: "connection.created", targetType: "connection",
                            targetId: connection.id.uuidString.lowercased(), details: ["environment": "dev", "kind": kind.rawValue])
                    }
                }
                try startSageAgent(database, vault: vault, tenantId: tenant.id, sandboxURL: sandboxURL)
                try connectZoho(database, vault: vault, tenantId: tenant.id, sandboxURL: sandboxURL)
            }
            print(
                """
                Demo tenant: \(tenant.name) (\(tenant.id.uuidString.lowercased()))
                Log in as the platform administrator:  \(Self.adminEmail) / \(passwords[Self.adminEmail]!)
                Log in as the demo tenant's owner:     \(Self.ownerEmail) / \(passwords[Self.ownerEmail]!)
                (passwords kept in \(credentialsFile))
                """)
        }

        /// The sandbox keeps no state across restarts: its agent is started on every seed, with the
        /// token from the vault.
        private func startSageAgent(_ database: Database, vault: Vault, tenantId: UUID, sandboxURL: String) throws {
            let found = try database.transaction(.tenant(tenantId)) { tx -> (UUID, String)? in
                guard
                    let connection = try ConnectionStore.list(tx, tenantId: tenantId, environment: .dev, after: nil, limit: 200).items
                        .first(where: { $0.kind == .sageProAgent }),
                    let token = try ConnectionStore.secret(tx, vault: vault, tenantId: tenantId, connectionId: connection.id, name: "enrolment_token")
                else { return nil }
                return (connection.id, token)
            }
            guard let (connectionId, token) = found, let url = URL(string: sandboxURL + "/_sandbox/sage/agents") else { return }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: [
                "clearline_url": clearlineURL, "connection_id": connectionId.uuidString.lowercased(), "enrolment_token": token,
            ])
            let reply = try HTTPTransport.unguarded(timeout: 10).send(request, vendor: "The sandbox")
            guard reply.status == 201 else { throw ValidationError("the sandbox did not start the Sage Pro agent (HTTP \(reply.status))") }
        }

        /// Connects the demo's Zoho connection the way a Zoho "Self Client" does (a grant code from
        /// the console, exchanged for a refresh token), so flows into Zoho work out of the box;
        /// "Connect Zoho" in the admin pages does the same through the browser.
        private func connectZoho(_ database: Database, vault: Vault, tenantId: UUID, sandboxURL: String) throws {
            let zoho = SandboxServer.demoZohoClient
            // Connected on every seed, not only the first: the sandbox keeps no state across
            // restarts, so the refresh token a previous run got is unknown to this sandbox.
            let pending = try database.transaction(.tenant(tenantId)) { tx -> Connection? in
                try ConnectionStore.list(tx, tenantId: tenantId, environment: .dev, after: nil, limit: 200).items
                    .first { $0.kind == .zoho && $0.text("accounts_url") == sandboxURL + "/zoho/accounts" }
            }
            guard let pending, let url = URL(string: sandboxURL + "/_sandbox/zoho/self-client/code"),
                let accountsURL = URL(string: sandboxURL + "/zoho/accounts")
            else { return }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            let scope = ZohoAccountsClient.scopes(books: true, inventory: true, crm: true).joined(separator: ",")
            request.httpBody = Data("client_id=\(zoho.id)&scope=\(scope)".utf8)
            let reply = try HTTPTransport.unguarded(timeout: 10).send(request, vendor: "The sandbox")
            guard let code = (try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any])?["code"] as? String else {
                throw ValidationError("the sandbox gave no Zoho grant code (HTTP \(reply.status))")
            }
            let tokens = try ZohoAccountsClient(accountsURL: accountsURL, clientId: zoho.id, clientSecret: zoho.secret)
                .exchange(code: code, redirectURI: ZohoAccountsEmulator.selfClientRedirect)
            try database.transaction(.tenant(tenantId)) { tx in
                var settings: [String: ConnectionSetting?] = [:]
                if let domain = tokens.apiDomain, !domain.isEmpty { settings["api_domain"] = .text(domain) }
                _ = try ConnectionStore.update(
                    tx, vault: vault, tenantId: tenantId, environment: .dev, id: pending.id, name: nil,
                    settings: settings, secrets: ["refresh_token": tokens.refreshToken])
                try ConnectionStore.setStatus(tx, tenantId: tenantId, id: pending.id, status: "connected")
            }
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
