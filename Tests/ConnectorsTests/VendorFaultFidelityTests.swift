import Foundation
import Testing
import Sandbox

/// Zoho Accounts' token calls as real clients make them, and the faults the sandbox injects,
/// which must arrive in each vendor's own envelope and with the headers that say when to retry.
@Suite("Sandbox fidelity: Zoho Accounts and injected faults")
struct VendorFaultFidelityTests {
    @Test func tokenCallsTakeQueryParametersWhateverTheContentTypeAndRevoke() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = SandboxServer.demoZohoClient
        let (access, refresh) = try VendorHTTP.zohoTokens(sandbox)
        #expect(!access.isEmpty && !refresh.isEmpty)
        // Real clients send the refresh grant in the query string with a JSON content type.
        let query = "grant_type=refresh_token&client_id=\(client.id)&client_secret=\(client.secret)&refresh_token=\(refresh)"
        let refreshed = try VendorHTTP.send(
            sandbox, "POST", "/zoho/accounts/oauth/v2/token?" + query, headers: ["Content-Type": "application/json"], body: "{}")
        let fresh = try #require(refreshed["access_token"] as? String)
        let revoked = try VendorHTTP.send(sandbox, "POST", "/zoho/accounts/oauth/v2/token/revoke?token=\(refresh)")
        #expect(revoked.status == 200 && revoked["status"] as? String == "success")
        let after = try VendorHTTP.send(sandbox, "POST", "/zoho/accounts/oauth/v2/token?" + query, headers: ["Content-Type": "application/json"], body: "{}")
        #expect(after["error"] as? String == "invalid_code", "a revoked refresh token mints nothing")
        let books = try VendorHTTP.send(sandbox, "GET", "/zoho/api/books/v3/organizations", headers: VendorHTTP.zoho(fresh))
        #expect(books.status == 401 && books["code"] as? Int == 57, "its access tokens end with it")
        #expect(try VendorHTTP.send(sandbox, "POST", "/zoho/accounts/oauth/v2/token/revoke?token=\(refresh)")["status"] as? String == "failure")
    }

    @Test func injectedFaultsComeInTheVendorsEnvelopeWithRetryHeaders() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let zoho = VendorHTTP.zoho(try VendorHTTP.zohoTokens(sandbox).access)
        let payTrace = try VendorHTTP.payTraceToken(sandbox)
        sandbox.faults.inject(.status(429, retryAfter: 7), service: "zoho", count: 1)
        let books = try VendorHTTP.send(sandbox, "GET", "/zoho/api/books/v3/contacts?organization_id=20071234", headers: zoho)
        #expect(books.status == 429 && books["code"] as? Int == 44 && books.header("Retry-After") == "7")
        #expect(books.header("X-Rate-Limit-Remaining") == "0" && books.header("X-Rate-Limit-Reset") == "7")
        sandbox.faults.inject(.status(429, retryAfter: nil), service: "zoho", count: 1)
        let crm = try VendorHTTP.send(sandbox, "GET", "/zoho/api/crm/v8/org", headers: zoho)
        #expect(crm.status == 429 && crm["code"] as? String == "TOO_MANY_REQUESTS" && crm["status"] as? String == "error")
        #expect((crm["details"] as? [String: Any])?["retry_after"] as? Int == 1000 && crm.header("Retry-After") == "1")
        // Zoho Accounts is a host of its own: a throttle is HTTP 200 with Zoho's body.
        sandbox.faults.inject(.status(429, retryAfter: nil), service: "zoho-accounts", count: 1)
        let client = SandboxServer.demoZohoClient
        let throttled = try VendorHTTP.send(
            sandbox, "POST", "/zoho/accounts/oauth/v2/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "grant_type=refresh_token&client_id=\(client.id)&client_secret=\(client.secret)&refresh_token=x")
        #expect(throttled.status == 200 && throttled["error"] as? String == "Access Denied")
        sandbox.faults.inject(.status(500, retryAfter: nil), service: "zoho", count: 1)
        let serverError = try VendorHTTP.send(sandbox, "GET", "/zoho/api/books/v3/contacts?organization_id=20071234", headers: zoho)
        #expect(serverError.status == 500 && serverError["code"] as? Int == 1000 && serverError["message"] as? String == "Internal error")
        sandbox.faults.inject(.status(503, retryAfter: 3), service: "paytrace", count: 1)
        let gateway = try VendorHTTP.payTrace(sandbox, payTrace, "/v1/transactions/export/by_id", ["transaction_id": 1])
        #expect(gateway.status == 503 && gateway["success"] as? Bool == false && gateway["response_code"] as? Int == 1 && gateway.header("Retry-After") == "3")
        sandbox.faults.inject(.dropAfterCommit, service: "paytrace", count: 1)
        let lost = try VendorHTTP.payTrace(sandbox, payTrace, "/v1/transactions/export/by_id", ["transaction_id": 1])
        #expect(lost.status == 502 && lost.header("Content-Type")?.hasPrefix("text/html") == true, "a lost answer is the gateway's page, not a vendor body")
    }
}
