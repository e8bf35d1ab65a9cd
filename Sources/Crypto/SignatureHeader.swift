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
        // Over the UTF-8 bytes: splitting by Character (grapheme breaking) was half of intake's
        // signature check, the MAC itself a tenth of it.
        for part in header.utf8.split(separator: UInt8(ascii: ",")) {
            let pair = trimmedSpaces(part).split(separator: UInt8(ascii: "="), maxSplits: 1)
            guard pair.count == 2 else { throw .malformed }
            let value = String(decoding: pair[1], as: UTF8.self)
            if pair[0].elementsEqual("t".utf8) {
                time = Int(value)
            } else if pair[0].elementsEqual("v1".utf8), let bytes = Encoding.fromHex(value) {
                signatures.append(bytes)
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

/// The bytes without the spaces around them.
private func trimmedSpaces(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
    var text = bytes
    while text.first == UInt8(ascii: " ") { text = text.dropFirst() }
    while text.last == UInt8(ascii: " ") { text = text.dropLast() }
    return text
}
