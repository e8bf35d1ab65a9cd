public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What came back from the server, with the JSON body decoded when there is one.
public struct Reply: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
    }
    public subscript(key: String) -> String? { json[key] as? String }
    public var items: [[String: Any]] { (json["items"] as? [[String: Any]]) ?? [] }
    public var isProblem: Bool { header("content-type") == "application/problem+json" && json["status"] as? Int == status }
}

/// A plain HTTP client for the tests: no cookie jar, no redirects, nothing hidden.
public enum Client {
    public enum Auth: Sendable {
        case none
        case platform
        case bearer(String)
        case session(cookie: String, csrf: String?)
    }

    public static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    /// `server`: the base URL of a test's own server (`TestServer.dedicated`); the shared one by default.
    public static func send(
        _ method: String, _ path: String, auth: Auth = .platform, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:], server: String? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: (server ?? TestServer.shared.baseURL) + path)!)
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        switch auth {
        case .none: break
        case .platform: request.setValue("Bearer \(TestServer.shared.platformToken)", forHTTPHeaderField: "Authorization")
        case .bearer(let token): request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        case .session(let cookie, let csrf):
            request.setValue("clearline_session=\(cookie)", forHTTPHeaderField: "Cookie")
            if let csrf { request.setValue(csrf, forHTTPHeaderField: "X-CSRF-Token") }
        }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var lowered: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { lowered[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: lowered, body: data)
    }
}
