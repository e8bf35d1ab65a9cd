import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Connectors
import Sandbox

/// Raw calls to the sandbox's emulators, for the fidelity tests: what the vendor's documented
/// API answers (status, headers, body) with no client of ours in between.
enum VendorHTTP {
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        func header(_ name: String) -> String? { headers[name.lowercased()] }
        subscript(key: String) -> Any? { json[key] }
    }

    static func send(
        _ sandbox: SandboxServer, _ method: String, _ path: String, headers: [String: String] = [:], json: Any? = nil, body: String? = nil
    ) throws -> Answer {
        var request = URLRequest(url: URL(string: sandbox.baseURL + path)!)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body { request.httpBody = Data(body.utf8) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let reply = try HTTPTransport(timeout: 10).send(request, vendor: "sandbox")
        return Answer(status: reply.status, headers: reply.headers, body: reply.body)
    }

    /// A self-client grant exchanged for tokens: (access token, refresh token).
    static func zohoTokens(_ sandbox: SandboxServer) throws -> (access: String, refresh: String) {
        let client = SandboxServer.demoZohoClient
        let code =
            try send(
                sandbox, "POST", "/_sandbox/zoho/self-client/code", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "client_id=\(client.id)&scope=ZohoBooks.fullaccess.all,ZohoCRM.modules.ALL")["code"] as? String ?? ""
        let tokens = try send(
            sandbox, "POST", "/zoho/accounts/oauth/v2/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "grant_type=authorization_code&client_id=\(client.id)&client_secret=\(client.secret)&code=\(code)")
        return (tokens["access_token"] as? String ?? "", tokens["refresh_token"] as? String ?? "")
    }

    static func zoho(_ token: String) -> [String: String] { ["Authorization": "Zoho-oauthtoken \(token)"] }

    static func payTraceToken(_ sandbox: SandboxServer) throws -> String {
        let account = SandboxServer.demoPayTraceAccount
        let answer = try send(
            sandbox, "POST", "/paytrace/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "grant_type=password&username=\(account.username)&password=\(account.password)")
        return answer["access_token"] as? String ?? ""
    }

    /// A PayTrace v1 call with a bearer token.
    static func payTrace(_ sandbox: SandboxServer, _ token: String, _ path: String, _ body: [String: Any]) throws -> Answer {
        try send(sandbox, "POST", "/paytrace" + path, headers: ["Authorization": "Bearer \(token)"], json: body)
    }
}
