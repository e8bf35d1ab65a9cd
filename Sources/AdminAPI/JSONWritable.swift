import Foundation
import Domain

/// A body that writes its own JSON: byte for byte what `ResponseEncoder` writes for it through
/// `Encodable` (`ResponseEncoderTests` compares the two), without Codable's dispatch for every
/// field. For the items of lists: encoding ten API keys through `Encodable` was a fifth of an
/// authenticated list's CPU.
protocol JSONWritable: Encodable {
    func writeJSON(to out: inout [UInt8])
}

/// One object's members, written in the order given: keys in the API's spelling, sorted, as
/// `ResponseEncoder` sorts them.
struct JSONObjectOutput {
    private var started = false

    private mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
        out.append(started ? UInt8(ascii: ",") : UInt8(ascii: "{"))
        started = true
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String, _ out: inout [UInt8]) {
        key(name, &out)
        JSONText.appendQuoted(value, to: &out)
    }

    /// Left out when nil, as `Encodable`'s `encodeIfPresent` leaves it.
    mutating func string(_ name: StaticString, ifPresent value: String?, _ out: inout [UInt8]) {
        if let value { string(name, value, &out) }
    }

    /// `null` when nil, as encoding an optional outright writes it.
    mutating func string(_ name: StaticString, orNull value: String?, _ out: inout [UInt8]) {
        guard let value else {
            key(name, &out)
            out.append(contentsOf: "null".utf8)
            return
        }
        string(name, value, &out)
    }

    /// Its lowercase text, as the String `lowercasedText` makes would be written.
    mutating func uuid(_ name: StaticString, _ value: UUID, _ out: inout [UInt8]) {
        key(name, &out)
        out.append(UInt8(ascii: "\""))
        value.appendLowercasedText(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func date(_ name: StaticString, _ value: Date, _ out: inout [UInt8]) {
        key(name, &out)
        out.append(UInt8(ascii: "\""))
        Timestamp.append(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func date(_ name: StaticString, ifPresent value: Date?, _ out: inout [UInt8]) {
        if let value { date(name, value, &out) }
    }

    /// The members an item wrote itself.
    mutating func raw(_ name: StaticString, _ write: (inout [UInt8]) -> Void, _ out: inout [UInt8]) {
        key(name, &out)
        write(&out)
    }

    mutating func close(_ out: inout [UInt8]) {
        if !started { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
    }
}

extension ListBody: JSONWritable where Item: JSONWritable {
    func writeJSON(to out: inout [UInt8]) {
        var object = JSONObjectOutput()
        object.raw(
            "items",
            { out in
                out.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    item.writeJSON(to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }, &out)
        object.string("next_cursor", orNull: nextCursor, &out)
        object.close(&out)
    }
}

extension APIKeyBody: JSONWritable {
    func writeJSON(to out: inout [UInt8]) {
        var object = JSONObjectOutput()
        object.date("created_at", createdAt, &out)
        object.string("created_by", createdBy, &out)
        object.uuid("id", id, &out)
        object.date("last_used_at", ifPresent: lastUsedAt, &out)
        object.string("name", name, &out)
        object.string("prefix", prefix, &out)
        object.string("role", role, &out)
        object.uuid("tenant_id", tenantId, &out)
        object.string("token", ifPresent: token, &out)
        object.close(&out)
    }
}
