public import Foundation
import Crypto

/// Envelope encryption. Each tenant has one random data key, stored wrapped (AES-256-GCM) by the
/// current master key; every secret is sealed with its tenant's data key and associated data
/// naming tenant, connection, field and version, so a ciphertext copied anywhere else fails to
/// open. Rotating the master key re-wraps data keys only; destroying a data key makes all of a
/// tenant's secrets unreadable for good.
public final class Vault: Sendable {
    public let masterKeys: MasterKeys

    public init(masterKeys: MasterKeys) {
        self.masterKeys = masterKeys
    }

    public struct SecretContext: Sendable {
        public let tenantId: UUID
        public let connectionId: UUID
        public let name: String
        public let version: Int

        public init(tenantId: UUID, connectionId: UUID, name: String, version: Int) {
            self.tenantId = tenantId
            self.connectionId = connectionId
            self.name = name
            self.version = version
        }

        var associatedData: [UInt8] {
            Array(
                "clearline-secret|tenant:\(tenantId.lowercasedText)|connection:\(connectionId.lowercasedText)|name:\(name)|version:\(version)"
                    .utf8)
        }
    }

    public func seal(_ tx: Transaction, _ secret: String, context: SecretContext) throws -> String {
        let key = try dataKey(tx, tenantId: context.tenantId, create: true)
        return Data(try AESGCM.seal(Array(secret.utf8), key: key, associatedData: context.associatedData)).base64EncodedString()
    }

    public func open(_ tx: Transaction, _ sealed: String, context: SecretContext) throws -> String {
        let key = try dataKey(tx, tenantId: context.tenantId, create: false)
        guard let box = Data(base64Encoded: sealed),
            let plain = try? AESGCM.open(Array(box), key: key, associatedData: context.associatedData)
        else {
            throw VaultError.secretDoesNotOpen
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Destroys the tenant's data key (crypto-erasure of all its secrets).
    public func destroyDataKey(_ tx: Transaction, tenantId: UUID) throws {
        try tx.query("DELETE FROM tenant_data_keys WHERE tenant_id = $1", [tenantId])
    }

    /// Opens every stored data key with the configured master keys; throws the first that fails.
    /// Run at start so a wrong key stops the server instead of failing later, request by request.
    @discardableResult
    public func verifyDataKeys(_ database: Database) throws -> Int {
        let rows = try database.transaction(.platform) { try $0.query("SELECT tenant_id, kek_version, wrapped FROM tenant_data_keys") }
        for row in rows { _ = try unwrap(row) }
        return rows.count
    }

    /// Re-wraps every data key not yet under the current master key, in batches, each in its own
    /// transaction, so a running server keeps working throughout. Returns how many were re-wrapped.
    public func rewrapAll(_ database: Database, batch: Int = 200, progress: (Int) -> Void = { _ in }) throws -> Int {
        let (version, master) = masterKeys.current
        var done = 0
        while true {
            let count = try database.transaction(.platform) { tx -> Int in
                let rows = try tx.query(
                    """
                    SELECT tenant_id, kek_version, wrapped FROM tenant_data_keys WHERE kek_version <> $1
                    ORDER BY tenant_id LIMIT $2 FOR UPDATE SKIP LOCKED
                    """, [version, batch])
                for row in rows {
                    let tenant = try row.uuid("tenant_id")
                    let wrapped = try wrap(try unwrap(row), tenant: tenant, version: version, master: master)
                    try tx.query(
                        "UPDATE tenant_data_keys SET kek_version = $2, wrapped = $3, rewrapped_at = now() WHERE tenant_id = $1",
                        [tenant, version, wrapped])
                }
                return rows.count
            }
            if count == 0 { return done }
            done += count
            progress(done)
        }
    }

    func dataKey(_ tx: Transaction, tenantId: UUID, create: Bool) throws -> [UInt8] {
        if let row = try tx.one("SELECT tenant_id, kek_version, wrapped FROM tenant_data_keys WHERE tenant_id = $1", [tenantId]) {
            return try unwrap(row)
        }
        guard create else { throw VaultError.noDataKey }
        let (version, master) = masterKeys.current
        let key = SecureRandom.bytes(AESGCM.keySize)
        // Two first secrets of one tenant at once: one insert wins, the other reads its key.
        try tx.query(
            "INSERT INTO tenant_data_keys (tenant_id, kek_version, wrapped) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING",
            [tenantId, version, try wrap(key, tenant: tenantId, version: version, master: master)])
        guard let row = try tx.one("SELECT tenant_id, kek_version, wrapped FROM tenant_data_keys WHERE tenant_id = $1", [tenantId]) else {
            throw VaultError.noDataKey
        }
        return try unwrap(row)
    }

    private func unwrap(_ row: Row) throws -> [UInt8] {
        let tenant = try row.uuid("tenant_id")
        let version = try row.int("kek_version")
        let master = try masterKeys.key(version: version)
        guard let box = Data(base64Encoded: try row.string("wrapped")),
            let key = try? AESGCM.open(Array(box), key: master, associatedData: Self.wrapContext(tenant, version))
        else {
            throw VaultError.dataKeyDoesNotOpen(tenant: tenant.lowercasedText, version: version)
        }
        return key
    }

    private func wrap(_ key: [UInt8], tenant: UUID, version: Int, master: [UInt8]) throws -> String {
        Data(try AESGCM.seal(key, key: master, associatedData: Self.wrapContext(tenant, version))).base64EncodedString()
    }

    private static func wrapContext(_ tenant: UUID, _ version: Int) -> [UInt8] {
        Array("clearline-data-key|tenant:\(tenant.lowercasedText)|kek:\(version)".utf8)
    }
}
