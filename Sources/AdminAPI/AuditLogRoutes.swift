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
            let page = try context.tenantRead { try $0.auditLog.list(tenantId: id, before: before, limit: limit) }
            return context.json(ListBody(items: page.entries.map(AuditEntryBody.init), nextCursor: page.next.map(encodeCursor)))
        },
        Endpoint("GET", "/v1/tenants/{tenantId}/audit-log/verify", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let verdict = try context.tenantTransaction { try $0.auditLog.verify(tenantId: id) }
            return context.json(verdict)
        },
    ]

    /// The audit log pages by its sequence: the cursor is the last entry's, in digits.
    static func encodeCursor(_ sequence: Int64) -> String { String(sequence) }

    static func decodeCursor(_ text: String) -> Int64? {
        guard text.first != "0" else { return nil }
        return PageCursor.number(text, maxDigits: 18)
    }
}
