import Foundation
import Testing
import ClearlineTesting
@testable import AdminAPI
import Connectors
import Crypto
import Domain
import Persistence
import Sandbox

/// The Sage Pro agent protocol end to end: Clearline queues commands in PostgreSQL, the sandbox's
/// agent long-polls the real server, applies signed batches to its Sage Pro and posts results.
@Suite("Sage Pro agent protocol", .requiresDatabase)
struct SageAgentTests {
    @Test func customerInvoiceAndReceiptReachSageProWithBalancesKept() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        defer { running.stop() }

        let customer = try await AgentFixtures.completed(
            agent, try AgentFixtures.enqueue(agent, .upsertCustomer, "cust-1", ["company": "Acme Outdoor", "email": "ap@acme.example"]))
        #expect(customer.status == .succeeded)
        let custno = try #require(try AgentFixtures.result(customer)["custno"] as? String)
        #expect(custno == "ACME01")
        let invoice = try await AgentFixtures.completed(
            agent,
            try AgentFixtures.enqueue(
                agent, .createInvoice, "inv-1",
                [
                    "custno": custno, "ornum": "PT-1001", "tax": "8.25", "lines": [["item": "TENT-2P", "qty": "1", "price": "100.00"]],
                ]))
        let invno = try #require(try AgentFixtures.result(invoice)["invno"] as? String)
        let receipt = try await AgentFixtures.completed(
            agent,
            try AgentFixtures.enqueue(
                agent, .postCashReceipt, "pt-txn-555",
                [
                    "custno": custno, "invno": invno, "amount": "108.25", "paydate": "2026-11-22", "reference": "555",
                ]))
        #expect(try AgentFixtures.result(receipt)["invoice_balance"] as? String == "0.00")

