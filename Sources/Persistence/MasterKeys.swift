public import Crypto
import Foundation
import Synchronization

/// Where the key-encryption keys come from. Backed by a file, it re-reads the file when asked
/// for a version it does not hold, so a running server follows `clearline keys rotate`.
public final class MasterKeys: Sendable {
    private let keyring: Mutex<Keyring>
    public let file: String?
    /// When the file was last looked at, and its modification time then.
    private let lastCheck = Mutex<(at: ContinuousClock.Instant, modified: Date?)>((ContinuousClock.now, nil))

    public init(keyring: Keyring, file: String? = nil) {
        self.keyring = Mutex(keyring)
        self.file = file
        if let file { lastCheck.withLock { $0.modified = Self.modified(file) } }
    }

    public static func load(file: String) throws -> MasterKeys {
        MasterKeys(keyring: try Keyring.parse(file: try String(contentsOfFile: file, encoding: .utf8)), file: file)
    }

    /// The newest key; a changed key file is read again (checked at most every 2 seconds), so new
    /// data keys go under a rotated master key without a restart.
    public var current: (version: Int, key: [UInt8]) {
        if let file {
            let changed = lastCheck.withLock { check -> Bool in
                guard ContinuousClock.now - check.at > .seconds(2) else { return false }
                check.at = ContinuousClock.now
                let modified = Self.modified(file)
                defer { check.modified = modified }
                return modified != check.modified
            }
            if changed { reload() }
        }
        return keyring.withLock { ($0.currentVersion, $0.current) }
    }

    private func reload() {
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8), let fresh = try? Keyring.parse(file: text) else { return }
        // Never drop a version: a file edited by hand might leave one out while data keys still use it.
        keyring.withLock { current in
            var merged = current.keys
            for (version, key) in fresh.keys { merged[version] = key }
            if let combined = try? Keyring(keys: merged) { current = combined }
        }
    }

    private static func modified(_ file: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
    }

    public func key(version: Int) throws -> [UInt8] {
        if let key = keyring.withLock({ $0.keys[version] }) { return key }
        reload()
        if let key = keyring.withLock({ $0.keys[version] }) { return key }
        throw VaultError.unknownMasterKeyVersion(version)
    }

}

public enum VaultError: Error, CustomStringConvertible, Equatable {
    case unknownMasterKeyVersion(Int)
    /// The master key in force cannot open a tenant's data key: the wrong key was configured.
    case dataKeyDoesNotOpen(tenant: String, version: Int)
    /// A stored secret did not open under its own context (moved, changed, or its key destroyed).
    case secretDoesNotOpen
    case noDataKey

    public var description: String {
        switch self {
        case .unknownMasterKeyVersion(let v):
            "master key version \(v) is not in the configured keyring (CLEARLINE_MASTER_KEY_FILE or CLEARLINE_MASTER_KEY)"
        case .dataKeyDoesNotOpen(let tenant, let v):
            "the configured master key (version \(v)) cannot open the data key of tenant \(tenant): this is not the key this database was encrypted with"
        case .secretDoesNotOpen: "a stored secret does not open in its own context"
        case .noDataKey: "the tenant has no data key (it was destroyed with the tenant)"
        }
    }
}
