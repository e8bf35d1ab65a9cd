import Foundation
import Domain
import Connectors
import Synchronization

/// An organization's base currency and its rates, from Books' currency settings, kept ten minutes
/// per organization (rates change daily at most; a record written with a rate that moved within
/// the hour is still correctly converted at a rate Books showed).
struct ZohoCurrencies: Sendable {
    struct Currency: Sendable {
        let id: String
        /// Base-currency units per unit of this one.
        let rate: Decimal
    }

    let base: String
    let byCode: [String: Currency]

    private static let cache = Mutex<[String: (at: Date, value: ZohoCurrencies)]>([:])
    static let lifetime: TimeInterval = 600

    static func of(_ books: ZohoBooksClient) throws -> ZohoCurrencies {
        let key = "\(books.session.apiDomain.absoluteString)|\(books.organizationId)"
        if let cached = cache.withLock({ $0[key] }), Date().timeIntervalSince(cached.at) < lifetime { return cached.value }
        var base: String?, byCode: [String: Currency] = [:]
        for currency in try books.currencies() {
            guard let code = currency["currency_code"] as? String, let id = currency["currency_id"] as? String else { continue }
            if currency["is_base_currency"] as? Bool == true { base = code }
            byCode[code] = Currency(id: id, rate: Decimal(string: "\(currency["exchange_rate"] ?? 1)", locale: Locale(identifier: "en_US_POSIX")) ?? 1)
        }
        guard let base else { throw ConnectorError(.retryable, "Zoho Books named no base currency in its currency settings.") }
        let value = ZohoCurrencies(base: base, byCode: byCode)
        cache.withLock { $0[key] = (Date(), value) }
        return value
    }

    /// `currency_code` on a mapped record (not a field Books takes) turned into what Books takes:
    /// on a contact the currency's id; on a transaction, when it is not the base currency, the
    /// rate to the base currency (unless the flow gave one), so Books keeps the amounts as the
    /// sale had them and converts its base-currency totals at that rate.
    func apply(to body: inout [String: Any], contact: Bool) throws {
        guard let code = (body.removeValue(forKey: "currency_code") as? String)?.uppercased() else { return }
        guard let currency = byCode[code] else {
            throw PermanentJobFailure("Zoho Books has no \(code) among its currencies; add it in Books' currency settings.")
        }
        if contact {
            body["currency_id"] = currency.id
        } else if code != base, body["exchange_rate"] == nil {
            body["exchange_rate"] = NSDecimalNumber(decimal: currency.rate)
        }
    }
}
