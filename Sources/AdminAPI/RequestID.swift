import Crypto
import Domain
import HTTPServer
import Synchronization

/// Every response carries `X-Request-Id`: the caller's own when it is a safe token, else a new
/// one. New ids are a random per-process prefix and a counter: unique across processes without
/// paying for the CSPRNG on every request.
enum RequestID {
    /// The prefix's bytes, read without touching a reference count: as a shared `String` of 16
    /// bytes (too long to be kept inline) its count was raised and lowered by every request, an
    /// atomic the request threads of every core fought over (perf). Made once, never freed.
    nonisolated(unsafe) private static let prefix: UnsafeBufferPointer<UInt8> = {
        let text = Array(("req_" + Encoding.hex(SecureRandom.bytes(6))).utf8)
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.count)
        _ = bytes.initialize(from: text)
        return UnsafeBufferPointer(bytes)
    }()
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
    /// `prefix + String(next, radix: 16)` was two allocations and a generic conversion, and
    /// walking the prefix's UTF-8 view and a static table of digits another 1,000 instructions.
    private static func generated(_ next: UInt64) -> String {
        let digits = max(1, (64 - next.leadingZeroBitCount + 3) / 4)
        let prefixBytes = prefix
        return String(unsafeUninitializedCapacity: prefixBytes.count + digits) { buffer in
            _ = buffer.initialize(from: prefixBytes)
            var index = prefixBytes.count + digits - 1
            var rest = next
            while index >= prefixBytes.count {
                buffer[index] = HexDigit.lowercase(UInt8(rest & 0xf))
                rest >>= 4
                index -= 1
            }
            return prefixBytes.count + digits
        }
    }

    private static func isSafe(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 45 || c == 95 || c == 46
    }
}
