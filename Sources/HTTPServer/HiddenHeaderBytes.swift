import CMicroHTTPD

/// Finds a NUL byte inside a header's value, which libmicrohttpd 0.9.75 does not refuse: it ends
/// the value at the NUL and drops the rest of the line unseen (`X-Test: ab\0cd` reads as `ab`).
/// A proxy in front may read that line whole, so the two would disagree about the request.
///
/// MHD parses the head in place: each header's name and value point into the bytes as received,
/// with the colon and each line's CR and LF overwritten by NUL. So between the end of one value
/// and the start of the next name (or the end of the head) there is only NUL, CR, LF, space or
/// tab, unless the line hid something after a NUL of its own; and no more NULs than the line's
/// end overwrote (CR and LF: two; four after the last header, whose empty line follows), unless
/// the value ended in a NUL of its own. Names and values are taken in the
/// order they lie in the head; one that lies outside it (a line folded onto the one before, which
/// MHD copies elsewhere) leaves the check undecided rather than refused.
enum HiddenHeaderBytes {
    /// One header as MHD holds it: pointers into its copy of the head, and their lengths.
    struct Field {
        let name: UnsafePointer<CChar>
        let nameCount: Int
        let value: UnsafePointer<CChar>?
        let valueCount: Int
    }

    /// Calls `body` with the request's headers, from one walk of MHD's list, in a buffer of
    /// their own (on the stack for the usual few): an array of them was an allocation a request.
    static func withHeaders<R>(_ connection: OpaquePointer, _ body: (UnsafeBufferPointer<Field>) -> R) -> R {
        let collect: MHD_KeyValueIteratorN = { cls, _, name, nameCount, value, valueCount in
            guard let cls, let name else { return .YES }
            let filling = cls.assumingMemoryBound(to: Filling.self)
            guard filling.pointee.count < filling.pointee.capacity else { return .NO }
            (filling.pointee.base + filling.pointee.count).initialize(to: Field(name: name, nameCount: nameCount, value: value, valueCount: valueCount))
            filling.pointee.count += 1
            return .YES
        }
        // Counted first, so the buffer is the right size.
        let capacity = max(1, Int(MHD_get_connection_values_n(connection, .HEADER_KIND, nil, nil)))
        return withUnsafeTemporaryAllocation(of: Field.self, capacity: capacity) { buffer in
            var filling = Filling(base: buffer.baseAddress!, capacity: capacity, count: 0)
            withUnsafeMutablePointer(to: &filling) { _ = MHD_get_connection_values_n(connection, .HEADER_KIND, collect, $0) }
            return body(UnsafeBufferPointer(start: buffer.baseAddress, count: filling.count))
        }
    }

    /// The buffer `withHeaders` fills, as its iterator sees it.
    private struct Filling {
        let base: UnsafeMutablePointer<Field>
        let capacity: Int
        var count: Int
    }

    /// True when a header line carries bytes after a NUL. `method` is where MHD's copy of the
    /// request line starts, the head's first byte.
    static func found(_ headers: UnsafeBufferPointer<Field>, connection: OpaquePointer, method: UnsafePointer<CChar>) -> Bool {
        // MHD lists headers in the order they came, so the list is nearly always ordered and
        // valued already, and is then walked as it is: copying and sorting it were two
        // allocations on every request.
        let inOrder = zip(headers, headers.dropFirst()).allSatisfy { UnsafeRawPointer($0.name) < UnsafeRawPointer($1.name) }
        if inOrder && headers.allSatisfy({ $0.value != nil }) {
            return found(ordered: headers, connection: connection, method: method)
        }
        let valued = headers.filter { $0.value != nil }.sorted { UnsafeRawPointer($0.name) < UnsafeRawPointer($1.name) }
        return valued.withUnsafeBufferPointer { found(ordered: $0, connection: connection, method: method) }
    }

    /// `found` over headers that all have values, in the order they lie in the head.
    private static func found(ordered: UnsafeBufferPointer<Field>, connection: OpaquePointer, method: UnsafePointer<CChar>) -> Bool {
        let size = cmhd_request_header_size(connection)
        guard size > 0, !ordered.isEmpty else { return false }
        let start = UnsafeRawPointer(method)
        let end = start + size
        let inside = { (pointer: UnsafeRawPointer, count: Int) in pointer >= start && pointer + count <= end }
        guard ordered.allSatisfy({ inside(UnsafeRawPointer($0.name), $0.nameCount) && inside(UnsafeRawPointer($0.value!), $0.valueCount) })
        else { return false }
        for (index, field) in ordered.enumerated() {
            let value = UnsafeRawPointer(field.value!)
            let valueEnd = value + field.valueCount
            let next = index + 1 < ordered.count ? UnsafeRawPointer(ordered[index + 1].name) : end
            guard valueEnd <= next else { return false }
            let last = index + 1 == ordered.count
            if !onlySeparators(from: UnsafeRawPointer(field.name) + field.nameCount, to: value, maxNULs: 1)
                || !onlySeparators(from: valueEnd, to: next, maxNULs: last ? 4 : 2)
            {
                return true
            }
        }
        return false
    }

    /// Whether the bytes from `from` up to `to` are all NUL, CR, LF, space or tab, with at most
    /// `maxNULs` NULs.
    private static func onlySeparators(from: UnsafeRawPointer, to: UnsafeRawPointer, maxNULs: Int) -> Bool {
        guard from < to else { return true }
        let bytes = UnsafeRawBufferPointer(start: from, count: to - from)
        return bytes.allSatisfy { $0 == 0 || $0 == 9 || $0 == 10 || $0 == 13 || $0 == 32 } && bytes.count(where: { $0 == 0 }) <= maxNULs
    }
}
