public import Foundation

/// A tenant's link to one vendor account in one environment. Settings are plain; secrets are
/// write-only and live sealed in the vault, so the model carries only what is known of them.
public struct Connection: Sendable, Equatable {
    public var id: UUID
    public var tenantId: UUID
    public var environment: EnvironmentName
    public var kind: ConnectionKind
    public var name: String
    public var settings: [String: ConnectionSetting]
    public var secrets: [String: SecretStatus]
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date

    /// The settings after a change: given values replace, nil removes.
    public func settings(merging changes: [String: ConnectionSetting?]) -> [String: ConnectionSetting] {
        var merged = settings
        for (key, value) in changes { merged[key] = value }
        return merged
    }

    public init(
        id: UUID, tenantId: UUID, environment: EnvironmentName, kind: ConnectionKind, name: String,
        settings: [String: ConnectionSetting], secrets: [String: SecretStatus], status: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.environment = environment
        self.kind = kind
        self.name = name
        self.settings = settings
        self.secrets = secrets
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Connection {
    /// A text setting, or nil when unset (or a flag).
    public func text(_ setting: String) -> String? {
        if case .text(let value)? = settings[setting] { return value }
        return nil
    }

    /// A flag setting; unset is false.
    public func flag(_ setting: String) -> Bool {
        if case .flag(let value)? = settings[setting] { return value }
        return false
    }
}

/// What may be said of a stored secret: that it is set, a masked hint, and when it changed.
public struct SecretStatus: Sendable, Equatable {
    public var hint: String
    public var updatedAt: Date

    public init(hint: String, updatedAt: Date) {
        self.hint = hint
        self.updatedAt = updatedAt
    }

    /// The last four characters of a long secret, nothing of a short one.
    public static func hint(for secret: String) -> String {
        secret.count >= 12 ? "••••" + secret.suffix(4) : "••••"
    }
}

/// A plain setting's value: settings are strings or booleans.
public enum ConnectionSetting: Sendable, Equatable, Codable {
    case text(String)
    case flag(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .flag(flag) } else { self = .text(try container.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .flag(let flag): try container.encode(flag)
        }
    }
}
