import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import Connectors
import Sandbox

@Suite("Zoho Accounts client against the sandbox emulator")
struct ZohoAccountsClientTests {

    @Test func theCodeFlowYieldsARefreshTokenAndRefreshesWork() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = ZohoFixtures.client(sandbox)
        let (code, query) = try ZohoFixtures.authorize(sandbox, client)
        #expect(query["state"] == "s-123")
        #expect(query["location"] == "us")
        #expect(query["accounts-server"] == sandbox.baseURL + "/zoho/accounts")
        let tokens = try client.exchange(code: code, redirectURI: "http://127.0.0.1:1/callback")
        let refresh = try #require(tokens.refreshToken)
        #expect(tokens.expiresIn == 3600)
        let again = try client.refresh(refreshToken: refresh)
        #expect(again.accessToken != tokens.accessToken)
        #expect(sandbox.zohoAccounts.isLive(accessToken: again.accessToken))
        // A grant code works once.
        let reused = #expect(throws: ConnectorError.self) { try client.exchange(code: code, redirectURI: "http://127.0.0.1:1/callback") }
        #expect(reused?.kind == .authentication)
    }

    @Test func errorsArrivingWithHTTP200AreErrors() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let unknown = #expect(throws: ConnectorError.self) { try ZohoFixtures.client(sandbox, id: "1000.NOBODY").refresh(refreshToken: "x") }
        #expect(unknown?.kind == .authentication)
        #expect(unknown?.message.contains("invalid_client") == true)
        let secret = #expect(throws: ConnectorError.self) { try ZohoFixtures.client(sandbox, secret: "wrong").refresh(refreshToken: "x") }
        #expect(secret?.message.contains("invalid_client_secret") == true)
        let revoked = #expect(throws: ConnectorError.self) { try ZohoFixtures.client(sandbox).refresh(refreshToken: "1000.revoked") }
        #expect(revoked?.kind == .authentication)
        #expect(revoked?.message.contains("invalid_code") == true)
    }

    @Test func theEleventhTokenInTenMinutesIsThrottled() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = ZohoFixtures.client(sandbox)
        let refresh = try #require(
            try client.exchange(code: ZohoFixtures.authorize(sandbox, client).code, redirectURI: "http://127.0.0.1:1/callback").refreshToken)
        for _ in 0..<9 { _ = try client.refresh(refreshToken: refresh) }  // the exchange minted the first of ten
        let throttled = #expect(throws: ConnectorError.self) { try client.refresh(refreshToken: refresh) }
        #expect(throttled?.kind == .rateLimited(retryAfter: 600))
    }

    @Test func theCacheRefreshesOnceForManyCallers() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = ZohoFixtures.client(sandbox)
        let refresh = try #require(
            try client.exchange(code: ZohoFixtures.authorize(sandbox, client).code, redirectURI: "http://127.0.0.1:1/callback").refreshToken)
        let cache = TokenCache()
        let counter = NSLock()
        nonisolated(unsafe) var refreshes = 0
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            _ = try? cache.token(for: "zoho-connection") {
                counter.withLock { refreshes += 1 }
                let tokens = try client.refresh(refreshToken: refresh)
                return (tokens.accessToken, tokens.expiresIn)
            }
        }
        #expect(refreshes == 1)
    }

    @Test func accountsServersFollowTheDataCenter() {
        #expect(ZohoAccountsClient.accountsServers["ca"] == "https://accounts.zohocloud.ca")
        #expect(ZohoAccountsClient.accountsServers["eu"] == "https://accounts.zoho.eu")
        #expect(ZohoAccountsClient.scopes(books: false, inventory: false, crm: false) == ["ZohoBooks.fullaccess.all"])
        #expect(ZohoAccountsClient.scopes(books: false, inventory: true, crm: true).contains("ZohoCRM.modules.ALL"))
    }
}
