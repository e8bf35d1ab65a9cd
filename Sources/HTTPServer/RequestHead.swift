/// A request's headers, read in one walk of libmicrohttpd's list (`HiddenHeaderBytes.withHeaders`)
/// on the first call: the same walk serves the head's checks (a body length said twice or both
/// ways, a NUL inside a value) and the request's header list. Walking the list three times (two
/// checks, then the request) and lower-casing each name through `String` were a tenth of the
/// handler's share of `GET /healthz`.
struct RequestHead {
    /// Names lower-cased; the first value wins for a repeated name.
    let headers: HeaderFields
    /// What makes the head ambiguous, if anything: a body length said twice, or said both ways
    /// (Content-Length beside Transfer-Encoding).
    let bodyLengthProblem: String?
    /// Whether a header line hides bytes after a NUL (`HiddenHeaderBytes.found`).
    let hidesBytes: Bool
    /// The first Content-Length as a number, 0 when absent or not a number.
    let declaredLength: Int

    /// What makes the head ambiguous, if anything: a body length said twice or both ways, or a
    /// NUL inside a header's value, which a proxy in front may read otherwise.
    var malformation: String? { bodyLengthProblem ?? (hidesBytes ? "A header's value holds a NUL byte." : nil) }

    /// The head of the request on `connection`, whose request line starts at `method`.
    init(_ connection: OpaquePointer, method: UnsafePointer<CChar>) {
        self = HiddenHeaderBytes.withHeaders(connection) { fields in
            RequestHead(fields, hidesBytes: HiddenHeaderBytes.found(fields, connection: connection, method: method))
        }
    }

    init(_ fields: UnsafeBufferPointer<HiddenHeaderBytes.Field>, hidesBytes: Bool) {
        self.hidesBytes = hidesBytes
        var headers: [HeaderFields.Field] = []
        headers.reserveCapacity(fields.count)
        var (contentLengths, transferEncodings, declaredLength) = (0, 0, 0)
        for field in fields {
            let name = Self.lowercased(field.name, field.nameCount)
            let value = field.value.map { Self.text($0, field.valueCount) } ?? ""
            // Lengths first: comparing every name with both literals in full was 200 instructions.
            let nameLength = name.utf8.count
            if nameLength == 14 && name == "content-length" {
                if contentLengths == 0 { declaredLength = Int(value) ?? 0 }
                contentLengths += 1
            } else if nameLength == 17 && name == "transfer-encoding" {
                transferEncodings += 1
            }
            headers.append(HeaderFields.Field(name: name, value: value))
        }
        self.headers = HeaderFields(lowercased: headers)
        if contentLengths > 1 {
            bodyLengthProblem = "Content-Length is sent more than once."
        } else if contentLengths > 0 && transferEncodings > 0 {
            bodyLengthProblem = "Content-Length is sent beside Transfer-Encoding."
        } else {
            bodyLengthProblem = nil
        }
        self.declaredLength = declaredLength
    }

    /// ASCII letters lower-cased straight into the new string: a name of up to 15 bytes (most)
    /// is stored inline, with no allocation at all.
    private static func lowercased(_ bytes: UnsafePointer<CChar>, _ count: Int) -> String {
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) { source in
            let raw = UnsafeBufferPointer(start: source, count: count)
            guard raw.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(decoding: raw, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: count) { out in
                for index in 0..<count { out[index] = raw[index] >= 65 && raw[index] <= 90 ? raw[index] | 0x20 : raw[index] }
                return count
            }
        }
    }

    private static func text(_ bytes: UnsafePointer<CChar>, _ count: Int) -> String {
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
    }
}
