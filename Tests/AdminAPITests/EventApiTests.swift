import Foundation
import Testing
import ClearlineTesting
import Domain
import Engine
import Persistence

/// Operators' view of intake and the queue: events with their jobs and attempts, dead letters,
/// replay, queue depth; each tenant sees only its own.
@Suite("Events, dead letters and replay", .serialized, .requiresDatabase)
struct EventApiTests {
    @Test func numbersInAPayloadComeBackExactlyAsSent() async throws {
        let hook = try await Hooks.endpoint(source: "shop")
        let sixty = String(repeating: "1234567890", count: 6)
        let reply = try await Hooks.deliver(hook, #"{"type":"order.paid","big":\#(sixty),"huge":1e400,"price":19.90}"#)
        let id = try #require(reply["event_id"], "\(reply.text)")
        let event = try await Client.send("GET", "/v1/tenants/\(hook.tenant)/environments/dev/events/\(id)")
        #expect(event.status == 200)
        #expect(event.text.contains("\"big\": \(sixty)"), "\(event.text.prefix(300))")
        #expect(event.text.contains("\"huge\": 1" + String(repeating: "0", count: 400)))
        #expect(event.text.contains("\"price\": 19.90"))
        // Foundation's parser takes no 401-digit number; with it swapped out the body parses.
        let parsable = event.text.replacingOccurrences(of: "1" + String(repeating: "0", count: 400), with: "0")
        let body = try JSONSerialization.jsonObject(with: Data(parsable.utf8)) as? [String: Any]
        let payload = try #require(body?["payload"] as? [String: Any], "the spliced body is one JSON document")
        #expect(payload["type"] as? String == "order.paid")
    }

    @Test func eventsAreListedNewestFirstFilteredPagedAndShownWithTheirJobs() async throws {
        let hook = try await Hooks.endpoint(source: "shop")
        var ids: [String] = []
        for n in 0..<3 {
            let reply = try await Hooks.deliver(hook, #"{"type":"order.paid","n":\#(n)}"#)
            ids.append(try #require(reply["event_id"]))
        }
        let base = "/v1/tenants/\(hook.tenant)/environments/dev/events"
        let first = try await Client.send("GET", base + "?limit=2")
        #expect(first.items.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
        let cursor = try #require(first["next_cursor"])
        let second = try await Client.send("GET", base + "?limit=2&cursor=\(cursor)")
        #expect(second.items.compactMap { $0["id"] as? String } == [ids[0]])
        #expect(try await Client.send("GET", base + "?source=zoho_books").items.isEmpty)
        // Pending or already completed: other suites' worker pools share this process's queue,
        // and may complete them between two requests, so each filter is checked on its own.
        let statuses = try await Client.send("GET", base).items.compactMap { $0["status"] as? String }
        #expect(statuses.count == 3 && statuses.allSatisfy { $0 == "pending" || $0 == "completed" }, "\(statuses)")
        for status in ["pending", "completed"] {
            let filtered = try await Client.send("GET", base + "?status=\(status)").items
            #expect(filtered.allSatisfy { $0["status"] as? String == status })
        }
        #expect(try await Client.send("GET", base + "?status=dead").items.isEmpty)
        #expect(try await Client.send("GET", base + "?status=nope").status == 422)
        #expect(try await Client.send("GET", base + "?since=yesterday").status == 422)

        let pool = TestWorkers.pool(tenant: try #require(UUID(uuidString: hook.tenant)))
        pool.start()
        let done = try await Wait.until(15) { try await Client.send("GET", base + "?status=completed").items.count == 3 }
        pool.shutdown(grace: 5)
        #expect(done)
        let event = try await Client.send("GET", base + "/\(ids[0])")
        #expect(event["status"] == "completed")
        #expect((event.json["payload"] as? [String: Any])?["n"] as? Int == 0)
        let jobs = try #require(event.json["jobs"] as? [[String: Any]])
        #expect(jobs.count == 1 && jobs[0]["kind"] as? String == "event.dispatch" && jobs[0]["state"] as? String == "completed")
        #expect((jobs[0]["attempt_log"] as? [[String: Any]])?.first?["outcome"] as? String == "succeeded")

        let other = try await Fixtures.tenant()
        let owner = try await Fixtures.apiKey(other, role: "owner")
        #expect(try await Client.send("GET", "/v1/tenants/\(other)/environments/dev/events/\(ids[0])", auth: .bearer(owner.token)).status == 404)
        #expect(try await Client.send("GET", "/v1/tenants/\(other)/environments/dev/events", auth: .bearer(owner.token)).items.isEmpty)
    }

    @Test func deadJobsAreListedAndReplayedAsNewAttemptsOfTheSameRun() async throws {
        let tenantText = try await Fixtures.tenant()
        let tenant = try #require(UUID(uuidString: tenantText))
        let ids = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            // Probes that fail their first attempt, with one allowed: dead, and good once replayed
            // (whichever pool of the test process picks the replay up).
            try JobQueue.enqueue(
                tx,
                (0..<3).map { _ in
                    NewJob(tenantId: tenant, environment: .dev, kind: .probe, payload: #"{"fail_attempts": 1}"#, maxAttempts: 1)
                })
        }
        let base = "/v1/tenants/\(tenantText)/environments/dev"
        #expect(try await Client.send("GET", "/v1/tenants/\(tenantText)/queue").json["environments"] != nil)
        let pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        let dead = try await Wait.until(15) { try await Client.send("GET", base + "/dead-letters").items.count == 3 }
        pool.shutdown(grace: 5)
        #expect(dead)
        let letters = try await Client.send("GET", base + "/dead-letters?limit=2")
        #expect(letters.items.count == 2 && letters["next_cursor"] != nil)
        #expect((letters.items.first?["last_error"] as? String)?.contains("probe asked to fail attempt 1") == true)
        let queue = try await Client.send("GET", "/v1/tenants/\(tenantText)/queue")
        let dev = (queue.json["environments"] as? [[String: Any]])?.first { $0["environment"] as? String == "dev" }
        #expect(dev?["dead_letters"] as? Int == 3)

        let viewer = try await Fixtures.apiKey(tenantText, role: "viewer")
        #expect(try await Client.send("POST", base + "/jobs/\(ids[0])/replay", auth: .bearer(viewer.token)).status == 403)
        let replayed = try await Client.send("POST", base + "/jobs/\(ids[0])/replay")
        #expect(replayed.status == 202)
        let newId = try #require((replayed.json["replayed"] as? [Int])?.first)
        #expect(try await Client.send("POST", base + "/jobs/\(ids[0])/replay").status == 409, "replayed once only")
        let (runs, attempt) = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            (
                try tx.query(
                    "SELECT DISTINCT run_id FROM (SELECT run_id FROM jobs WHERE id = $1 UNION ALL SELECT run_id FROM job_history WHERE id = $2) r",
                    [Int64(newId), ids[0]]
                ).count,
                try tx.one("SELECT attempt AS n FROM jobs WHERE id = $1 UNION ALL SELECT attempts FROM job_history WHERE id = $1", [Int64(newId)])?.int("n")
            )
        }
        #expect(runs == 1, "the replay belongs to the same run")
        // 1 while queued (the dead attempt counts), 2 once a pool of this test process has run it.
        #expect(attempt == 1 || attempt == 2, "its attempts continue the run's count")
        let rest = try await Client.send("POST", base + "/dead-letters/replay", json: ["kind": "probe"])
        #expect(rest.status == 202 && (rest.json["replayed"] as? [Int])?.count == 2)
        #expect(try await Client.send("GET", base + "/dead-letters").items.isEmpty)
        #expect(try await Client.send("POST", base + "/dead-letters/replay", json: ["since": "soon"]).status == 422)
        #expect(try await Client.send("POST", base + "/jobs/999999999/replay").status == 404)
        try TestServer.shared.database.transaction(.tenant(tenant)) { try $0.query("DELETE FROM jobs WHERE tenant_id = $1", [tenant]) }
    }
}

/// What an endpoint tells its sender is enough to reach a flow: it names the event type, which
/// flows are chosen by, and a delivery made as it says is stored with that type.
@Suite("Webhook endpoint instructions", .requiresDatabase)
struct EndpointInstructionsTests {
    @Test func theInstructionsNameTheEventTypeAndFollowingThemStoresIt() async throws {
        let tenant = try await Fixtures.tenant()
        for verification in ["clearline_signature", "standard_webhooks", "shared_secret"] {
            let created = try await Client.send(
                "POST", "/v1/tenants/\(tenant)/environments/dev/webhook-endpoints",
                json: ["name": "Shop", "source": "shop", "verification": verification])
            let instructions = try #require(created["instructions"], "\(created.text)")
            #expect(instructions.contains(#""type" field"#) && instructions.contains("Clearline-Event-Type"), "\(verification): \(instructions)")
        }
        let hook = try await Hooks.endpoint(source: "shop")
        let reply = try await Hooks.deliver(hook, #"{"type":"order.paid","order":{"id":"7"}}"#)
        let id = try #require(reply["event_id"], "\(reply.text)")
        let event = try await Client.send("GET", "/v1/tenants/\(hook.tenant)/environments/dev/events/\(id)")
        #expect(event["type"] == "order.paid")
    }
}
