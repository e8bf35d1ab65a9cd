import Foundation

/// Versioned key-encryption keys. The file form is one key a line, `<version> <base64 of 32 bytes>`,
/// `#` comments allowed; the highest version wraps new data keys, older ones still unwrap.
public struct Keyring: Sendable, Equatable {
    public let keys: [Int: [UInt8]]

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case empty
        case badLine(Int)
        case badKey(String)
        public var description: String {
            switch self {
            case .empty: "the master key file holds no key"
            case .badLine(let n): "line \(n) of the master key file is not '<version> <base64 key>'"
            case .badKey(let what): "\(what) is not the base64 of 32 bytes"
            }
        }
    }

    public init(keys: [Int: [UInt8]]) throws {
        guard !keys.isEmpty else { throw Failure.empty }
        self.keys = keys
    }

    public var currentVersion: Int { keys.keys.max() ?? 0 }
    public var current: [UInt8] { keys[currentVersion] ?? [] }

    public static func parse(file text: String) throws -> Keyring {
        var keys: [Int: [UInt8]] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let version = Int(parts[0]), version > 0, keys[version] == nil else { throw Failure.badLine(index + 1) }
            keys[version] = try decode(String(parts[1]), what: "the key on line \(index + 1)")
        }
        return try Keyring(keys: keys)
    }

    /// One key given directly (CLEARLINE_MASTER_KEY): version 1.
    public static func single(base64: String) throws -> Keyring {
        try Keyring(keys: [1: decode(base64.trimmingCharacters(in: .whitespacesAndNewlines), what: "CLEARLINE_MASTER_KEY")])
    }

    /// This keyring with a new random key as the next version.
    public func addingNewKey() throws -> Keyring {
        var next = keys
        next[currentVersion + 1] = SecureRandom.bytes(AESGCM.keySize)
        return try Keyring(keys: next)
    }

    public var fileText: String {
        "# Clearline key-encryption keys: <version> <base64>. Keep every version until `clearline keys rotate` has finished.\n"
            + keys.keys.sorted().map { "\($0) \(Data(keys[$0]!).base64EncodedString())" }.joined(separator: "\n") + "\n"
    }

    static func decode(_ text: String, what: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text), data.count == AESGCM.keySize else { throw Failure.badKey(what) }
        return Array(data)
    }
}
