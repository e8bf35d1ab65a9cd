import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import Testing
import Connectors
import Sandbox

/// The sandbox's Zoho accounts server and a session on it, as a client of Zoho's would have them.
enum ZohoFixtures {
    static let demo = SandboxServer.demoZohoClient

    static func client(_ sandbox: SandboxServer, secret: String = demo.secret, id: String = demo.id) -> ZohoAccountsClient {
        ZohoAccountsClient(
            accountsURL: URL(string: sandbox.baseURL + "/zoho/accounts")!, clientId: id, clientSecret: secret,
            transport: HTTPTransport(timeout: 3))
    }

    /// Follows the authorization URL as a browser would, and returns the code from the redirect.
    static func authorize(_ sandbox: SandboxServer, _ client: ZohoAccountsClient, redirect: String = "http://127.0.0.1:1/callback") throws -> (
        code: String, query: [String: String]
    ) {
        let url = client.authorizationURL(redirectURI: redirect, scopes: ["ZohoBooks.fullaccess.all"], state: "s-123")
        final class NoRedirect: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
            func urlSession(
                _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
            ) { completionHandler(nil) }
        }
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirect(), delegateQueue: nil)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var location: String?
        session.dataTask(with: url) { _, response, _ in
            location = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Location")
            done.signal()
        }.resume()
        done.wait()
        let query = Dictionary(uniqueKeysWithValues: (URLComponents(string: try #require(location))?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        return (try #require(query["code"]), query)
    }

    /// A connected Books client: the code flow run through the accounts emulator first.
    static func session(_ sandbox: SandboxServer) throws -> ZohoSession {
        let accounts = ZohoFixtures.client(sandbox)
        let tokens = try accounts.exchange(code: ZohoFixtures.authorize(sandbox, accounts).code, redirectURI: "http://127.0.0.1:1/callback")
        let domain = try #require(tokens.apiDomain.flatMap(URL.init(string:)))
        return ZohoSession(
            apiDomain: domain, accounts: accounts, refreshToken: try #require(tokens.refreshToken), tokens: TokenCache(),
            cacheKey: "zoho", transport: HTTPTransport(timeout: 3))
    }
}
