public import Foundation
public import Domain

/// Vendor connections per tenant and environment. Secrets go in sealed and never come out
/// through this store's read paths: those carry only a hint and a time per secret.
public enum ConnectionStore {
    static let columns = """
        id, tenant_id, environment, kind, name, settings::text AS settings, status, created_at, updated_at,
        (SELECT json_object_agg(s.name, json_build_object('hint', s.hint, 'updated_at', s.updated_at))::text
           FROM connection_secrets s WHERE s.connection_id = connections.id) AS secrets
        """

    public static func create(
        _ tx: Transaction, vault: Vault, tenantId: UUID, environment: EnvironmentName, kind: ConnectionKind,
        name: String, settings: [String: ConnectionSetting], secrets: [String: String]
    ) throws -> Connection {
        guard
            let row = try tx.one(
                """
                INSERT INTO connections (tenant_id, environment, kind, name, settings) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id
                """, [tenantId, environment.rawValue, kind.rawValue, CardNumberMasking.maskText(name), try encode(settings)])
        else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        let id = try row.uuid("id")
        for (secretName, value) in secrets { try store(tx, vault: vault, tenantId: tenantId, connectionId: id, name: secretName, value: value) }
        guard let created = try get(tx, tenantId: tenantId, environment: environment, id: id) else { throw DomainError.notFound("connection") }
        return created
    }

    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Connection> {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM connections WHERE tenant_id = $1 AND environment = $2 AND deleted_at IS NULL",
            [tenantId, environment.rawValue], after: cursor, limit: limit, decode: decode
        ) {
            PageCursor(createdAt: $0.createdAt, id: $0.id)
        }
    }

    /// Every live connection of the environment, oldest first: what a flow step chooses from.
    public static func all(tenantId: UUID, environment: EnvironmentName) -> Read<[Connection]> {
        Read(
            "SELECT \(columns) FROM connections WHERE tenant_id = $1 AND environment = $2 AND deleted_at IS NULL ORDER BY created_at, id",
            [tenantId, environment.rawValue]
        ) { try $0.map(decode) }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Connection? {
        try tx.one(
            "SELECT \(columns) FROM connections WHERE tenant_id = $1 AND environment = $2 AND id = $3 AND deleted_at IS NULL",
            [tenantId, environment.rawValue, id]
        ).map(decode)
    }

    /// Changes what is given: settings are merged (a nil value removes one), secrets replaced
    /// (a nil value clears one). Returns nil when there is no such connection.
    public static func update(
        _ tx: Transaction, vault: Vault, tenantId: UUID, environment: EnvironmentName, id: UUID, name: String?,
        settings: [String: ConnectionSetting?], secrets: [String: String?]
    ) throws -> Connection? {
        guard let current = try get(tx, tenantId: tenantId, environment: environment, id: id) else { return nil }
        try tx.query(
            "UPDATE connections SET name = coalesce($2, name), settings = $3::jsonb, updated_at = now() WHERE id = $1",
            [id, name.map(CardNumberMasking.maskText), try encode(current.settings(merging: settings))])
        for (secretName, value) in secrets {
            if let value {
                try store(tx, vault: vault, tenantId: tenantId, connectionId: id, name: secretName, value: value)
            } else {
                try tx.query("DELETE FROM connection_secrets WHERE connection_id = $1 AND name = $2", [id, secretName])
            }
        }
        // New credentials deserve a try: an open breaker closes.
        if !secrets.isEmpty { try CircuitBreakerStore.reset(tx, tenantId: tenantId, connectionId: id) }
        return try get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    /// Records the outcome of the latest check against the vendor.
    public static func setStatus(_ tx: Transaction, tenantId: UUID, id: UUID, status: String) throws {
        try tx.query("UPDATE connections SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2", [tenantId, id, status])
        if status == "connected" { try CircuitBreakerStore.reset(tx, tenantId: tenantId, connectionId: id) }
    }

    /// Soft-deletes the connection and erases its secrets.
    public static func delete(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Bool {
        let rows = try tx.query(
            """
            UPDATE connections SET deleted_at = now(), updated_at = now()
            WHERE tenant_id = $1 AND environment = $2 AND id = $3 AND deleted_at IS NULL RETURNING id
            """, [tenantId, environment.rawValue, id])
        guard !rows.isEmpty else { return false }
        try tx.query("DELETE FROM connection_secrets WHERE connection_id = $1", [id])
        return true
    }

    /// The clear text of one secret, for the code that talks to the vendor; nil when not set.
    public static func secret(_ tx: Transaction, vault: Vault, tenantId: UUID, connectionId: UUID, name: String) throws -> String? {
        guard
            let row = try tx.one(
                "SELECT version, ciphertext FROM connection_secrets WHERE tenant_id = $1 AND connection_id = $2 AND name = $3",
                [tenantId, connectionId, name])
        else { return nil }
        let context = Vault.SecretContext(tenantId: tenantId, connectionId: connectionId, name: name, version: try row.int("version"))
        return try vault.open(tx, try row.string("ciphertext"), context: context)
    }

    /// Every secret of the connection's kind that is set, opened.
    public static func secrets(_ tx: Transaction, vault: Vault, connection: Connection) throws -> [String: String] {
        var secrets: [String: String] = [:]
        for name in connection.kind.secretNames {
            secrets[name] = try secret(tx, vault: vault, tenantId: connection.tenantId, connectionId: connection.id, name: name)
        }
        return secrets
    }

    private static func store(_ tx: Transaction, vault: Vault, tenantId: UUID, connectionId: UUID, name: String, value: String) throws {
        let previous = try tx.one("SELECT version FROM connection_secrets WHERE connection_id = $1 AND name = $2", [connectionId, name])
        let version = (try previous?.int("version") ?? 0) + 1
        let sealed = try vault.seal(tx, value, context: .init(tenantId: tenantId, connectionId: connectionId, name: name, version: version))
        try tx.query(
            """
            INSERT INTO connection_secrets (connection_id, tenant_id, name, version, ciphertext, hint) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (connection_id, name) DO UPDATE SET version = EXCLUDED.version, ciphertext = EXCLUDED.ciphertext,
              hint = EXCLUDED.hint, updated_at = now()
            """, [connectionId, tenantId, name, version, sealed, SecretStatus.hint(for: value)])
    }

    static func encode(_ settings: [String: ConnectionSetting]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }

    private struct ParsedKey: Hashable {
        let settings: String
        let secrets: String?
    }

    /// Settings and secret metadata parsed before, by their text: every flow step reads its
    /// environment's connections, and parsing their JSON each time was a tenth of a step's own
    /// work. Keyed by the text itself, so a changed row is parsed afresh.
    private static let parsedTexts = BlockingLock<[ParsedKey: ([String: ConnectionSetting], [String: SecretStatus])]>([:])

    private static func parsed(settings settingsText: String, secrets secretsText: String?) throws -> ([String: ConnectionSetting], [String: SecretStatus]) {
        let key = ParsedKey(settings: settingsText, secrets: secretsText)
        if let known = parsedTexts.withLock({ $0[key] }) { return known }
        let settings = try JSONDecoder().decode([String: ConnectionSetting].self, from: Data(settingsText.utf8))
        var secrets: [String: SecretStatus] = [:]
        if let text = secretsText, let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]] {
            for (name, fields) in object {
                guard let hint = fields["hint"] as? String, let at = (fields["updated_at"] as? String).flatMap(Timestamp.parse) else { continue }
                secrets[name] = SecretStatus(hint: hint, updatedAt: at)
            }
        }
        parsedTexts.withLock { cache in
            if cache.count >= 1_000 { cache.removeAll(keepingCapacity: true) }
            cache[key] = (settings, secrets)
        }
        return (settings, secrets)
    }

    static func decode(_ row: Row) throws -> Connection {
        guard let environment = EnvironmentName(rawValue: try row.string("environment")),
            let kind = ConnectionKind(rawValue: try row.string("kind"))
        else {
            throw PostgresError(kind: .decoding, message: "unknown environment or kind")
        }
        let (settings, secrets) = try parsed(settings: try row.string("settings"), secrets: row.optionalString("secrets"))
        return Connection(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: environment, kind: kind,
            name: try row.string("name"), settings: settings, secrets: secrets, status: try row.string("status"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
