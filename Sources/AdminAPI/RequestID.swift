import Crypto
import HTTPServer
import Synchronization

/// Every response carries `X-Request-Id`: the caller's own when it is a safe token, else a new
/// one. New ids are a random per-process prefix and a counter: unique across processes without
/// paying for the CSPRNG on every request.
enum RequestID {
    private static let prefix = "req_" + Encoding.hex(SecureRandom.bytes(6))
    private static let counter = Atomic<UInt64>(0)

    static func of(_ request: Request) -> String {
        if let given = request.header("x-request-id"), (1...128).contains(given.utf8.count),
            given.utf8.allSatisfy({ isSafe($0) })
        {
            return given
        }
        let next = counter.add(1, ordering: .relaxed).newValue
        return prefix + String(next, radix: 16)
    }

    private static func isSafe(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 45 || c == 95 || c == 46
    }
}
