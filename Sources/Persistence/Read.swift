/// One statement and what its rows become. Reads that do not depend on each other travel
/// together in one round trip (`Transaction.read`): a flow step's connections, earlier steps
/// and breakers were three round trips, each a wake-up on both sides.
public struct Read<T> {
    let sql: String
    let parameters: [any SQLBindable]
    let decode: ([Row]) throws -> T

    public init(_ sql: String, _ parameters: [any SQLBindable], decode: @escaping ([Row]) throws -> T) {
        self.sql = sql
        self.parameters = parameters
        self.decode = decode
    }
}

extension Transaction {
    public func read<A>(_ a: Read<A>) throws -> A {
        try a.decode(connection.query(a.sql, a.parameters))
    }

    public func read<A, B>(_ a: Read<A>, _ b: Read<B>) throws -> (A, B) {
        let rows = try connection.queries([(a.sql, a.parameters), (b.sql, b.parameters)])
        return (try a.decode(rows[0]), try b.decode(rows[1]))
    }

    public func read<A, B, C>(_ a: Read<A>, _ b: Read<B>, _ c: Read<C>) throws -> (A, B, C) {
        let rows = try connection.queries([(a.sql, a.parameters), (b.sql, b.parameters), (c.sql, c.parameters)])
        return (try a.decode(rows[0]), try b.decode(rows[1]), try c.decode(rows[2]))
    }
}

extension Transaction {
    public func read<A, B, C, D, E>(_ a: Read<A>, _ b: Read<B>, _ c: Read<C>, _ d: Read<D>, _ e: Read<E>) throws -> (A, B, C, D, E) {
        let rows = try connection.queries([
            (a.sql, a.parameters), (b.sql, b.parameters), (c.sql, c.parameters), (d.sql, d.parameters), (e.sql, e.parameters),
        ])
        return (try a.decode(rows[0]), try b.decode(rows[1]), try c.decode(rows[2]), try d.decode(rows[3]), try e.decode(rows[4]))
    }

    public func read<A, B, C, D>(_ a: Read<A>, _ b: Read<B>, _ c: Read<C>, _ d: Read<D>) throws -> (A, B, C, D) {
        let rows = try connection.queries([(a.sql, a.parameters), (b.sql, b.parameters), (c.sql, c.parameters), (d.sql, d.parameters)])
        return (try a.decode(rows[0]), try b.decode(rows[1]), try c.decode(rows[2]), try d.decode(rows[3]))
    }
}

extension Transaction {
    public func read<A, B, C, D, E, F>(_ a: Read<A>, _ b: Read<B>, _ c: Read<C>, _ d: Read<D>, _ e: Read<E>, _ f: Read<F>) throws -> (A, B, C, D, E, F) {
        let rows = try connection.queries([
            (a.sql, a.parameters), (b.sql, b.parameters), (c.sql, c.parameters), (d.sql, d.parameters), (e.sql, e.parameters),
            (f.sql, f.parameters),
        ])
        return (
            try a.decode(rows[0]), try b.decode(rows[1]), try c.decode(rows[2]), try d.decode(rows[3]), try e.decode(rows[4]),
            try f.decode(rows[5])
        )
    }
}
