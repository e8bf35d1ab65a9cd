public import Foundation

/// The fraud detectors' thresholds for one tenant's environment, each detector on or off; the
/// defaults are the issue's examples. Stored as JSON (`json`) and changed field by field
/// (`changed(by:)`), each field checked against its range.
public struct FraudSettings: Sendable, Equatable {
    public static let detectors = [
        "card_testing", "duplicate_charge", "unusual_amount", "velocity", "decline_spike", "refund_spike", "chargeback_ratio", "settlement_fees",
        "missing_batch",
    ]

    /// Detectors the tenant turned off.
    public var disabled: Set<String> = []
    /// Card testing: at least this many sales or authorizations of at most `smallAmount` from one
    /// customer or card within `testingWindow`, most of them declined.
    public var testingAttempts = 10
    public var smallAmount = Decimal(5)
    public var testingWindow: TimeInterval = 600
    public var testingDeclineShare = 0.6
    /// Duplicate charge: the same customer charged the same amount twice within this.
    public var duplicateWindow: TimeInterval = 600
    /// Unusual amount: at least this many approved sales of the customer before it speaks, and
    /// an amount this many median absolute deviations above their median (and 3 times it).
    public var amountHistory = 5
    public var amountDeviations = Decimal(10)
    /// Velocity: this many charges of one customer within an hour.
    public var velocityPerHour = 12
    /// Decline spike: at least this many attempts in 15 minutes, this share of them declined.
    public var declineMinimumAttempts = 20
    public var declineShare = 0.3
    /// Refund spike: at least this many refunds in an hour.
    public var refundMinimum = 5
    /// Chargeback ratio: at least this many chargebacks in 30 days, and this share of the sales.
    public var chargebackMinimum = 3
    public var chargebackShare = 0.01

    public init() {}

    public func enabled(_ detector: String) -> Bool { !disabled.contains(detector) }

    /// The settings as stored and shown: one object per detector.
    public var json: JSONValue {
        func on(_ detector: String) -> JSONValue { .bool(enabled(detector)) }
        return .object([
            "card_testing": .object([
                "enabled": on("card_testing"), "attempts": .number(Double(testingAttempts)), "max_amount": .string(FraudDetectors.dollars(smallAmount)),
                "window_minutes": .number((testingWindow / 60).rounded()), "decline_share": .number(testingDeclineShare),
            ]),
            "duplicate_charge": .object(["enabled": on("duplicate_charge"), "window_minutes": .number((duplicateWindow / 60).rounded())]),
            "unusual_amount": .object([
                "enabled": on("unusual_amount"), "min_history": .number(Double(amountHistory)),
                "deviations": .number(NSDecimalNumber(decimal: amountDeviations).doubleValue),
            ]),
            "velocity": .object(["enabled": on("velocity"), "per_hour": .number(Double(velocityPerHour))]),
            "decline_spike": .object([
                "enabled": on("decline_spike"), "min_attempts": .number(Double(declineMinimumAttempts)), "share": .number(declineShare),
            ]),
            "refund_spike": .object(["enabled": on("refund_spike"), "min_refunds": .number(Double(refundMinimum))]),
            "chargeback_ratio": .object([
                "enabled": on("chargeback_ratio"), "min_chargebacks": .number(Double(chargebackMinimum)), "share": .number(chargebackShare),
            ]),
            "settlement_fees": .object(["enabled": on("settlement_fees")]),
            "missing_batch": .object(["enabled": on("missing_batch")]),
        ])
    }

