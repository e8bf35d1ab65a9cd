import COpenSSL

/// PBKDF2-HMAC-SHA256 password hashes in a self-describing format,
/// `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`, so the cost can rise without a migration.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 floor for PBKDF2-HMAC-SHA256 is 600,000; the cost lives in each stored hash.
    public static let defaultIterations = 600_000
    public let iterations: Int

    public init(iterations: Int = PasswordHasher.defaultIterations) {
        self.iterations = iterations
    }

    public func hash(_ password: String) -> String {
        let salt = SecureRandom.bytes(16)
        let derived = Self.derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Encoding.base64URL(salt))$\(Encoding.base64URL(derived))"
    }

    /// True when `password` matches `stored`; false for any malformed stored value.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            rounds <= 10_000_000,
            let salt = Encoding.fromBase64URL(String(parts[2])),
            let expected = Encoding.fromBase64URL(String(parts[3])), expected.count == 32
        else { return false }
        return Digest.constantTimeEquals(Self.derive(password, salt: salt, iterations: rounds), expected)
    }

    /// A hash of a random password, verified against when a login names an unknown user,
    /// so that the response time does not reveal which e-mail addresses exist.
    public func decoyHash() -> String { hash(SecureRandom.token()) }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let pw = Array(password.utf8CString)  // NUL-terminated; the length passed excludes it
        var out = [UInt8](repeating: 0, count: 32)
        let ok = PKCS5_PBKDF2_HMAC(
            pw, Int32(pw.count - 1), salt, Int32(salt.count),
            Int32(iterations), cssl_sha256(), 32, &out)
        precondition(ok == 1, "PKCS5_PBKDF2_HMAC failed")
        return out
    }
}
