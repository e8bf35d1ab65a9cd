import Foundation
import Testing

/// Flows made through the API, as an end-to-end test starts from them.
public enum FlowFixtures {
    public static func flow(_ tenant: String, template: String = "paytrace-zoho-order-to-cash") async throws -> String {
        let reply = try await Client.send("POST", "/v1/tenants/\(tenant)/flows", json: ["name": "Order to cash", "template_id": template])
        try #require(reply.status == 201, "\(reply.text)")
        return try #require(reply["id"])
    }

    /// A flow from `template`, published as version 1 and deployed to dev: what an end-to-end test starts from.
    public static func deployTemplate(_ tenant: String, _ template: String = "paytrace-zoho-order-to-cash") async throws {
        let flow = try await flow(tenant, template: template)
        #expect(try await publish(tenant, flow).status == 201)
        #expect(try await deploy(tenant, flow, version: 1).status == 201)
    }

    public static func publish(_ tenant: String, _ flow: String) async throws -> Reply {
        try await Client.send("POST", "/v1/tenants/\(tenant)/flows/\(flow)/versions", json: ["notes": "test"])
    }

    public static func deploy(_ tenant: String, _ flow: String, version: Int) async throws -> Reply {
        try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/deployments", json: ["flow_id": flow, "version": version])
    }
}
