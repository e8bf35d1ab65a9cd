import Domain

/// Keyset pagination over (created_at, id): fetch one row more than asked to know whether a next page exists.
enum Paging {
    /// The SQL condition for "after the cursor", using parameters `$n` and `$n+1`.
    static func afterClause(_ cursor: PageCursor?, firstParameter n: Int) -> (sql: String, parameters: [any SQLBindable]) {
        guard let cursor else { return ("TRUE", []) }
        return ("(created_at, id) > ($\(n)::timestamptz, $\(n + 1)::uuid)", [cursor.createdAt, cursor.id])
    }

    static func page<T>(_ rows: [Row], limit: Int, decode: (Row) throws -> T, key: (T) -> PageCursor) throws -> Page<T> {
        let items = try rows.prefix(limit).map(decode)
        let next = rows.count > limit ? items.last.map(key) : nil
        return Page(items: items, nextCursor: next)
    }
}
