public import Foundation
import Testing
import Crypto

/// Webhook endpoints and signed deliveries to them, through the real server.
public enum Hooks {
    public struct Hook: Sendable {
        public let tenant: String
        public let id: String
        public let secret: String
        public var path: String { "/hooks/\(id)" }
    }

    public static func endpoint(
        _ tenant: String? = nil, verification: String = "clearline_signature", source: String = "shop",
        extra: [String: Any] = [:]
    ) async throws -> Hook {
        let owner: String
        if let tenant { owner = tenant } else { owner = try await Fixtures.tenant() }
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(owner)/environments/dev/webhook-endpoints",
            json: ["name": "Shop orders", "source": source, "verification": verification].merging(extra) { $1 })
        try #require(reply.status == 201, "\(reply.text)")
        #expect(reply["url"]?.hasSuffix("/hooks/\(reply["id"] ?? "")") == true)
        return Hook(tenant: owner, id: try #require(reply["id"]), secret: reply["secret"] ?? "")
    }

    public static func deliver(
        _ hook: Hook, _ body: String, eventId: String? = "evt-\(UUID().uuidString)", key: String? = nil,
        time: Int = Int(Date().timeIntervalSince1970), headers: [String: String] = [:], signedBody: String? = nil
    ) async throws -> Reply {
        var all = ["Content-Type": "application/json"]
        if let eventId { all["Clearline-Event-Id"] = eventId }
        all["Clearline-Signature"] = SignatureHeader.sign(Array((signedBody ?? body).utf8), key: Array((key ?? hook.secret).utf8), time: time)
        return try await Client.send("POST", hook.path, auth: .none, body: Data(body.utf8), headers: all.merging(headers) { $1 })
    }
}
