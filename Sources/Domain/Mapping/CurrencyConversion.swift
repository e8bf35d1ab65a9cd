public import Foundation

/// Converts amounts with a rate table and rounds to the target currency's minor unit. An array
/// of amounts (line items) is converted so that its parts still add up to the converted total:
/// the total is converted once and split back by largest remainder, so no cent is lost or made.
public struct CurrencyConversion: Sendable, Equatable {
    public let from: String
    public let to: String
    /// Units of `to` per unit of `from`.
    public let rate: Decimal
    public let rounding: MappingTransform.Rounding

    /// `rates` holds "FROM/TO" pairs as decimal strings; the inverse pair is used when only that
    /// one is given. Nil when neither is there, or a rate is not positive.
    public init?(from: String, to: String, rates: [String: String], rounding: MappingTransform.Rounding = .halfEven) {
        guard Money.isValidCurrency(from), Money.isValidCurrency(to) else { return nil }
        let rate: Decimal
        if from == to {
            rate = 1
        } else if let text = rates["\(from)/\(to)"], let direct = MappingValues.parseDecimal(text), direct > 0 {
            rate = direct
        } else if let text = rates["\(to)/\(from)"], let inverse = MappingValues.parseDecimal(text), inverse > 0 {
            rate = 1 / inverse
        } else {
            return nil
        }
        self.from = from
        self.to = to
        self.rate = rate
        self.rounding = rounding
    }

    var scale: Int { Money.minorUnits(of: to) }

    func apply(_ value: JSONValue) throws(MappingTransform.Failure) -> JSONValue {
        if case .array(let items) = value {
            var amounts: [Decimal] = []
            for item in items {
                guard let amount = MappingValues.decimal(item) else {
                    throw MappingTransform.Failure("every line must be a decimal amount, got \(MappingTransform.kind(item))")
                }
                amounts.append(amount)
            }
            return .array(convert(amounts).map { .string(MappingValues.fixed($0, scale: scale)) })
        }
        guard let amount = MappingValues.decimal(value) else { throw MappingTransform.Failure("needs a decimal amount, got \(MappingTransform.kind(value))") }
        return .string(MappingValues.fixed(convert(amount), scale: scale))
    }

    /// One amount, rounded to the minor unit of `to`.
    public func convert(_ amount: Decimal) -> Decimal {
        MappingValues.rounded(amount * rate, scale: scale, rounding)
    }

    /// Amounts whose converted parts add up exactly to the converted sum.
    public func convert(_ amounts: [Decimal]) -> [Decimal] {
        let total = convert(amounts.reduce(0, +))
        return Allocation.split(total, weights: amounts, scale: scale)
    }
}

/// Splitting an amount into parts by weights, in minor units, by largest remainder: the parts
/// always add up to the amount, and each is within one minor unit of its exact share.
public enum Allocation {
    /// All-zero weights share equally; an amount finer than `scale` is rounded half-even first.
    public static func split(_ amount: Decimal, weights: [Decimal], scale: Int) -> [Decimal] {
        guard !weights.isEmpty else { return [] }
        let amount = MappingValues.rounded(amount, scale: scale, .halfEven)
        var unit = Decimal(1)
        for _ in 0..<scale { unit /= 10 }
        let totalWeight = weights.reduce(0, +)
        let shares: [Decimal] = totalWeight == 0 ? weights.map { _ in amount / Decimal(weights.count) } : weights.map { amount * $0 / totalWeight }
        var parts = shares.map { MappingValues.rounded($0, scale: scale, .down) }
        // Rounding toward zero leaves whole units over; they go to the largest remainders.
        var left = (amount - parts.reduce(0, +)) / unit
        let step: Decimal = left < 0 ? -unit : unit
        let order = shares.indices.sorted { Swift.abs(shares[$0] - parts[$0]) > Swift.abs(shares[$1] - parts[$1]) }
        var index = 0
        while left != 0, index < order.count * 2 {
            parts[order[index % order.count]] += step
            left -= step < 0 ? -1 : 1
            index += 1
        }
        return parts
    }
}
