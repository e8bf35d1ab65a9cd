import Foundation
import Testing
import ClearlineTesting
import Connectors
import Sandbox

/// A PayTrace sale (US dollars) into a Books organization whose base currency is the Canadian
/// dollar: the contact deals in USD, the invoice and payment keep the sale's amounts to the cent
/// and carry Books' USD rate, so Books' base-currency totals are converted.
@Suite("Currency conversion when the Books base currency differs", .requiresDatabase)
struct CurrencyConversionTests {
    @Test func aDollarSaleIntoACanadianOrganizationCarriesTheRate() async throws {
        let sandbox = SandboxServer(port: 0, zohoBaseCurrency: "CAD", logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant, sandbox: sandbox)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let sale =
            #"{"transaction": {"transaction_id": 777001, "transaction_type": "SALE", "amount": "108.25", "status": "SETTLED", "#
            + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "maple-1", "invoice_id": "Invoice # 8801", "#
            + #""billing_address": {"name": "Maple Outfitters"}}}"#
        #expect(try await Hooks.deliver(hook, sale, eventId: "cad-sale", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status == 202)
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let done = try await Wait.until(60) {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.one("SELECT count(*) AS n FROM runs WHERE tenant_id = $1 AND status = 'succeeded'", [tenantId])!.int("n") == 1
            }
        }
        #expect(done)

        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        #expect(try books.organizations().first?["currency_code"] as? String == "CAD")
        let contact = try #require(try books.contacts(name: "Maple Outfitters").first)
        #expect(contact["currency_code"] as? String == "USD")
        let invoice = try #require(try books.invoices(referenceNumber: "8801").first)
        #expect(invoice["currency_code"] as? String == "USD" && invoice["status"] as? String == "paid")
        #expect("\(invoice["total"] ?? "")" == "108.25", "the sale's amount, to the cent")
        // 1 USD = 1 / 0.73 CAD in the sandbox's rates: 1.369863 to six places.
        #expect("\(invoice["exchange_rate"] ?? "")" == "1.369863")
        #expect("\(invoice["bcy_total"] ?? "")" == "148.29", "108.25 × 1.369863 = 148.2877, to the cent")
        let payment = try #require(try books.customerPayments(referenceNumber: "PT-777001").first)
        #expect("\(payment["amount"] ?? "")" == "108.25" && "\(payment["exchange_rate"] ?? "")" == "1.369863" && "\(payment["bcy_amount"] ?? "")" == "148.29")
    }
}
