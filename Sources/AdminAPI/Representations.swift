import Foundation
import Domain

// The JSON shapes of resources, kept apart from the model so the wire format is explicit.

struct TenantBody: Encodable {
    let id: String
    let name: String
    let slug: String
    let status: String
    let createdAt: Date
    let updatedAt: Date

    init(_ t: Tenant) {
        id = t.id.lowercasedString; name = t.name; slug = t.slug; status = t.status.rawValue; createdAt = t.createdAt; updatedAt = t.updatedAt
    }
}

struct EnvironmentBody: Encodable {
    let id: String
    let tenantId: String
    let name: String
    let createdAt: Date

    init(_ e: Domain.Environment) {
        id = e.id.lowercasedString; tenantId = e.tenantId.lowercasedString; name = e.name.rawValue; createdAt = e.createdAt
    }
}

struct APIKeyBody: Encodable {
    /// Ids kept as UUIDs: a list writes their text straight into its bytes (`JSONWritable`),
    /// where making a String of each was a twentieth of an authenticated list's work.
    let id: UUID
    let tenantId: UUID
    let name: String
    let role: String
    let prefix: String
    let createdAt: Date
    let lastUsedAt: Date?
    let createdBy: String
    /// Present only in the response that created the key.
    let token: String?

    init(_ k: APIKey, token: String? = nil) {
        id = k.id; tenantId = k.tenantId; name = k.name; role = k.role.rawValue; prefix = k.prefix
        createdAt = k.createdAt; lastUsedAt = k.lastUsedAt; createdBy = k.createdBy; self.token = token
    }

    enum CodingKeys: String, CodingKey { case id, tenantId, name, role, prefix, createdAt, lastUsedAt, createdBy, token }

    /// As the synthesized encoding of the same fields as Strings would write it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedText, forKey: .id)
        try container.encode(tenantId.lowercasedText, forKey: .tenantId)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encodeIfPresent(token, forKey: .token)
    }
}

struct UserBody: Encodable {
    let id: String
    let tenantId: String?
    let email: String
    let role: String
    let createdAt: Date

    init(_ u: User) {
        id = u.id.lowercasedString; tenantId = u.tenantId?.lowercasedString; email = u.email; role = u.isPlatformAdmin ? "platform_admin" : u.role.rawValue;
        createdAt = u.createdAt
    }
}

struct AuditEntryBody: Encodable {
    let sequence: Int64
    let at: Date
    let actor: String
    let action: String
    let targetType: String
    let targetId: String
    let requestId: String
    let details: [String: String]
    let previousHash: String
    let hash: String

    init(_ e: AuditEntry) {
        sequence = e.sequence; at = e.at; actor = e.actor; action = e.action; targetType = e.targetType; targetId = e.targetId
        requestId = e.requestId; previousHash = e.previousHash; hash = e.hash
        details = (try? JSONDecoder().decode([String: String].self, from: Data(e.details.utf8))) ?? [:]
    }
}

extension UUID {
    /// UUIDs go on the wire in lower case, as PostgreSQL prints them.
    var lowercasedString: String { lowercasedText }
}
