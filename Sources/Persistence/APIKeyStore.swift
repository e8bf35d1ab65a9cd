public import Foundation
public import Domain
import Crypto

/// API keys: `cl_<prefix>_<secret>`. The prefix (12 hex digits) is stored to find the row; only
/// SHA-256 of the whole token is kept, and the token is shown once, when it is created.
public enum APIKeyStore {
    static let columns = "id, tenant_id, name, role, prefix, created_at, last_used_at, created_by"

    public static func createTenantKey(_ tx: Transaction, tenantId: UUID, name: String, role: Role, createdBy: String) throws -> CreatedAPIKey {
        let (token, prefix) = mint()
        guard
            let row = try tx.one(
                """
                INSERT INTO api_keys (tenant_id, name, role, prefix, secret_hash, created_by)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING \(columns)
                """, [tenantId, CardNumberMasking.maskText(name), role.rawValue, prefix, hash(token), createdBy])
        else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        return CreatedAPIKey(key: try decode(row), token: token)
    }

    /// A platform-administrator token (no tenant); printed by `clearline admin create-token`.
    public static func createPlatformToken(_ tx: Transaction, name: String, createdBy: String) throws -> (id: UUID, token: String) {
        let (token, prefix) = mint()
        guard
            let row = try tx.one(
                """
                INSERT INTO api_keys (tenant_id, name, role, prefix, secret_hash, created_by)
                VALUES (NULL, $1, 'platform', $2, $3, $4) RETURNING id
                """, [CardNumberMasking.maskText(name), prefix, hash(token), createdBy])
        else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        return (try row.uuid("id"), token)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<APIKey> {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL", [tenantId],
            after: cursor, limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> APIKey? {
        try tx.one("SELECT \(columns) FROM api_keys WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL", [tenantId, id]).map(decode)
    }

    public static func revoke(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> Bool {
        !(try tx.query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id", [tenantId, id]).isEmpty)
    }

    /// A live key as the bearer look-up finds it by its prefix: what a process may keep for a
    /// few seconds (`clearline_credentials` announces a change), since only the secret's hash is in it.
    public struct KeyRecord: Sendable {
        public let id: UUID
        public let tenantId: UUID?
        public let role: String
        public let tenantStatus: String?
        let secretHash: [UInt8]
    }

    /// Announces, at commit, a key revoked or deleted (`key:<prefix>`) or a tenant whose status
    /// changed (`tenant:<id>`) (migration 0024's triggers).
    public static let channel = "clearline_credentials"

    /// Finds the live key a token belongs to. One statement outside any transaction (see
    /// `clearline_api_key_credential`), since it runs on every request.
    public static func authenticate(_ database: Database, token: String) throws -> Credential? {
        guard let prefix = prefix(of: token), let record = try record(database, prefix: prefix) else { return nil }
        return try credential(record, token: token)
    }

    /// The live key with this prefix (and stamps its last use, at most once a minute).
    public static func record(_ database: Database, prefix: String) throws -> KeyRecord? {
        guard let row = try database.statement("SELECT * FROM clearline_api_key_credential($1)", [prefix]).first else { return nil }
        return KeyRecord(
            id: try row.uuid("id"), tenantId: try row.optionalUUID("tenant_id"), role: try row.string("role"),
            tenantStatus: row.optionalString("tenant_status"), secretHash: Encoding.fromHex(try row.string("secret_hash")) ?? [])
    }

    /// The credential `token` proves, when it is the key's whole token.
    public static func credential(_ record: KeyRecord, token: String) throws -> Credential? {
        guard Digest.constantTimeEquals(Digest.sha256(token), record.secretHash) else { return nil }
        return Credential(
            id: record.id, label: "api_key:\(record.id.lowercasedText)",
            holder: try Credential.holder(tenantId: record.tenantId, role: record.role, tenantStatus: record.tenantStatus))
    }

    static func mint() -> (token: String, prefix: String) {
        let prefix = Encoding.hex(SecureRandom.bytes(6))
        return ("cl_\(prefix)_\(SecureRandom.token(byteCount: 32))", prefix)
    }

    /// `cl_`, twelve lowercase hex digits, `_` and the rest: read in place, since splitting the
    /// token took 10,000 instructions of every authenticated request (callgrind).
    public static func prefix(of token: String) -> String? {
        var token = token
        return token.withUTF8 { bytes -> String? in
            guard bytes.count <= 128, bytes.count >= 16, bytes[0] == UInt8(ascii: "c"), bytes[1] == UInt8(ascii: "l"),
                bytes[2] == UInt8(ascii: "_"), bytes[15] == UInt8(ascii: "_")
            else { return nil }
            let prefix = UnsafeBufferPointer(rebasing: bytes[3..<15])
            guard prefix.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
            return String(decoding: prefix, as: UTF8.self)
        }
    }

    static func hash(_ token: String) -> String { Encoding.hex(Digest.sha256(token)) }

    static func decode(_ row: Row) throws -> APIKey {
        guard let role = Role(rawValue: try row.string("role")), let tenantId = try row.optionalUUID("tenant_id") else {
            throw PostgresError(kind: .decoding, message: "not a tenant key")
        }
        return APIKey(
            id: try row.uuid("id"), tenantId: tenantId, name: try row.string("name"), role: role,
            prefix: try row.string("prefix"), createdAt: try row.date("created_at"),
            lastUsedAt: try row.optionalDate("last_used_at"), createdBy: try row.string("created_by"))
    }
}
