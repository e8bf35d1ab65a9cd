/// Standard Webhooks (standardwebhooks.com), the signing scheme many platforms share:
/// `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`, a space-separated
/// list of `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` (several while a secret is
/// rotated). The key is the bytes of a `whsec_<base64>` secret, not its text.
public enum StandardWebhookSignature {
    public static let secretPrefix = "whsec_"
    /// How far a signed time may be from now, either way (the reference library's five minutes).
    public static let defaultTolerance = 300

    public enum Failure: Error, Equatable, Sendable {
        case missing
        case malformed
        case stale
        case mismatch
    }

    /// A new secret: 32 random bytes, as `whsec_<base64>`.
    public static func newSecret() -> String {
        secretPrefix + Encoding.base64(SecureRandom.bytes(32))
    }

    /// The key a secret stands for; nil when it is not `whsec_` (or bare) base64 of at least 16 bytes.
    public static func key(_ secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix(secretPrefix) ? String(secret.dropFirst(secretPrefix.count)) : secret
        guard let key = Encoding.fromBase64(encoded), key.count >= 16 else { return nil }
        return key
    }

    /// The `webhook-signature` value for one key.
    public static func sign(id: String, timestamp: Int, body: [UInt8], key: [UInt8]) -> String {
        "v1," + Encoding.base64(mac(id: id, timestamp: timestamp, body: body, key: key))
    }

    /// Checks the three headers against any of `keys`; throws why they fail.
    public static func verify(
        id: String?, timestamp: String?, signature: String?, body: [UInt8], keys: [[UInt8]], now: Int,
        tolerance: Int = defaultTolerance
    ) throws(Failure) {
        guard let id, !id.isEmpty, let timestamp, let signature, !signature.isEmpty else { throw .missing }
        guard let time = Int(timestamp) else { throw .malformed }
        // Only v1 (HMAC-SHA256) is defined; other versions are skipped, as the spec asks.
        let presented = signature.split(separator: " ").compactMap { entry -> [UInt8]? in
            guard entry.hasPrefix("v1,") else { return nil }
            return Encoding.fromBase64(String(entry.dropFirst(3)))
        }
        guard !presented.isEmpty else { throw .malformed }
        guard abs(now - time) <= tolerance else { throw .stale }
        for key in keys {
            let expected = mac(id: id, timestamp: time, body: body, key: key)
            if presented.contains(where: { Digest.constantTimeEquals($0, expected) }) { return }
        }
        throw .mismatch
    }

    static func mac(id: String, timestamp: Int, body: [UInt8], key: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: key, message: Array("\(id).\(timestamp).".utf8) + body)
    }
}
