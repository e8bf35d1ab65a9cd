import Foundation

/// The vendors Clearline connects to, and for each the settings and secrets a connection holds
/// (field names as in ../shared/reference/).
public enum ConnectionKind: String, Sendable, Codable, CaseIterable {
    case paytrace
    case zoho
    case sageProAgent = "sage_pro"
    /// A merchant's shop, told of fulfilment by a webhook Clearline signs.
    case shop

    public enum SettingType: Sendable, Equatable {
        case url
        case choice([String])
        case text(maxLength: Int)
        case flag
        /// A whole number, sent as a string (settings are strings or booleans).
        case integer(ClosedRange<Int>)
        /// `HH:MM`, 24-hour.
        case timeOfDay
        /// An IANA time zone, such as America/Los_Angeles.
        case timeZone
    }

    public struct SettingSpec: Sendable {
        public let name: String
        public let type: SettingType
        public let required: Bool
    }

    public static let zohoDataCenters = ["us", "eu", "in", "au", "jp", "ca", "sa", "cn"]

    public var settingSpecs: [SettingSpec] {
        switch self {
        case .paytrace:
            [
                SettingSpec(name: "base_url", type: .url, required: false),
                // PayTrace cannot push: the poller reads its exports this often.
                SettingSpec(name: "poll", type: .flag, required: false),
                SettingSpec(name: "poll_interval_seconds", type: .integer(1...86_400), required: false),
                // The daily reconciliation of this connection's settlements, at this local time.
                SettingSpec(name: "reconcile_at", type: .timeOfDay, required: false),
                SettingSpec(name: "time_zone", type: .timeZone, required: false),
            ]
        case .zoho:
            [
                SettingSpec(name: "data_center", type: .choice(Self.zohoDataCenters), required: true),
                SettingSpec(name: "organization_id", type: .text(maxLength: 40), required: true),
                SettingSpec(name: "books", type: .flag, required: false),
                SettingSpec(name: "inventory", type: .flag, required: false),
                SettingSpec(name: "crm", type: .flag, required: false),
                // Overrides of the data center's hosts, for the sandbox and for new regions.
                SettingSpec(name: "accounts_url", type: .url, required: false),
                SettingSpec(name: "api_domain", type: .url, required: false),
                // Zoho Books allows 100 requests a minute per organization; a lower plan, lower.
                SettingSpec(name: "requests_per_minute", type: .integer(1...1_000_000), required: false),
                // Where a settlement's deposit and fees are journaled: an account id, or `code:<n>`
                // (Undeposited Funds 1010, the bank 1000, merchant fees 6100 unless set).
                SettingSpec(name: "clearing_account", type: .text(maxLength: 40), required: false),
                SettingSpec(name: "bank_account", type: .text(maxLength: 40), required: false),
                SettingSpec(name: "fees_account", type: .text(maxLength: 40), required: false),
            ]
        case .sageProAgent:
            [
                SettingSpec(name: "agent_name", type: .text(maxLength: 200), required: false),
                SettingSpec(name: "company_code", type: .text(maxLength: 20), required: false),
                // Pro's GL accounts for a settlement's deposit and fees (1050-00 undeposited
                // funds, 1000-00 cash, 6100-00 merchant fees unless set).
                SettingSpec(name: "clearing_account", type: .text(maxLength: 12), required: false),
                SettingSpec(name: "bank_account", type: .text(maxLength: 12), required: false),
                SettingSpec(name: "fees_account", type: .text(maxLength: 12), required: false),
            ]
        case .shop:
            [
                SettingSpec(name: "webhook_url", type: .url, required: true),
                SettingSpec(name: "shop_name", type: .text(maxLength: 200), required: false),
                // How deliveries are signed: Clearline-Signature (the default), or Standard
                // Webhooks (webhook-id/-timestamp/-signature), whose secret is whsec_<base64>.
                SettingSpec(name: "signature_scheme", type: .choice(["clearline", "standard_webhooks"]), required: false),
            ]
        }
    }

