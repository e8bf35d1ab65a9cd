import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import SageAgent

/// `clearline agent --backend file-drop`, as a process of its own: the order-to-ERP template's
/// commands become Sage Pro import files, well-formed, each written once however often the
/// command comes, and a restarted agent remembers what it wrote.
@Suite("Sage Pro file-drop agent", .requiresDatabase)
struct SageFileDropTests {
    static var binary: URL { TestServer.repositoryRoot.appendingPathComponent(".build/debug/clearline") }

    static func startAgent(_ agent: AgentFixtures.Agent, folder: URL) throws -> ChildProcess {
        try ChildProcess(
            executable: binary.path,
            arguments: [
                "agent", "--clearline-url", TestServer.shared.baseURL, "--connection", agent.connection.uuidString,
                "--backend", "file-drop", "--folder", folder.path, "--wait", "2",
            ],
            environment: ["CLEARLINE_AGENT_TOKEN": agent.token, "PATH": "/usr/bin:/bin"])
    }

    /// RFC 4180 as Pro's importer reads it: quoted fields may hold commas, quotes and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r", characters.first == "\n" {
                characters.removeFirst(); row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        return rows
    }

    static func table(_ folder: URL, _ name: String) throws -> [[String: String]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("_\(name)01.csv") }.sorted()
        return try files.flatMap { file -> [[String: String]] in
            let rows = parseCSV(try String(contentsOf: folder.appendingPathComponent(file), encoding: .windowsCP1252))
            let header = rows[0]
            #expect(rows.dropFirst().allSatisfy { $0.count == header.count }, "\(file): every row has the header's \(header.count) fields")
            return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        }
    }

    @Test func theOrderToERPFlowBecomesImportFilesOnce() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the clearline executable first (swift build)")
        let agent = try await AgentFixtures.connection()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clearline-drop-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = try Self.startAgent(agent, folder: folder)
        defer { if process.isRunning { process.terminate() } }
        let tenant = agent.tenant.uuidString.lowercased()
        try await FlowFixtures.deployTemplate(tenant, "paytrace-sage-order-to-erp")
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let sale =
            #"{"transaction": {"transaction_id": 5150, "transaction_type": "SALE", "amount": "108.25", "status": "SETTLED", "#
            + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "acme-9", "invoice_id": "Invoice # 0042", "#
            + #""billing_address": {"name": "Acme, \"Outdoor\" Co", "street": "1 Main St", "city": "Spokane", "state": "WA", "zip": "99201"}}}"#
        for copy in 0..<2 {
            let reply = try await Hooks.deliver(hook, sale, eventId: "drop-sale-\(copy)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
            #expect(reply.status == 202)
        }
        let pool = TestWorkers.pool(tenant: agent.tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func statuses() throws -> [String] {
            try TestServer.shared.database.transaction(.tenant(agent.tenant)) { tx in
                try tx.query("SELECT status FROM runs WHERE tenant_id = $1", [agent.tenant]).map { try $0.string("status") }
            }
        }
        let finished = try await Wait.until(90) {
            let now = try statuses(); return now.count == 2 && !now.contains("running")
        }
        let final = try statuses()
        #expect(finished && final == ["succeeded", "succeeded"], "\(final)")

        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(
            names == [
                "000001_ARCUST01.csv", "000002_SOMAST01.csv", "000002_SOTRAN01.csv", "000003_ARMAST01.csv", "000003_ARTRAN01.csv",
                "000004_ARCASH01.csv",
            ], "one file set per command, however often the sale came")
        let raw = try Data(contentsOf: folder.appendingPathComponent("000001_ARCUST01.csv"))
        #expect(
            String(decoding: raw, as: UTF8.self).hasSuffix("\r\n")
                && !String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "").contains("\n"))

        let customers = try Self.table(folder, "ARCUST")
        #expect(customers.count == 1)
        let custno = try #require(customers.first?["CUSTNO"])
        #expect(custno.count == 6 && customers.first?["COMPANY"] == "Acme, \"Outdoor\" Co" && customers.first?["ACTION"] == "A")
        let orders = try Self.table(folder, "SOMAST")
        #expect(orders.first?["SONO"] == "         1", "SONO right-justified in 10 characters, as Pro keeps it")
        #expect(orders.first?["CUSTNO"] == custno && orders.first?["ORDAMT"] == "108.25" && orders.first?["PONUM"] == "0042")
        #expect(try Self.table(folder, "SOTRAN").map { $0["EXTPRICE"] } == ["108.25"])
        let invoice = try #require(try Self.table(folder, "ARMAST").first)
        #expect(invoice["INVAMT"] == "108.25" && invoice["CUSTNO"] == custno)
        let receipt = try #require(try Self.table(folder, "ARCASH").first)
        #expect(receipt["INVNO"] == invoice["INVNO"] && receipt["AMOUNT"] == "108.25" && receipt["PAYDATE"] == "11/21/2026")

        // A restarted agent keeps its crosswalk: the same command again writes nothing new.
        process.terminate()
        process.waitUntilExit()
        let backend = try FileDropBackend(folder: folder)
        let again = backend.apply(
            SageAgentProtocol.Command(
                commandId: UUID(), type: "cash_receipt.post", externalId: "txn:5150:cash_receipt", delivery: 9,
                payload: .object(["custno": .string(custno), "invno": .string(invoice["INVNO"]!), "amount": .string("108.25")])))
        #expect(again.status == .succeeded && again.data?["receipt_no"]?.string == receipt["RECEIPTNO"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }.count == names.count)
        // A receipt for an invoice the agent never wrote is refused, to be held for review.
        let unknown = backend.apply(
            SageAgentProtocol.Command(
                commandId: UUID(), type: "cash_receipt.post", externalId: "other", delivery: 1,
                payload: .object(["custno": .string(custno), "invno": .string("999999"), "amount": .string("1.00")])))
        #expect(unknown.status == .failed && unknown.error?.code == "not_found" && unknown.error?.retryable == false)
        // A settlement's deposit journal, as reconciliation posts it, becomes a GLTRAN file.
        let deposit = backend.apply(
            SageAgentProtocol.Command(
                commandId: UUID(), type: "journal.post", externalId: "PT-BATCH-7-DEPOSIT", delivery: 1,
                payload: .object([
                    "date": .string("2026-11-21"), "reference": .string("PT-BATCH-7-DEPOSIT"),
                    "lines": .array([
                        .object(["account": .string("1000-00"), "debit": .string("108.25")]),
                        .object(["account": .string("1050-00"), "credit": .string("108.25")]),
                    ]),
                ])))
        #expect(deposit.status == .succeeded, "\(String(describing: deposit.error))")
        let gl = try Self.table(folder, "GLTRAN")
        #expect(gl.count == 2)
        #expect(gl.contains { $0["GLACNT"] == "1000-00" && $0["DEBIT"] == "108.25" && $0["CREDIT"] == "0.00" })
        #expect(gl.contains { $0["GLACNT"] == "1050-00" && $0["CREDIT"] == "108.25" })
        #expect(gl.allSatisfy { $0["TRANDATE"] == "11/21/2026" }, "the date as Pro's importer reads it")
        // Import files only go in: a read is refused, and says why.
        let read = backend.apply(
            SageAgentProtocol.Command(
                commandId: UUID(), type: "cash_receipt.list", externalId: "read", delivery: 1,
                payload: .object(["from": .string("2026-11-01"), "to": .string("2026-11-30")])))
        #expect(read.status == .failed && read.error?.code == "unsupported" && read.error?.retryable == false)
    }

    @Test func importFilesQuoteWhatWouldBreakARow() {
        let file = ImportFile(
            table: "ARCUST", columns: ["CUSTNO", "COMPANY"],
            rows: [
                ["ACME01", "Acme, Inc"], ["QUOT01", "the \"best\""],
                ["LINE01", "two\nlines"], ["SONO", "    12"], ["CAFE01", "Café"],
            ])
        #expect(
            file.text == "CUSTNO,COMPANY\r\nACME01,\"Acme, Inc\"\r\nQUOT01,\"the \"\"best\"\"\"\r\nLINE01,\"two\nlines\"\r\nSONO,\"    12\"\r\nCAFE01,Café\r\n")
        #expect(Array(file.data).contains(0xE9), "Windows-1252, as FoxPro reads it")
        #expect(
            Self.parseCSV(file.text) == [
                ["CUSTNO", "COMPANY"], ["ACME01", "Acme, Inc"], ["QUOT01", "the \"best\""], ["LINE01", "two\nlines"],
                ["SONO", "    12"], ["CAFE01", "Café"],
            ])
    }
}
