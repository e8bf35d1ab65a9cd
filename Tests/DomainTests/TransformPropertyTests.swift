import Foundation
import Testing
@testable import Domain

/// Properties of the money and date transforms over thousands of generated cases.
@Suite("Transforms: properties of rounding, conversion and dates")
struct TransformPropertyTests {
    static func cents(_ random: inout SeededRandom, scale: Int) -> Decimal {
        var unit = Decimal(1)
        for _ in 0..<scale { unit /= 10 }
        return Decimal(Int.random(in: -5_000_000...5_000_000, using: &random)) * unit
    }

    @Test func splittingNeverLosesOrInventsAMinorUnit() {
        var random = SeededRandom(seed: 1)
        for _ in 0..<3000 {
            let scale = [0, 2, 3].randomElement(using: &random)!
            let total = Self.cents(&random, scale: scale)
            let weights = (0..<Int.random(in: 1...12, using: &random)).map { _ in Decimal(Int.random(in: 0...1000, using: &random)) }
            let parts = Allocation.split(total, weights: weights, scale: scale)
            #expect(parts.reduce(0, +) == total, "\(total) by \(weights) -> \(parts)")
            var unit = Decimal(1)
            for _ in 0..<scale { unit /= 10 }
            let weightSum = weights.reduce(0, +)
            for (part, weight) in zip(parts, weights) {
                let exact = weightSum == 0 ? total / Decimal(weights.count) : total * weight / weightSum
                #expect(abs(part - exact) < unit, "part \(part) vs exact \(exact)")
                #expect(part == MappingValues.rounded(part, scale: scale, .halfEven), "\(part) is finer than the currency")
            }
        }
    }

    @Test func convertingLinesAddsUpToTheConvertedTotal() throws {
        var random = SeededRandom(seed: 2)
        let pairs = [("USD", "EUR"), ("USD", "JPY"), ("EUR", "KWD"), ("JPY", "USD"), ("USD", "USD")]
        for _ in 0..<2000 {
            let (from, to) = pairs.randomElement(using: &random)!
            let rate = Decimal(Int.random(in: 1...2_000_000, using: &random)) / 10_000
            let conversion = try #require(CurrencyConversion(from: from, to: to, rates: ["\(from)/\(to)": MappingValues.string(rate)]))
            let lines = (0..<Int.random(in: 1...15, using: &random)).map { _ in abs(Self.cents(&random, scale: Money.minorUnits(of: from))) }
            let converted = conversion.convert(lines)
            #expect(converted.reduce(0, +) == conversion.convert(lines.reduce(0, +)), "\(lines) at \(rate)")
            let scale = Money.minorUnits(of: to)
            #expect(converted.allSatisfy { $0 == MappingValues.rounded($0, scale: scale, .halfEven) })
        }
    }

    @Test func anInverseRateIsUsedWhenOnlyTheOtherDirectionIsGiven() throws {
        let conversion = try #require(CurrencyConversion(from: "EUR", to: "USD", rates: ["USD/EUR": "0.8"]))
        #expect(conversion.convert(Decimal(string: "80")!) == Decimal(100))
        #expect(CurrencyConversion(from: "EUR", to: "GBP", rates: ["USD/EUR": "0.8"]) == nil)
        #expect(CurrencyConversion(from: "EUR", to: "USD", rates: ["EUR/USD": "0"]) == nil)
    }

    static let zones = ["UTC", "America/Chicago", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"]

    @Test func datesRoundTripBetweenTheVendorsFormats() throws {
        var random = SeededRandom(seed: 3)
        for _ in 0..<3000 {
            let instant = Date(timeIntervalSince1970: Double(Int.random(in: 631_152_000...2_840_140_800, using: &random)))
            let zone = Self.zones.randomElement(using: &random)!
            let timeZone = try #require(TimeZone(identifier: zone))
            // An instant survives ISO 8601 with its offset, to the second.
            let iso = DateConversion.format(instant, .iso8601, zone: timeZone)
            #expect(DateConversion.parse(iso, .iso8601, zone: DateConversion.utc) == instant, "\(iso)")
            // PayTrace's zone-less text survives the trip through ISO 8601 and back, even in a DST overlap.
            let paytrace = DateConversion.format(instant, .paytrace, zone: timeZone)
            let there = try #require(DateConversion(from: .paytrace, to: .iso8601, zone: zone))
            let back = try #require(DateConversion(from: .iso8601, to: .paytrace, zone: zone))
            #expect(try back.apply(try there.apply(paytrace)) == paytrace, "\(paytrace) in \(zone)")
            // Zoho's date-time, written in one zone, reads back as the same instant.
            let zoho = DateConversion.format(instant, .zohoDateTime, zone: timeZone)
            let read = DateConversion.parse(zoho, .zohoDateTime, zone: timeZone)
            #expect(read == instant || timeZone.isDaylightSavingTime(for: instant) != timeZone.isDaylightSavingTime(for: read ?? instant), "\(zoho) in \(zone)")
        }
    }

    @Test(arguments: [
        ("4/10/2015 4:06:30 PM", "America/Chicago", "zoho_datetime", "UTC", "2015-04-10 21:06:30"),
        ("12/31/2026 11:59:59 PM", "America/Los_Angeles", "zoho_date", "UTC", "2027-01-01"),
        ("1/1/2026 12:00:00 AM", "UTC", "zoho_datetime", "UTC", "2026-01-01 00:00:00"),
        ("1/1/2026 12:00:00 PM", "UTC", "iso8601", "Asia/Kolkata", "2026-01-01T17:30:00+05:30"),
    ])
    func payTraceTimesBecomeZohoTimes(_ input: String, _ zone: String, _ format: String, _ toZone: String, _ expected: String) throws {
        let conversion = try #require(DateConversion(from: .paytrace, to: DateConversion.Format(rawValue: format)!, zone: zone, toZone: toZone))
        #expect(try conversion.apply(input) == expected)
    }

    @Test(arguments: ["13/1/2026 1:00:00 PM", "2/30/2026 1:00:00 PM", "1/1/2026 13:00:00 PM", "1/1/2026", "yesterday", "1/1/2026 1:00:00 XM"])
    func impossibleDatesAreRefused(_ input: String) throws {
        let conversion = try #require(DateConversion(from: .paytrace, to: .zohoDate))
        #expect(throws: MappingTransform.Failure.self) { try conversion.apply(input) }
    }
}
