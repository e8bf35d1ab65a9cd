public import Foundation

/// What a processor charges per transaction, as the tenant's pricing says: a percentage of the
/// amount plus a fixed amount, by card brand and transaction type, each rule in force from one
/// day to another. PayTrace reports no fees, so this gives each settled line its expected fee;
/// a statement import replaces the estimate with the truth.
public struct FeeSchedule: Sendable, Equatable, Codable {
    public struct Rule: Sendable, Equatable, Codable {
        /// nil: any brand.
        public let cardBrand: CardBrand?
        /// `SALE` or `REFUND`; nil: either.
        public let transactionType: String?
        /// Percent of the amount, e.g. 2.9.
        public let percent: Decimal
        /// Per transaction, in the currency's units, e.g. 0.30.
        public let fixed: Decimal
        /// `yyyy-MM-dd`, inclusive.
        public let effectiveFrom: String
        /// `yyyy-MM-dd`, inclusive; nil: until another rule replaces it.
        public let effectiveTo: String?

        public init(cardBrand: CardBrand?, transactionType: String?, percent: Decimal, fixed: Decimal, effectiveFrom: String, effectiveTo: String? = nil) {
            self.cardBrand = cardBrand
            self.transactionType = transactionType
            self.percent = percent
            self.fixed = fixed
            self.effectiveFrom = effectiveFrom
            self.effectiveTo = effectiveTo
        }

        func applies(brand: CardBrand, type: String, day: String) -> Bool {
            (cardBrand == nil || cardBrand == brand) && (transactionType == nil || transactionType == type) && effectiveFrom <= day
                && (effectiveTo.map { day <= $0 } ?? true)
        }

        /// A rule for this brand beats one for any brand; one for this type beats one for either.
        var specificity: Int { (cardBrand == nil ? 0 : 2) + (transactionType == nil ? 0 : 1) }
    }

    public static let transactionTypes: Set<String> = ["SALE", "REFUND"]

    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// The rule for a transaction of `brand` and `type` on `day`: the most specific in force,
    /// and of those the one that started last.
    public func rule(brand: CardBrand, type: String, day: String) -> Rule? {
        rules.filter { $0.applies(brand: brand, type: type, day: day) }
            .max { ($0.specificity, $0.effectiveFrom) < ($1.specificity, $1.effectiveFrom) }
    }

    /// The expected fee of one transaction: the percentage rounded half up to the cent, plus the
    /// fixed amount. Zero when no rule applies (`rule` tells whether one did).
    public func fee(amount: Decimal, brand: CardBrand, type: String, day: String) -> Decimal {
        guard let rule = rule(brand: brand, type: type, day: day) else { return 0 }
        return Self.cents(amount * rule.percent / 100) + rule.fixed
    }

    /// Rounded half up to two places, as processors round a fee.
    public static func cents(_ value: Decimal) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, 2, .plain)
        return output
    }
}
