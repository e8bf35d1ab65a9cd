import Domain

/// Keyset pagination over (created_at, id), the order of every list: stable while rows are
/// added, and one row more than asked is fetched to know whether a next page exists.
enum Paging {
    /// Runs `select` (a query whose WHERE clause ends the text, with parameters `$1…$n`), limited
    /// to the page after `cursor`, and decodes the page.
    static func fetch<T>(
        _ tx: Transaction, _ select: String, _ parameters: [any SQLBindable], after cursor: PageCursor?, limit: Int,
        descending: Bool = false, decode: (Row) throws -> T, key: (T) -> PageCursor
    ) throws -> Page<T> {
        var sql = select
        var values = parameters
        if let cursor {
            sql += " AND (created_at, id) \(descending ? "<" : ">") ($\(values.count + 1)::timestamptz, $\(values.count + 2)::uuid)"
            values += [cursor.createdAt, cursor.id] as [any SQLBindable]
        }
        sql += descending ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id"
        sql += " LIMIT $\(values.count + 1)"
        let rows = try tx.query(sql, values + [limit + 1])
        let items = try rows.prefix(limit).map(decode)
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map(key) : nil)
    }
}
