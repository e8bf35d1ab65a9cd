import CPostgres

/// A result's rows as libpq holds them, kept until the last `Row` of it is gone: a row reads
/// its values in place, and only what is asked for becomes a String (or is parsed straight from
/// the bytes: ids, timestamps). Copying every value of every row into a String first was 80 heap
/// allocations of an authenticated list of ten keys (callgrind).
///
/// Sendable: libpq never changes a PGresult after making it, and documents that one may be read
/// from several threads; it is freed once, in `deinit`.
final class PostgresResult: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The column names, shared by the rows.
    let columns: [String]

    private init(handle: OpaquePointer) {
        self.handle = handle
        columns = (0..<Int(PQnfields(handle))).map { String(cString: PQfname(handle, Int32($0))) }
    }

    deinit { PQclear(handle) }

    /// The rows of `handle`, which is theirs from now on (freed with the last of them).
    static func rows(taking handle: OpaquePointer) -> [Row] {
        let count = Int(PQntuples(handle))
        guard count > 0 else {
            PQclear(handle)
            return []
        }
        let result = PostgresResult(handle: handle)
        return (0..<count).map { Row(result: result, index: $0) }
    }

    /// Calls `body` with the value's bytes (no NUL), or nil when it is NULL.
    func withValue<T>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) {
            let (r, c) = (Int32(row), Int32(column))
            guard PQgetisnull(handle, r, c) == 0, let value = PQgetvalue(handle, r, c) else { return try body(nil) }
            let bytes = UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self)
            return try body(UnsafeBufferPointer(start: bytes, count: Int(PQgetlength(handle, r, c))))
        }
    }
}
