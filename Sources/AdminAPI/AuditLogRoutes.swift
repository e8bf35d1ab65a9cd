import Foundation
import Crypto
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/audit-log`: newest first, and a check of the whole hash chain.
enum AuditLogRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("GET", "/v1/tenants/{tenantId}/audit-log", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let (before, limit) = try context.pagination(decode: decodeCursor)
            let page = try context.tenantTransaction { try $0.auditLog.list(tenantId: id, before: before, limit: limit) }
            return context.json(ListBody(items: page.entries.map(AuditEntryBody.init), nextCursor: page.next.map(encodeCursor)))
        },
        Endpoint("GET", "/v1/tenants/{tenantId}/audit-log/verify", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let verdict = try context.tenantTransaction { try $0.auditLog.verify(tenantId: id) }
            return context.json(verdict)
        },
    ]

    static func encodeCursor(_ sequence: Int64) -> String { Encoding.base64URL(Array("seq:\(sequence)".utf8)) }

    static func decodeCursor(_ text: String) -> Int64? {
        guard text.utf8.count <= 64, let bytes = Encoding.fromBase64URL(text) else { return nil }
        let raw = String(decoding: bytes, as: UTF8.self)
        guard raw.hasPrefix("seq:"), let value = Int64(raw.dropFirst(4)), value > 0 else { return nil }
        return value
    }
}
