/// Clearline's signature of a message body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
/// The time inside the MAC makes a captured message useless after the tolerance; several `v1`
/// values may be present while a secret is being rotated.
public enum SignatureHeader {
    public static let name = "Clearline-Signature"
    /// How far a signed time may be from now, either way.
    public static let defaultTolerance = 300

    public static func sign(_ body: [UInt8], key: [UInt8], time: Int) -> String {
        "t=\(time),v1=\(Encoding.hex(mac(body, key: key, time: time)))"
    }

    public enum Failure: Error, Equatable, Sendable {
        case missing
        case malformed
        case stale
        case mismatch
    }

    /// Checks `header` against any of `keys`; throws why it fails.
    public static func verify(_ header: String?, body: [UInt8], keys: [[UInt8]], now: Int, tolerance: Int = defaultTolerance) throws(Failure) {
        guard let header, !header.isEmpty else { throw .missing }
        var time: Int?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: " ").split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw .malformed }
            switch pair[0] {
            case "t": time = Int(pair[1])
            case "v1": if let bytes = Encoding.fromHex(pair[1]) { signatures.append(bytes) }
            default: continue
            }
        }
        guard let time, !signatures.isEmpty else { throw .malformed }
        guard abs(now - time) <= tolerance else { throw .stale }
        for key in keys {
            let expected = mac(body, key: key, time: time)
            if signatures.contains(where: { Digest.constantTimeEquals($0, expected) }) { return }
        }
        throw .mismatch
    }

    static func mac(_ body: [UInt8], key: [UInt8], time: Int) -> [UInt8] {
        Digest.hmacSHA256(key: key, message: Array("\(time).".utf8) + body)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return text
    }
}