    public var secretNames: [String] {
        switch self {
        case .paytrace: ["username", "password", "integrator_id"]
        case .zoho: ["client_id", "client_secret", "refresh_token"]
        case .sageProAgent: ["enrolment_token"]
        case .shop: ["signing_secret"]
        }
    }

    public static let secretMaxLength = 4096

    /// Checks settings against this kind; `creating` also requires the required ones.
    public func validate(settings: [String: ConnectionSetting], creating: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        let specs = Dictionary(uniqueKeysWithValues: settingSpecs.map { ($0.name, $0) })
        for name in settings.keys.sorted() where specs[name] == nil {
            errors.append(FieldError(field: "settings.\(name)", message: "is not a setting of a \(rawValue) connection"))
        }
        for spec in settingSpecs {
            let field = "settings.\(spec.name)"
            guard let value = settings[spec.name] else {
                if creating && spec.required { errors.append(FieldError(field: field, message: "is required")) }
                continue
            }
            switch (spec.type, value) {
            case (.flag, .flag): break
            case (.flag, .text): errors.append(FieldError(field: field, message: "must be true or false"))
            case (_, .flag): errors.append(FieldError(field: field, message: "must be a string"))
            case (.url, .text(let text)):
                if !Self.isHTTPURL(text) {
                    errors.append(FieldError(field: field, message: "must be an https URL of at most 500 characters"))
                } else if let refused = OutboundPolicy.refusal(url: text) {
                    errors.append(FieldError(field: field, message: refused))
                }
            case (.choice(let options), .text(let text)):
                if !options.contains(text) { errors.append(FieldError(field: field, message: "must be one of: \(options.joined(separator: ", "))")) }
            case (.integer(let range), .text(let text)):
                if Int(text).map(range.contains) != true {
                    errors.append(FieldError(field: field, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                }
            case (.text(let maxLength), .text(let text)):
                if text.isEmpty || text.count > maxLength { errors.append(FieldError(field: field, message: "must be 1 to \(maxLength) characters")) }
            case (.timeOfDay, .text(let text)):
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                let valid = text.count == 5 && parts.count == 2 && Int(parts[0]).map((0...23).contains) == true && Int(parts[1]).map((0...59).contains) == true
                if !valid { errors.append(FieldError(field: field, message: "must be a time of day, HH:MM (24-hour)")) }
            case (.timeZone, .text(let text)):
                if text.count > 64 || TimeZone(identifier: text) == nil {
                    errors.append(FieldError(field: field, message: "must be a time zone such as America/Los_Angeles or UTC"))
                }
            }
        }
        return errors
    }

    /// Checks secret names and values; nil values (clear a secret) are allowed only when updating.
    /// Secrets Clearline makes itself and shows once, never typed by a person: a Sage Pro
    /// agent's enrolment token (192 random bits), whose strength nobody can weaken by choosing it.
    public var generatedSecrets: [String] { self == .sageProAgent ? ["enrolment_token"] : [] }

    public func validate(secrets: [String: String?], creating: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        for name in secrets.keys.sorted() {
            let field = "secrets.\(name)"
            guard secretNames.contains(name) else {
                errors.append(FieldError(field: field, message: "is not a secret of a \(rawValue) connection"))
                continue
            }
            guard !generatedSecrets.contains(name) else {
                errors.append(
                    FieldError(
                        field: field,
                        message: "is made by Clearline: leave it out, and copy it from the answer (POST …/enrolment-token makes a new one)"))
                continue
            }
            switch secrets[name] {
            case .some(.some(let value)):
                if value.isEmpty || value.count > Self.secretMaxLength {
                    errors.append(FieldError(field: field, message: "must be 1 to \(Self.secretMaxLength) characters"))
                }
            default:
                if creating { errors.append(FieldError(field: field, message: "must be a string")) }
            }
        }
        return errors
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard text.count <= 500, !text.contains(where: { $0.isWhitespace }) else { return false }
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
        let host = lower.drop(while: { $0 != "/" }).dropFirst(2).prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        return !host.isEmpty
    }
}
