public import Foundation

/// A connection inside an open transaction; stores take one so that several writes and their
/// audit line commit together.
public struct Transaction {
    let connection: PostgresConnection
    public let scope: Scope

    init(connection: PostgresConnection, scope: Scope) {
        self.connection = connection
        self.scope = scope
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> [Row] {
        try connection.query(sql, parameters)
    }

    public func one(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> Row? {
        try connection.query(sql, parameters).first
    }
}

extension Transaction {
    /// The same open transaction narrowed to one tenant's rows: row-level security binds to
    /// `tenantId` from here until the next narrowing or the end. For work that commits several
    /// tenants' writes at once (the worker pool's batched completions); begun in the platform
    /// scope by the caller, which has checked that the tenant is live.
    public func narrowed(to tenantId: UUID) throws -> Transaction {
        // Held: it travels with the narrowed transaction's first statement, before it.
        hold("SELECT set_config('clearline.scope', 'tenant', true), set_config('clearline.tenant_id', $1, true)", [tenantId.lowercasedText])
        return Transaction(connection: connection, scope: .tenant(tenantId))
    }

    /// Sends a statement with the transaction's next statement or its COMMIT, in the same round
    /// trip; an error of its surfaces there, and the transaction fails as it would have. `then`
    /// gets its rows once they came back (before that next statement's call returns).
    public func hold(_ sql: String, _ parameters: [any SQLBindable] = [], then: (([Row]) throws -> Void)? = nil) {
        connection.hold(sql, parameters, then: then)
    }
}
