import Crypto
import HTTPServer

/// Every response carries `X-Request-Id`: the caller's own when it is a safe token, else a new one.
enum RequestID {
    static func of(_ request: Request) -> String {
        if let given = request.header("x-request-id"), (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ isSafe($0) }) {
            return given
        }
        return "req_" + Encoding.hex(SecureRandom.bytes(12))
    }

    private static func isSafe(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 45 || c == 95 || c == 46
    }
}
