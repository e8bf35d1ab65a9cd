import Testing
@testable import HTTPServer

/// The router: the most literal pattern owns a path, parameters are read, and what a path does
/// not allow is listed.
@Suite("Router")
struct RouterTests {
    static let router: Router<String> = {
        var router = Router<String>()
        for (method, pattern) in [
            ("GET", "/healthz"), ("GET", "/v1/tenants"), ("POST", "/v1/tenants"), ("GET", "/v1/tenants/{tenantId}"),
            ("GET", "/v1/tenants/me"), ("GET", "/v1/tenants/{tenantId}/api-keys"), ("POST", "/v1/tenants/{tenantId}/api-keys"),
            ("DELETE", "/v1/tenants/{tenantId}/api-keys/{keyId}"), ("POST", "/v1/tenants/{tenantId}/chargebacks/import"),
            ("GET", "/v1/tenants/{tenantId}/chargebacks/{chargebackId}"), ("GET", "/v1/tenants/{tenantId}/{anything}/summary"),
        ] {
            router.add(method, pattern, "\(method) \(pattern)")
        }
        // Many last segments, so that many share the patterns' buckets by length and count.
        for index in 0..<300 { router.add("GET", "/v1/tenants/{tenantId}/thing\(index)", "thing\(index)") }
        return router
    }()

    static func describe(_ match: Router<String>.Match) -> String {
        switch match {
        case .found(let route, let parameters):
            "found \(route.handler) \(parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
        case .methodNotAllowed(let allowed): "405 \(allowed.sorted().joined(separator: ","))"
        case .notFound: "404"
        }
    }

    @Test(arguments: [
        ("GET", "/healthz", "found GET /healthz "), ("HEAD", "/healthz", "found GET /healthz "),
        ("GET", "/v1/tenants", "found GET /v1/tenants "), ("DELETE", "/v1/tenants", "405 GET,POST"),
        ("GET", "/v1/tenants/me", "found GET /v1/tenants/me "), ("GET", "/v1/tenants/t1", "found GET /v1/tenants/{tenantId} tenantId=t1"),
        ("GET", "/v1/tenants/t1/api-keys", "found GET /v1/tenants/{tenantId}/api-keys tenantId=t1"),
        ("PUT", "/v1/tenants/t1/api-keys", "405 GET,POST"),
        ("DELETE", "/v1/tenants/t1/api-keys/k9", "found DELETE /v1/tenants/{tenantId}/api-keys/{keyId} keyId=k9,tenantId=t1"),
        ("GET", "/v1/tenants/t1/chargebacks/import", "405 POST"),
        ("GET", "/v1/tenants/t1/chargebacks/c7", "found GET /v1/tenants/{tenantId}/chargebacks/{chargebackId} chargebackId=c7,tenantId=t1"),
        ("GET", "/v1/tenants/t1/thing57", "found thing57 tenantId=t1"), ("GET", "/v1/tenants/t1/thing299", "found thing299 tenantId=t1"),
        ("GET", "/v1/tenants/t1/thing300", "404"),
        ("GET", "/v1/tenants/t1/x/summary", "found GET /v1/tenants/{tenantId}/{anything}/summary anything=x,tenantId=t1"),
        ("GET", "/v1/tenants//api-keys", "404"), ("GET", "/v1/tenants/t1/api-keys/", "404"), ("GET", "/v1/tenants/t1/api-key", "404"),
        ("GET", "/v1/tenants/t1/api-keyz", "404"), ("GET", "/v2/tenants/t1/api-keys", "404"), ("GET", "/", "404"), ("GET", "", "404"),
        ("GET", "/v1/tenants/é/api-keys", "found GET /v1/tenants/{tenantId}/api-keys tenantId=é"),
    ])
    func matches(_ method: String, _ path: String, _ expected: String) {
        #expect(Self.describe(Self.router.match(method: method, path: path)) == expected, "\(method) \(path)")
    }
}

/// Literal patterns of one length are told apart by their bytes, and a path of that length that
/// is none of them still reaches the patterns with parameters.
@Suite("Router, literals of one length")
struct RouterLiteralLengthTests {
    static let router: Router<String> = {
        var router = Router<String>()
        for (method, pattern) in [
            ("GET", "/v1/payments"), ("GET", "/v1/partners"), ("POST", "/v1/partners"), ("GET", "/v1/{resource}"), ("GET", "/v1/pay/{id}"),
        ] {
            router.add(method, pattern, "\(method) \(pattern)")
        }
        return router
    }()

    @Test(arguments: [
        ("GET", "/v1/payments", "found GET /v1/payments "), ("GET", "/v1/partners", "found GET /v1/partners "),
        ("DELETE", "/v1/partners", "405 GET,POST"), ("POST", "/v1/payments", "405 GET"),
        ("GET", "/v1/paymentz", "found GET /v1/{resource} resource=paymentz"), ("GET", "/v1/pay/1234", "found GET /v1/pay/{id} id=1234"),
        ("GET", "/v1/payment", "found GET /v1/{resource} resource=payment"), ("GET", "/v1/payments/", "404"),
    ])
    func matches(_ method: String, _ path: String, _ expected: String) {
        #expect(RouterTests.describe(Self.router.match(method: method, path: path)) == expected, "\(method) \(path)")
    }
}
