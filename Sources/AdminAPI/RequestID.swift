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
        return generated(counter.add(1, ordering: .relaxed).newValue)
    }

    /// The prefix and the counter in hex, written into the new string's storage at once:
    /// `prefix + String(next, radix: 16)` was two allocations and a generic conversion.
    private static func generated(_ next: UInt64) -> String {
        let digits = max(1, (64 - next.leadingZeroBitCount + 3) / 4)
        let prefixBytes = prefix.utf8
        return String(unsafeUninitializedCapacity: prefixBytes.count + digits) { buffer in
            var index = 0
            for byte in prefixBytes {
                buffer[index] = byte
                index += 1
            }
            for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                buffer[index] = hexDigits[Int((next >> UInt64(shift)) & 0xf)]
                index += 1
            }
            return index
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func isSafe(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 45 || c == 95 || c == 46
    }
}
