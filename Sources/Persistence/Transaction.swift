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