    /// These settings with `changes` (detector name to fields) applied; errors name each bad
    /// field as `detector.field`.
    public func changed(by changes: [String: JSONValue]) -> (FraudSettings, [FieldError]) {
        var settings = self
        var errors: [FieldError] = []
        for (detector, value) in changes {
            guard Self.detectors.contains(detector) else {
                errors.append(FieldError(field: detector, message: "is not a detector (\(Self.detectors.joined(separator: ", ")))"))
                continue
            }
            guard case .object(let fields) = value else {
                errors.append(FieldError(field: detector, message: "must be an object"))
                continue
            }
            var reader = Reader(detector: detector, fields: fields)
            if let on = reader.boolean("enabled") { if on { settings.disabled.remove(detector) } else { settings.disabled.insert(detector) } }
            switch detector {
            case "card_testing":
                if let value = reader.integer("attempts", 2...1000) { settings.testingAttempts = value }
                if let value = reader.amount("max_amount") { settings.smallAmount = value }
                if let value = reader.integer("window_minutes", 1...1440) { settings.testingWindow = Double(value) * 60 }
                if let value = reader.share("decline_share") { settings.testingDeclineShare = value }
            case "duplicate_charge":
                if let value = reader.integer("window_minutes", 1...1440) { settings.duplicateWindow = Double(value) * 60 }
            case "unusual_amount":
                if let value = reader.integer("min_history", 1...1000) { settings.amountHistory = value }
                if let value = reader.integer("deviations", 1...1000) { settings.amountDeviations = Decimal(value) }
            case "velocity":
                if let value = reader.integer("per_hour", 2...10_000) { settings.velocityPerHour = value }
            case "decline_spike":
                if let value = reader.integer("min_attempts", 5...100_000) { settings.declineMinimumAttempts = value }
                if let value = reader.share("share") { settings.declineShare = value }
            case "refund_spike":
                if let value = reader.integer("min_refunds", 1...100_000) { settings.refundMinimum = value }
            case "chargeback_ratio":
                if let value = reader.integer("min_chargebacks", 1...100_000) { settings.chargebackMinimum = value }
                if let value = reader.share("share") { settings.chargebackShare = value }
            default:
                // settlement_fees and missing_batch: on or off only.
                break
            }
            errors += reader.errors
        }
        return (settings, errors)
    }

    /// Stored settings (`json`'s shape); what does not read keeps its default.
    public static func stored(_ object: [String: JSONValue]) -> FraudSettings { FraudSettings().changed(by: object).0 }

    /// One detector's fields, each checked; unknown fields are errors.
    struct Reader {
        let detector: String
        let fields: [String: JSONValue]
        var errors: [FieldError] = []

        init(detector: String, fields: [String: JSONValue]) {
            self.detector = detector
            self.fields = fields
            guard case .object(let all) = FraudSettings().json, case .object(let defaults)? = all[detector] else { return }
            let allowed = Set(defaults.keys)
            for name in fields.keys.sorted() where !allowed.contains(name) {
                errors.append(FieldError(field: "\(detector).\(name)", message: "is not a setting of \(detector)"))
            }
        }

        mutating func boolean(_ name: String) -> Bool? {
            guard let value = fields[name] else { return nil }
            guard case .bool(let flag) = value else {
                errors.append(FieldError(field: "\(detector).\(name)", message: "must be true or false"))
                return nil
            }
            return flag
        }

        mutating func integer(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = fields[name] else { return nil }
            guard case .number(let number) = value, let whole = Int(exactly: number), range.contains(whole) else {
                errors.append(FieldError(field: "\(detector).\(name)", message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return nil
            }
            return whole
        }

        mutating func share(_ name: String) -> Double? {
            guard let value = fields[name] else { return nil }
            guard case .number(let number) = value, number > 0, number <= 1 else {
                errors.append(FieldError(field: "\(detector).\(name)", message: "must be a share above 0 and at most 1 (0.3 is 30%)"))
                return nil
            }
            return number
        }

        /// A USD amount as text ("5.00") with at most two decimals, above zero.
        mutating func amount(_ name: String) -> Decimal? {
            guard let value = fields[name] else { return nil }
            guard case .string(let text) = value, let money = Money(string: text, currency: "USD"), money.rounded() == money, money.amount > 0,
                money.amount <= 10_000
            else {
                errors.append(FieldError(field: "\(detector).\(name)", message: "must be an amount in USD above 0.00 and at most 10000.00, as text"))
                return nil
            }
            return money.amount
        }
    }
}
