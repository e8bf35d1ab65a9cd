import Foundation
import Testing
import ClearlineTesting
import Domain
import Engine

/// Schedules (issue 17): each slot records one event for the deployed flows, once across
/// processes; slots missed while no process ran fire once; "Run now" adds one; bad input names
/// its field. The clock is the test's: housekeeping fires what is due at the time it is given.
@Suite("Schedules", .requiresDatabase)
struct ScheduleTests {
    static func base(_ tenant: String) -> String { "/v1/tenants/\(tenant)/environments/dev/schedules" }

    static func events(_ tenantId: UUID) throws -> [(type: String, slot: String)] {
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query(
                "SELECT type, payload->'schedule'->>'slot' AS slot FROM events WHERE tenant_id = $1 AND source = 'schedule' ORDER BY received_at",
                [
                    tenantId
                ]
            ).map { (try $0.string("type"), try $0.string("slot")) }
        }
    }

    @Test func eachSlotFiresOnceAcrossProcessesAndMissedSlotsOnce() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let made = try await Client.send(
            "POST", Self.base(tenant), json: ["name": "Nightly sync", "cron": "0 1 * * *", "time_zone": "America/New_York"])
        try #require(made.status == 201, "\(made.text)")
        #expect(made["event_type"] == "schedule.nightly_sync")
        let upcoming = try #require(made.json["upcoming"] as? [String])
        #expect(upcoming.count == 5 && upcoming.allSatisfy { $0.hasSuffix("T06:00:00.000000Z") || $0.hasSuffix("T05:00:00.000000Z") }, "\(upcoming)")
        let slotText = try #require(made["next_run_at"])
        let slot = try #require(Timestamp.parse(slotText))
        let id = try #require(made["id"])

        // Three processes' housekeeping, a minute before the slot: nothing yet.
        let housekeepers = (0..<3).map { _ in TestWorkers.housekeeping(tenant: tenantId) }
        #expect(try housekeepers[0].fireSchedules(at: slot.addingTimeInterval(-60)) == 0)
        // All three at once, three days and an hour after the first slot (no process ran since):
        // one event, for the first missed slot, and the next slot after now.
        let late = slot.addingTimeInterval(3 * 86_400 + 3_600)
        let fired = try await withThrowingTaskGroup(of: Int.self) { group in
            for housekeeper in housekeepers { group.addTask { try housekeeper.fireSchedules(at: late) } }
            return try await group.reduce(0, +)
        }
        #expect(fired == 1)
        #expect(try Self.events(tenantId).map(\.slot) == [Timestamp.format(slot)])
        let after = try await Client.send("GET", "\(Self.base(tenant))/\(id)")
        #expect(after.json["fired"] as? Int == 1 && after["last_slot"] == Timestamp.format(slot))
        let nextText = try #require(after["next_run_at"])
        let next = try #require(Timestamp.parse(nextText))
        #expect(next > late && next < late.addingTimeInterval(86_400))
        // Its slot, from all three at once: once.
        let second = try await withThrowingTaskGroup(of: Int.self) { group in
            for housekeeper in housekeepers { group.addTask { try housekeeper.fireSchedules(at: next) } }
            return try await group.reduce(0, +)
        }
        let afterSecond = try Self.events(tenantId).count
        #expect(second == 1 && afterSecond == 2)

        // Run now adds one and leaves the next slot.
        #expect(try await Client.send("POST", "\(Self.base(tenant))/\(id)/run").status == 202)
        #expect(try Self.events(tenantId).count == 3)
        // A suspended tenant's schedules wait; resumed, the slots it missed fire once.
        let later = late.addingTimeInterval(10 * 86_400)
        #expect(try await Client.send("PATCH", "/v1/tenants/\(tenant)", json: ["status": "suspended"]).status == 200)
        #expect(try housekeepers[0].fireSchedules(at: later) == 0)
        #expect(try await Client.send("PATCH", "/v1/tenants/\(tenant)", json: ["status": "active"]).status == 200)
        #expect(try housekeepers[0].fireSchedules(at: later) == 1)
        // Paused, nothing fires.
        let paused = try await Client.send("PATCH", "\(Self.base(tenant))/\(id)", json: ["enabled": false])
        #expect(paused.status == 200 && paused.json["next_run_at"] == nil && (paused.json["upcoming"] as? [Any])?.isEmpty == true, "\(paused.text)")
        #expect(try housekeepers[0].fireSchedules(at: late.addingTimeInterval(30 * 86_400)) == 0)
        #expect(try Self.events(tenantId).map(\.type) == Array(repeating: "schedule.nightly_sync", count: 4))
    }

    @Test func badInputNamesItsFieldAndNamesAreUnique() async throws {
        let tenant = try await Fixtures.tenant()
        let cases: [([String: Any], String)] = [
            (["name": "A", "cron": "61 * * * *"], "cron"), (["name": "A", "cron": "* * *"], "cron"), (["name": "A", "cron": "@sometimes"], "cron"),
            (["name": "A", "cron": "@daily", "time_zone": "Mars/Olympus"], "time_zone"), (["name": "", "cron": "@daily"], "name"),
            (["name": "A", "cron": "@daily", "event_type": "nightly"], "event_type"), (["name": "A", "cron": "0 0 30 2 *"], "cron"),
            (["cron": "@daily"], "name"), (["name": "A"], "cron"),
        ]
        for (body, field) in cases {
            let reply = try await Client.send("POST", Self.base(tenant), json: body)
            let fields = (reply.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(reply.status == 422 && reply.isProblem && fields.contains(field), "\(body): \(reply.status) \(reply.text)")
        }
        #expect(try await Client.send("GET", Self.base(tenant)).items.isEmpty, "nothing was stored")
        let first = try await Client.send("POST", Self.base(tenant), json: ["name": "Hourly", "cron": "@hourly"])
        #expect(first.status == 201 && first["time_zone"] == "UTC")
        #expect(try await Client.send("POST", Self.base(tenant), json: ["name": "Hourly", "cron": "@daily"]).status == 409)
        let id = try #require(first["id"])
        #expect(try await Client.send("PATCH", "\(Self.base(tenant))/\(id)", json: ["cron": "99 * * * *"]).status == 422)
        let other = try await Fixtures.tenant()
        #expect(try await Client.send("GET", "\(Self.base(other))/\(id)").status == 404)
        #expect(try await Client.send("DELETE", "\(Self.base(other))/\(id)").status == 404)
        #expect(try await Client.send("DELETE", "\(Self.base(tenant))/\(id)").status == 204)
        #expect(try await Client.send("GET", "\(Self.base(tenant))/\(id)").status == 404)
    }
}