        let company = try #require(TestSandbox.shared.sageAgents.company(agent.connection))
        #expect(company.rows("ARCUST")?.first?["BALANCE"] == .string("0.00"))
        #expect(company.rows("ARMAST")?.first?["ARSTAT"] == .string("P"))
        #expect(company.rows("ARCASH")?.count == 1)
        // Double entry: the GL balances.
        let gl = try #require(company.rows("GLTRAN"))
        let debits = gl.compactMap { Decimal(string: $0["DEBIT"]?.string ?? "") }.reduce(0, +)
        let credits = gl.compactMap { Decimal(string: $0["CREDIT"]?.string ?? "") }.reduce(0, +)
        #expect(debits == credits && debits == Decimal(string: "216.5"))
    }

    /// A receipt naming no invoice is a payment on account (a credit on the customer); one naming
    /// an invoice Pro does not have is refused for good, so its run is held for review.
    @Test func aReceiptWithoutInvoiceIsOnAccountAndAnUnknownInvoiceIsRefused() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        defer { running.stop() }
        let customer = try await AgentFixtures.completed(agent, try AgentFixtures.enqueue(agent, .upsertCustomer, "cust-oa", ["company": "Birch Supply"]))
        let custno = try #require(try AgentFixtures.result(customer)["custno"] as? String)
        let onAccount = try await AgentFixtures.completed(
            agent, try AgentFixtures.enqueue(agent, .postCashReceipt, "oa-1", ["custno": custno, "amount": "40.00", "reference": "PT-9"]))
        let answer = try AgentFixtures.result(onAccount)
        #expect(onAccount.status == .succeeded && answer["on_account"] as? Bool == true)
        let unknown = try await AgentFixtures.completed(
            agent, try AgentFixtures.enqueue(agent, .postCashReceipt, "oa-2", ["custno": custno, "invno": "999999", "amount": "1.00"]))
        #expect(unknown.status == .failed && unknown.errorCode == "not_found" && unknown.retryable == false)
        let company = try #require(TestSandbox.shared.sageAgents.company(agent.connection))
        #expect(company.rows("ARCASH")?.map { $0["INVNO"] } == [.string("")])
        #expect(company.rows("ARCUST")?.first?["BALANCE"] == .string("-40.00"), "a credit of 40.00 on the customer")
    }

    @Test func aQueuedCommandWakesTheParkedPollAtOnce() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent, wait: AgentRoutes.maxWait)
        defer { running.stop() }
        let wakeups = TestServer.shared.app.services.agentWakeups
        #expect(try await Wait.until(60) { wakeups.parked(agent.connection) == 1 }, "the agent's poll is parked at the server")
        let pollsBefore = running.pollCount
        let done = try await AgentFixtures.completed(agent, try AgentFixtures.enqueue(agent, .ping, "ping-wake", [:]), within: 120)
        // Answered by the poll that was parked: without the NOTIFY wake-up, that poll would have
        // come back empty when its wait ran out, and a second poll would have brought the command.
        #expect(running.pollCount == pollsBefore + 1)
        #expect(done.status == .succeeded)
    }

    @Test func aLostResultIsRedeliveredAfterTheLeaseAndPostedOnce() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        defer { running.stop() }
        let custno =
            try AgentFixtures.result(try await AgentFixtures.completed(agent, try AgentFixtures.enqueue(agent, .upsertCustomer, "c", ["company": "Birch Co"])))[
                "custno"] as! String
        let invno =
            try AgentFixtures.result(
                try await AgentFixtures.completed(
                    agent,
                    try AgentFixtures.enqueue(
                        agent, .createInvoice, "i",
                        [
                            "custno": custno, "lines": [["item": "A", "qty": "2", "price": "10.00"]],
                        ])))["invno"] as! String

        TestSandbox.shared.faults.inject(.dropAfterCommit, service: "sage:\(agent.connection.uuidString.lowercased())", count: 1)
        let id = try AgentFixtures.enqueue(agent, .postCashReceipt, "pt-txn-drop", ["custno": custno, "invno": invno, "amount": "20.00", "reference": "drop"])
        // Delivered, and its result lost; on a busy machine the delivery can take more than a moment,
        // and the lease must not be run out before it (the redelivery would then wait the full lease).
        func status() throws -> AgentCommandStatus? {
            try TestServer.shared.database.transaction(.tenant(agent.tenant)) { try AgentCommandStore.get($0, tenantId: agent.tenant, id: id)?.status }
        }
        #expect(try await Wait.until(60) { try status() == .delivered })
        // The lease runs out (made to, rather than waited for) and the queue is poked.
        try TestServer.shared.database.transaction(.tenant(agent.tenant)) { tx in
            try tx.query("UPDATE agent_commands SET lease_until = now() - interval '1 second' WHERE id = $1", [id])
            try tx.query("SELECT pg_notify($1, $2)", [AgentCommandStore.channel, agent.connection.uuidString.lowercased()])
        }
        let done = try await AgentFixtures.completed(agent, id)
        #expect(done.status == .succeeded)
        #expect(done.deliveries == 2)
        let company = try #require(TestSandbox.shared.sageAgents.company(agent.connection))
        #expect(company.rows("ARCASH")?.count == 1)
        #expect(company.rows("ARCUST")?.first?["BALANCE"] == .string("0.00"))
    }

    @Test func failuresComeBackClassified() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        defer { running.stop() }
        let missing = try await AgentFixtures.completed(
            agent, try AgentFixtures.enqueue(agent, .createInvoice, "x", ["custno": "NOPE01", "lines": [["item": "A", "qty": "1", "price": "1"]]]))
        #expect(missing.status == .failed && missing.errorCode == "not_found" && missing.retryable == false)
        let unbalanced = try await AgentFixtures.completed(
            agent,
            try AgentFixtures.enqueue(
                agent, .postJournal, "j",
                [
                    "reference": "fees", "lines": [["account": "6100-00", "debit": "3.10"], ["account": "1000-00", "credit": "3.00"]],
                ]))
        #expect(unbalanced.errorCode == "validation")
        TestSandbox.shared.faults.inject(.status(423, retryAfter: nil), service: "sage:\(agent.connection.uuidString.lowercased())", count: 1)
        let locked = try await AgentFixtures.completed(agent, try AgentFixtures.enqueue(agent, .ping, "locked", [:]))
        #expect(locked.errorCode == "record_locked" && locked.retryable == true)
        let error = SageAgentProtocol.classify(.init(code: "record_locked", message: "locked", retryable: true))
        #expect(error.kind == .retryable)
        // The same external id never makes a second command.
        let again = try AgentFixtures.enqueue(agent, .createInvoice, "x", [:])
        #expect(again == missing.id)
    }

    /// Issue 14, item 6: the enrolment token is Clearline's to make, never typed: 192 random bits,
    /// shown in the answer that made it and nowhere else, renewed on request.
    @Test func theEnrolmentTokenIsMadeByClearlineAndShownOnce() async throws {
        let tenant = try await Fixtures.tenant()
        let base = "/v1/tenants/\(tenant)/environments/dev/connections"
        let typed = try await Client.send("POST", base, json: ["kind": "sage_pro", "name": "Agent", "secrets": ["enrolment_token": "1"]])
        #expect(typed.status == 422 && typed.text.contains("secrets.enrolment_token"), "\(typed.text)")
        let key = "agent-\(UUID())"
        let created = try await Client.send("POST", base, json: ["kind": "sage_pro", "name": "Agent"], headers: ["Idempotency-Key": key])
        let token = try #require(created["enrolment_token"])
        #expect(created.status == 201 && token.count >= 32 && token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "\(token)")
        let id = try #require(created["id"])
        let replayed = try await Client.send("POST", base, json: ["kind": "sage_pro", "name": "Agent"], headers: ["Idempotency-Key": key])
        #expect(replayed["id"] == id && replayed["enrolment_token"] == nil, "a replay does not show it again")
        let read = try await Client.send("GET", base + "/\(id)")
        #expect(!read.text.contains(token) && (read.json["secrets"] as? [String: Any])?["enrolment_token"] != nil)
        // Renewed: the new token works, the old one is refused.
        let renewed = try await Client.send("POST", base + "/\(id)/enrolment-token")
        let fresh = try #require(renewed["enrolment_token"])
        #expect(renewed.status == 200 && fresh != token)
        let path = SageAgentProtocol.commandsPath(connectionId: try #require(UUID(uuidString: id))) + "?wait=0"
        #expect(try await Client.send("GET", path, auth: .bearer(token)).status == 401)
        #expect(try await Client.send("GET", path, auth: .bearer(fresh)).status == 204)
        #expect(try await Client.send("PATCH", base + "/\(id)", json: ["secrets": ["enrolment_token": "mine"]]).status == 422)
        let shop = try await Client.send(
            "POST", base,
            json: ["kind": "shop", "name": "Shop", "settings": ["webhook_url": "https://shop.example/h"], "secrets": ["signing_secret": "s3cret-s3cret"]])
        #expect(try await Client.send("POST", base + "/\(try #require(shop["id"]))/enrolment-token").status == 409)
    }

    /// Issue 14, item 6: guessing a connection's token stops after a few tries from an address,
    /// before the guess is compared, and says when to come back.
    @Test func guessingTheEnrolmentTokenIsLimited() async throws {
        let agent = try await AgentFixtures.connection()
        let path = SageAgentProtocol.commandsPath(connectionId: agent.connection) + "?wait=0"
        var statuses: [Int] = []
        for guess in 0..<12 { statuses.append(try await Client.send("GET", path, auth: .bearer("guess-\(guess)")).status) }
        #expect(statuses.prefix(5).allSatisfy { $0 == 401 } && statuses.suffix(6).allSatisfy { $0 == 429 }, "\(statuses)")
        let limited = try await Client.send("GET", path, auth: .bearer(agent.token))
        #expect(limited.status == 429 && limited.isProblem && Int(limited.header("retry-after") ?? "") ?? 0 >= 1, "even the right token waits its turn here")
        // Another connection's agent is not held back by guesses at this one.
        let other = try await AgentFixtures.connection()
        #expect(
            try await Client.send("GET", SageAgentProtocol.commandsPath(connectionId: other.connection) + "?wait=0", auth: .bearer(other.token)).status == 204)
    }

    @Test func wrongTokensUnknownConnectionsAndForgedResultsAreRefused() async throws {
        let agent = try await AgentFixtures.connection()
        let other = try await AgentFixtures.connection()
        _ = try AgentFixtures.enqueue(other, .ping, "theirs", [:])
        let path = SageAgentProtocol.commandsPath(connectionId: other.connection) + "?wait=0"
        // Another connection's token, no token, an unknown connection: the same 401, and nothing handed out.
        for auth in [Client.Auth.bearer(agent.token), .none, .bearer("")] {
            let reply = try await Client.send("GET", path, auth: auth)
            #expect(reply.status == 401 && reply.isProblem)
        }
        #expect(try await Client.send("GET", SageAgentProtocol.commandsPath(connectionId: UUID()) + "?wait=0", auth: .bearer(other.token)).status == 401)
        #expect(try AgentFixtures.presence(other)?.lastRejectedAt != nil)

        let batch = try await Client.send("GET", path, auth: .bearer(other.token))
        #expect(batch.status == 200)
        let key = SageAgentProtocol.signingKey(enrolmentToken: other.token)
        let now = Int(Date().timeIntervalSince1970)
        #expect(throws: Never.self) { try SignatureHeader.verify(batch.header("clearline-signature"), body: Array(batch.body), keys: [key], now: now) }
        #expect(throws: SignatureHeader.Failure.mismatch) {
            try SignatureHeader.verify(batch.header("clearline-signature"), body: Array(batch.body) + [32], keys: [key], now: now)
        }
        let decoded = try SageAgentProtocol.decoder.decode(SageAgentProtocol.Batch.self, from: batch.body)
        let results = try SageAgentProtocol.encoder.encode(
            SageAgentProtocol.Results(
                batchId: decoded.batchId,
                results: [
                    .succeeded(decoded.commands[0].commandId, .object(["forged": .bool(true)]))
                ]))
        let resultsPath = SageAgentProtocol.resultsPath(connectionId: other.connection)
        let unsigned = try await Client.send("POST", resultsPath, auth: .bearer(other.token), body: results, headers: ["Content-Type": "application/json"])
        #expect(unsigned.status == 401)
        let wrongKey = SignatureHeader.sign(Array(results), key: SageAgentProtocol.signingKey(enrolmentToken: agent.token), time: now)
        let forged = try await Client.send(
            "POST", resultsPath, auth: .bearer(other.token), body: results,
            headers: ["Content-Type": "application/json", "Clearline-Signature": wrongKey])
        #expect(forged.status == 401)
        let signed = SignatureHeader.sign(Array(results), key: key, time: now)
        let accepted = try await Client.send(
            "POST", resultsPath, auth: .bearer(other.token), body: results,
            headers: ["Content-Type": "application/json", "Clearline-Signature": signed])
        #expect(accepted.status == 200 && accepted.json["accepted"] as? Int == 1)
        let replayed = try await Client.send(
            "POST", resultsPath, auth: .bearer(other.token), body: results,
            headers: ["Content-Type": "application/json", "Clearline-Signature": signed])
        #expect(replayed.json["accepted"] as? Int == 0 && replayed.json["ignored"] as? Int == 1)
        let garbage = try await Client.send(
            "POST", resultsPath, auth: .bearer(other.token), body: Data("{".utf8),
            headers: ["Content-Type": "application/json", "Clearline-Signature": SignatureHeader.sign(Array("{".utf8), key: key, time: now)])
        #expect(garbage.status == 400 && garbage.isProblem)
    }

    @Test func testingTheConnectionPingsTheAgent() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(agent.tenant.uuidString.lowercased())/environments/dev/connections/\(agent.connection.uuidString.lowercased())/test")
        #expect(reply.json["ok"] as? Bool == true)
        #expect(reply["message"]?.contains("answered in") == true)
        running.stop()
    }
}
