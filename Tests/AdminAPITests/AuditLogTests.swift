import Foundation
import Testing
import ClearlineTesting
import Persistence

@Suite("Audit log: every write, hash-chained, tamper-evident", .requiresDatabase)
struct AuditLogTests {
    @Test func writesAreRecordedWithActorAndRequestId() async throws {
        let tenant = try await Fixtures.tenant()
        let created = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/api-keys", json: ["name": "audited", "role": "viewer"],
            headers: ["X-Request-Id": "audit-test-1"])
        let keyId = try #require(created["id"])
        _ = try await Client.send("DELETE", "/v1/tenants/\(tenant)/api-keys/\(keyId)", headers: ["X-Request-Id": "audit-test-2"])
        let log = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log")
        #expect(log.status == 200)
        let actions = log.items.compactMap { $0["action"] as? String }
        #expect(actions == ["api_key.revoked", "api_key.created", "tenant.created"])
        let newest = try #require(log.items.first)
        #expect(newest["request_id"] as? String == "audit-test-2")
        #expect((newest["actor"] as? String)?.hasPrefix("api_key:") == true)
        #expect(newest["target_id"] as? String == keyId)
        #expect(log.items.allSatisfy { ($0["details"] as? [String: Any])?["token"] == nil })
        let verdict = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log/verify")
        #expect(verdict.json["valid"] as? Bool == true)
        #expect(verdict.json["entries_checked"] as? Int == 3)
    }

    @Test func theTableRefusesUpdatesAndDeletes() throws {
        let database = TestServer.shared.database
        #expect(throws: PostgresError.self) {
            try database.transaction(.platform) { try $0.query("UPDATE audit_log SET actor = 'someone else'") }
        }
        #expect(throws: PostgresError.self) {
            try database.transaction(.platform) { try $0.query("DELETE FROM audit_log") }
        }
    }

    @Test func anEditedOrRemovedLineBreaksTheChain() async throws {
        let tenant = try await Fixtures.tenant()
        for i in 0..<3 { _ = try await Fixtures.apiKey(tenant, role: "viewer"); _ = i }
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log/verify").json["valid"] as? Bool == true)
        try Self.goAroundTheTrigger("UPDATE audit_log SET details = '{\"name\":\"innocent\"}' WHERE tenant_id = $1 AND seq = 2", tenant)
        let edited = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log/verify")
        #expect(edited.json["valid"] as? Bool == false)
        #expect(edited.json["first_broken_sequence"] as? Int == 2)

        let other = try await Fixtures.tenant()
        for _ in 0..<3 { _ = try await Fixtures.apiKey(other, role: "viewer") }
        try Self.goAroundTheTrigger("DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 3", other)
        let removed = try await Client.send("GET", "/v1/tenants/\(other)/audit-log/verify")
        #expect(removed.json["valid"] as? Bool == false)
        #expect(removed.json["first_broken_sequence"] as? Int == 4)
    }

    /// What someone with DDL rights could do: switch the append-only trigger off, change a row, switch it on.
    static func goAroundTheTrigger(_ sql: String, _ tenant: String) throws {
        try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
            try tx.query(sql, [UUID(uuidString: tenant)!])
            try tx.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
        }
    }

    @Test func concurrentWritesKeepOneChain() async throws {
        let tenant = try await Fixtures.tenant()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { _ = try await Fixtures.apiKey(tenant, role: "viewer") } }
            try await group.waitForAll()
        }
        let verdict = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log/verify")
        #expect(verdict.json["valid"] as? Bool == true)
        #expect(verdict.json["entries_checked"] as? Int == 13)
    }

    @Test func auditLogPaginatesNewestFirst() async throws {
        let tenant = try await Fixtures.tenant()
        for _ in 0..<4 { _ = try await Fixtures.apiKey(tenant, role: "viewer") }
        let first = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log?limit=3")
        let cursor = try #require(first.json["next_cursor"] as? String)
        let second = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log?limit=3&cursor=\(cursor)")
        let sequences = (first.items + second.items).compactMap { $0["sequence"] as? Int }
        #expect(sequences == [5, 4, 3, 2, 1])
    }
}
