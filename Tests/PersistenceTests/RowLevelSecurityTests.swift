import Foundation
import Testing
import ClearlineTesting
import Persistence
import Domain

@Suite("Row-level security: the database's own wall between tenants", .requiresDatabase)
struct RowLevelSecurityTests {
    @Test func aTenantScopeSeesOnlyItsRowsEvenWithoutAWhereClause() async throws {
        let a = try await Fixtures.tenant()
        let b = try await Fixtures.tenant()
        _ = try await Fixtures.apiKey(a, role: "viewer")
        _ = try await Fixtures.apiKey(b, role: "viewer")
        _ = try await Fixtures.apiKey(b, role: "viewer")
        let database = TestServer.shared.database
        let tenantA = UUID(uuidString: a)!
        let visible = try database.transaction(.tenant(tenantA)) { tx in
            (
                keys: try tx.query("SELECT tenant_id FROM api_keys"),
                tenants: try tx.query("SELECT id FROM tenants"),
                audit: try tx.query("SELECT DISTINCT tenant_id FROM audit_log"),
                environments: try tx.query("SELECT DISTINCT tenant_id FROM environments")
            )
        }
        #expect(visible.keys.count == 1)
        #expect(try visible.keys.allSatisfy { try $0.uuid("tenant_id") == tenantA })
        #expect(try visible.tenants.map { try $0.uuid("id") } == [tenantA])
        #expect(try visible.audit.map { try $0.uuid("tenant_id") } == [tenantA])
        #expect(try visible.environments.map { try $0.uuid("tenant_id") } == [tenantA])
    }

    @Test func aTenantScopeCannotWriteIntoAnotherTenant() async throws {
        let a = try await Fixtures.tenant()
        let b = try await Fixtures.tenant()
        let database = TestServer.shared.database
        let error = #expect(throws: PostgresError.self) {
            try database.transaction(.tenant(UUID(uuidString: a)!)) { tx in
                try tx.query(
                    "INSERT INTO api_keys (tenant_id, name, role, prefix, secret_hash, created_by) VALUES ($1, 'x', 'owner', $2, 'h', 't')",
                    [UUID(uuidString: b)!, String(UUID().uuidString.prefix(12))])
            }
        }
        #expect(error?.sqlState == "42501")
        let changed = try database.transaction(.tenant(UUID(uuidString: a)!)) { tx in
            try tx.query("UPDATE tenants SET name = 'hijacked' WHERE id = $1 RETURNING id", [UUID(uuidString: b)!]).count
        }
        #expect(changed == 0)
    }

    @Test func credentialLookupsDoNotWidenTheCallersScope() async throws {
        let a = try await Fixtures.tenant()
        _ = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(a, role: "viewer")
        let prefix = String(key.token.split(separator: "_")[1])
        let seen = try TestServer.shared.database.transaction(.tenant(UUID(uuidString: a)!)) { tx in
            let found = try tx.query("SELECT * FROM clearline_api_key_credential($1)", [prefix]).count
            let tenants = try tx.query("SELECT id FROM tenants").count
            return (found, tenants)
        }
        #expect(seen.0 == 1)
        #expect(seen.1 == 1, "after the look-up the transaction must still see only its own tenant")
    }

    @Test func everyTableWithATenantColumnHasForcedRowLevelSecurity() throws {
        let rows = try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query(
                """
                SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r'
                  AND (c.relname = 'tenants' OR EXISTS (
                    SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
                """)
        }
        #expect(rows.count >= 7)
        for row in rows {
            let table = try row.string("relname")
            #expect(try row.bool("relrowsecurity") && row.bool("relforcerowsecurity"), "\(table) lacks forced row-level security")
            #expect(try row.int("policies") >= 1, "\(table) has no policy")
        }
    }

    @Test func aTenantScopeNeedsALiveTenant() async throws {
        let database = TestServer.shared.database
        #expect(throws: DomainError.notFound("No such tenant.")) {
            try database.transaction(.tenant(UUID())) { _ in Issue.record("the body must not run") }
        }
        let deleted = try await Fixtures.tenant()
        #expect(try await Client.send("DELETE", "/v1/tenants/\(deleted)").status == 204)
        #expect(throws: DomainError.notFound("No such tenant.")) {
            try database.transaction(.tenant(UUID(uuidString: deleted)!)) { _ in Issue.record("the body must not run") }
        }
    }

    @Test func noScopeSeesNothing() throws {
        let rows = try TestServer.shared.database.pool.withConnection { connection in
            try connection.query("SELECT count(*) AS n FROM tenants")
        }
        #expect(try rows.first?.int("n") == 0)
    }
}
