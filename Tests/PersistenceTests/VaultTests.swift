import Foundation
import Testing
import ClearlineTesting
import Crypto
import Domain
import Persistence

@Suite("Credential vault: envelope encryption bound to its context", .requiresDatabase)
struct VaultTests {
    /// A tenant with a PayTrace connection in dev; returns (tenant, connection).
    static func connection(password: String) async throws -> (UUID, UUID) {
        let tenant = try await Fixtures.tenant()
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/connections",
            json: ["kind": "paytrace", "name": "PT", "secrets": ["username": "u", "password": password]])
        try #require(reply.status == 201)
        return (UUID(uuidString: tenant)!, UUID(uuidString: try #require(reply["id"]))!)
    }

    static func secret(_ tenant: UUID, _ connection: UUID, vault: Vault = TestServer.shared.vault) throws -> String? {
        try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try ConnectionStore.secret(tx, vault: vault, tenantId: tenant, connectionId: connection, name: "password")
        }
    }

    @Test func aCiphertextCopiedToAnotherConnectionOrTenantDoesNotOpen() async throws {
        let (tenantA, first) = try await Self.connection(password: "first password")
        let secondReply = try await Client.send(
            "POST", "/v1/tenants/\(tenantA)/environments/dev/connections",
            json: ["kind": "paytrace", "name": "PT 2", "secrets": ["password": "second password"]])
        let second = try #require(UUID(uuidString: secondReply["id"] ?? ""))
        let (tenantB, third) = try await Self.connection(password: "third password")
        #expect(try Self.secret(tenantA, first) == "first password")
        // Someone with database access moves A's first ciphertext onto the other two rows.
        try TestServer.shared.database.transaction(.platform) { tx in
            let sealed = try tx.one("SELECT ciphertext FROM connection_secrets WHERE connection_id = $1 AND name = 'password'", [first])!.string("ciphertext")
            try tx.query("UPDATE connection_secrets SET ciphertext = $2, version = 1 WHERE connection_id = $1 AND name = 'password'", [second, sealed])
            try tx.query("UPDATE connection_secrets SET ciphertext = $2, version = 1 WHERE connection_id = $1 AND name = 'password'", [third, sealed])
        }
        #expect(throws: VaultError.secretDoesNotOpen) { try Self.secret(tenantA, second) }
        #expect(throws: VaultError.secretDoesNotOpen) { try Self.secret(tenantB, third) }
        #expect(try Self.secret(tenantA, first) == "first password")
    }

    @Test func theWrongMasterKeyIsRefusedWithAClearMessage() async throws {
        let (tenant, connection) = try await Self.connection(password: "some password")
        let version = TestServer.shared.vault.masterKeys.current.version
        let wrong = Vault(masterKeys: MasterKeys(keyring: try Keyring(keys: [version: SecureRandom.bytes(32)])))
        let error = #expect(throws: VaultError.self) { try wrong.verifyDataKeys(TestServer.shared.database) }
        #expect(error.map { "\($0)".contains("cannot open the data key") } == true)
        #expect(throws: VaultError.self) { try Self.secret(tenant, connection, vault: wrong) }
        #expect(try Self.secret(tenant, connection) == "some password")
    }

    @Test func deletingATenantDestroysItsDataKey() async throws {
        let (tenant, connection) = try await Self.connection(password: "doomed password")
        #expect(try Self.secret(tenant, connection) == "doomed password")
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)").status == 204)
        let left = try TestServer.shared.database.transaction(.platform) { tx in
            (
                try tx.query("SELECT 1 FROM tenant_data_keys WHERE tenant_id = $1", [tenant]).count,
                try tx.query("SELECT 1 FROM connection_secrets WHERE tenant_id = $1", [tenant]).count
            )
        }
        #expect(left.0 == 0 && left.1 == 0)
    }

    @Test func rotationThroughTheKeyFileUnderLoadLeavesEverySecretReadable() throws {
        // Its own database: rotation re-wraps every data key in the table.
        try TestServer.withTemporaryDatabase { conninfo in
            try Migrator(conninfo: conninfo, logger: TestServer.quietLogger).migrate()
            let database = Database(conninfo: conninfo, poolSize: 8, logger: TestServer.quietLogger)
            defer { database.pool.close() }
            try Self.rotateUnderLoad(database)
        }
    }

    static func secret(_ tenant: UUID, _ connection: UUID, vault: Vault, in database: Database) throws -> String? {
        try database.transaction(.tenant(tenant)) { tx in
            try ConnectionStore.secret(tx, vault: vault, tenantId: tenant, connectionId: connection, name: "password")
        }
    }

    static func rotateUnderLoad(_ database: Database) throws {
        // Its own keyring and file, as a server process and `clearline keys rotate` would have.
        let file = NSTemporaryDirectory() + "clearline-keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let initial = try Keyring(keys: [1: SecureRandom.bytes(32)])
        try initial.fileText.write(toFile: file, atomically: true, encoding: .utf8)
        let server = Vault(masterKeys: try MasterKeys.load(file: file))
        var stored: [(UUID, UUID, String)] = []
        for index in 0..<6 {
            let tenantId = try database.transaction(.platform) { try TenantStore.create($0, name: "Rotation \(index)", slug: "rotation-\(index)").id }
            let password = "password number \(index)"
            let connection = try database.transaction(.tenant(tenantId)) { tx in
                try ConnectionStore.create(
                    tx, vault: server, tenantId: tenantId, environment: .dev, kind: .paytrace, name: "PT",
                    settings: [:], secrets: ["password": password]
                ).id
            }
            stored.append((tenantId, connection, password))
        }
        let failures = ResultsBox()
        let running = RunningFlag()
        let snapshot = stored
        let readers = (0..<3).map { _ in
            Thread {
                while running.isOn {
                    for (tenant, connection, password) in snapshot {
                        let outcome = Result { try Self.secret(tenant, connection, vault: server, in: database) }
                        if (try? outcome.get()) != password { failures.append(.success(["\(outcome)"])) }
                    }
                    running.countRound()
                }
            }
        }
        readers.forEach { $0.start() }
        // What `clearline keys rotate` does: a new version in the file, then every data key re-wrapped.
        let rotated = try initial.addingNewKey()
        try rotated.fileText.write(toFile: file, atomically: true, encoding: .utf8)
        let rewrapped = try Vault(masterKeys: MasterKeys(keyring: rotated, file: file)).rewrapAll(database)
        // The readers go on over the re-wrapped keys: three more rounds each, on average.
        let wanted = running.rounds + 3 * readers.count
        #expect(try Wait.blockingUntil(60) { running.rounds >= wanted }, "the readers kept reading after the rotation")
        running.turnOff()
        #expect(rewrapped >= stored.count)
        #expect(failures.all.isEmpty, "reads failed during rotation: \(failures.all.prefix(3))")
        let versions = try database.transaction(.platform) { tx in
            try stored.map { try tx.one("SELECT kek_version FROM tenant_data_keys WHERE tenant_id = $1", [$0.0])!.int("kek_version") }
        }
        #expect(versions.allSatisfy { $0 == 2 })
        for (tenant, connection, password) in stored { #expect(try Self.secret(tenant, connection, vault: server, in: database) == password) }
    }
}
