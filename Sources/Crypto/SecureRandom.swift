import COpenSSL

/// Random bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
    public enum Failure: Error { case unavailable }

    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        // RAND_bytes only fails when the OS entropy source is gone; continuing would mint guessable tokens.
        guard RAND_bytes(&out, Int32(count)) == 1 else { fatalError("OpenSSL RAND_bytes failed") }
        return out
    }

    /// Called first thing by a long-running process (a server, the sandbox, an agent), before any
    /// other use of OpenSSL: OpenSSL then keeps its state until the process is gone, rather than
    /// freeing it at exit under threads that may still be using it.
    public static func keepLibraryStateUntilExit() {
        guard cssl_init_without_atexit() == 1 else { fatalError("OpenSSL did not initialise") }
    }

    /// A URL-safe token of `byteCount` random bytes.
    public static func token(byteCount: Int = 32) -> String { Encoding.base64URL(bytes(byteCount)) }
}
