import Crypto
import Foundation
import Domain
import HTTPServer

/// `Idempotency-Key` on creating POSTs: the first response is stored, the same key with the same
/// request gets it again, the same key with another request gets 409.
enum Idempotency {
    static func run(_ endpoint: Endpoint, _ context: RequestContext, principal: Principal) throws -> Response {
        guard let key = context.request.header("idempotency-key") else { return try endpoint.handler(context) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (33...126).contains($0) }) else {
            throw Problem.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        let request = context.request
        let fingerprint = Encoding.hex(Digest.sha256(Array("\(request.method) \(request.path)\n".utf8) + canonical(request.body)))
        let scope: AccessScope = principal.tenantId.map { .tenant($0) } ?? .platform
        let stores = context.services.stores
        let claim = try stores.transaction(scope) {
            try $0.idempotency.claim(
                principal: principal.label, key: key, tenantId: principal.tenantId,
                method: request.method, path: request.path, requestHash: fingerprint)
        }
        switch claim {
        case .replay(let status, let body, let location):
            var replay = Response(
                status: status,
                headers: [
                    ("Content-Type", status >= 400 ? "application/problem+json" : "application/json"),
                    ("Idempotent-Replayed", "true"),
                ], body: Array(body.utf8))
            if let location { replay.setHeader("Location", location) }
            return replay
        case .mismatch:
            throw Problem.conflict("This Idempotency-Key was used with a different request.")
        case .inProgress:
            throw Problem(
                status: 409, title: "Conflict", detail: "A request with this Idempotency-Key is still being processed.", headers: [("Retry-After", "1")])
        case .claimed:
            break
        }
        let response: Response
        do {
            response = try endpoint.handler(context)
        } catch {
            let problem = ErrorMapping.problem(for: error, requestId: context.requestId, logger: context.services.logger)
            try finish(
                stores, scope, principal, key, status: problem.status,
                body: problem.response(requestId: context.requestId, path: request.path).body, location: nil)
            throw problem
        }
        try finish(
            stores, scope, principal, key, status: response.status, body: endpoint.redactForReplay?(response.body) ?? response.body,
            location: response.header("Location"))
        return response
    }

    /// The same JSON with its keys in another order is the same request; anything else is compared byte for byte.
    static func canonical(_ body: [UInt8]) -> [UInt8] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)),
            let sorted = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return body }
        return Array(sorted)
    }

    /// Stores a final outcome; a server-side failure (5xx) is forgotten so the client can retry.
    private static func finish(
        _ stores: any DataStore, _ scope: AccessScope, _ principal: Principal, _ key: String, status: Int, body: [UInt8],
        location: String?
    ) throws {
        try stores.transaction(scope) { tx in
            if status >= 500 {
                try tx.idempotency.abandon(principal: principal.label, key: key)
            } else {
                try tx.idempotency.complete(
                    principal: principal.label, key: key, status: status,
                    body: String(decoding: body, as: UTF8.self), location: location)
            }
        }
    }
}
