import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import Testing
import Connectors
import Domain
import Sandbox

@Suite("PayTrace client against the sandbox emulator")
struct PayTraceClientTests {

    static func inject(_ sandbox: SandboxServer, _ body: String) throws {
        var request = URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/faults")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let reply = try HTTPTransport().send(request, vendor: "sandbox")
        #expect(reply.status == 200)
    }

    @Test func aTokenIsFetchedOnceAndReused() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let first = try client.accessToken()
        #expect(first.split(separator: ":").count == 3, "PayTrace tokens are three colon-separated parts")
        #expect(try client.accessToken() == first)
        #expect(sandbox.payTrace.tokensIssued == 1)
        #expect(try client.authenticate() != first, "authenticate asks again whatever is cached")
        #expect(sandbox.payTrace.tokensIssued == 2)
    }

    @Test func concurrentCallersWaitForOneToken() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in _ = try? client.accessToken() }
        #expect(sandbox.payTrace.tokensIssued == 1)
    }

    @Test func aTokenCloseToExpiryIsNotReused() throws {
        // Two-hour tokens are kept until five minutes before they run out; these start inside that margin.
        let sandbox = try PayTraceFixtures.sandbox(tokenLifetime: 200)
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        _ = try client.accessToken()
        _ = try client.accessToken()
        #expect(sandbox.payTrace.tokensIssued == 2)
    }

    @Test func refusedCredentialsAreAnAuthenticationError() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let error = #expect(throws: ConnectorError.self) { try PayTraceFixtures.client(sandbox, password: "wrong").accessToken() }
        #expect(error?.kind == .authentication)
        #expect(error?.message.contains("invalid_grant") == true)
        #expect(error.map { !$0.message.contains("wrong") } == true, "no secret in an error message")
    }

    @Test func rateLimitingCarriesTheWaitAndServerErrorsAreRetryable() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        try Self.inject(sandbox, #"{"service":"paytrace","mode":"429","retry_after":7}"#)
        try Self.inject(sandbox, #"{"service":"paytrace","mode":"503"}"#)
        let client = PayTraceFixtures.client(sandbox)
        let limited = #expect(throws: ConnectorError.self) { try client.accessToken() }
        #expect(limited?.kind == .rateLimited(retryAfter: 7))
        let unavailable = #expect(throws: ConnectorError.self) { try client.accessToken() }
        #expect(unavailable?.kind == .retryable)
        #expect(try client.accessToken().isEmpty == false, "after the faults the next call succeeds")
    }

    @Test func aTimeoutAndAnUnreachableHostAreRetryable() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        try Self.inject(sandbox, #"{"service":"paytrace","mode":"timeout","seconds":5}"#)
        let slow = #expect(throws: ConnectorError.self) { try PayTraceFixtures.client(sandbox).accessToken() }
        #expect(slow?.kind == .retryable)
        // An allowed address where nothing listens: unreachable, not refused by the policy.
        try OutboundPolicy.allow("127.0.0.1:1")
        let nowhere = PayTraceClient(
            baseURL: URL(string: "http://127.0.0.1:1/paytrace")!,
            credentials: .init(username: "u", password: "p", integratorId: nil), cacheKey: "x", transport: HTTPTransport(timeout: 2))
        let unreachable = #expect(throws: ConnectorError.self) { try nowhere.accessToken() }
        #expect(unreachable?.kind == .retryable)
    }

    @Test func theEmulatorAnswersInPayTracesShapes() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        func post(_ body: String) throws -> (Int, [String: Any]) {
            var request = URLRequest(url: URL(string: sandbox.baseURL + "/paytrace/oauth/token")!)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
            let reply = try HTTPTransport().send(request, vendor: "sandbox")
            return (reply.status, (try JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:])
        }
        let (status, token) = try post("grant_type=password&username=\(PayTraceFixtures.account.username)&password=\(PayTraceFixtures.account.password)")
        #expect(status == 200)
        #expect(Set(token.keys) == ["access_token", "token_type", "expires_in", "created_at"])
        #expect(token["token_type"] as? String == "bearer")
        #expect(token["expires_in"] as? Int == 7200)
        let (badStatus, bad) = try post("grant_type=password&username=\(PayTraceFixtures.account.username)&password=nope")
        #expect(badStatus == 400)
        #expect(bad["error"] as? String == "invalid_grant")
        #expect(bad["error_description"] is String)
        let (grantStatus, grant) = try post("grant_type=client_credentials")
        #expect(grantStatus == 400 && grant["error"] as? String == "unsupported_grant_type")
    }
}
