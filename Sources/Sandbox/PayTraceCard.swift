import Foundation

/// What the emulator keeps of a card, as PayTrace may: the first six digits (the BIN, which
/// `include_bin` exports show) and the last four, and the expiry. Never the full number.
struct PayTraceCard {
    let bin: String
    let last4: String
    let month: Int
    let year: Int

    /// Past the last day of its expiry month (UTC).
    var expired: Bool {
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return year < now.year! || (year == now.year! && month < now.month!)
    }

    /// Visa (4) or Mastercard (51–55, 2221–2720): the brands Level 3 data is for.
    var brand: String {
        if bin.hasPrefix("4") { return "visa" }
        if let two = Int(bin.prefix(2)), (51...55).contains(two) { return "mastercard" }
        if let four = Int(bin.prefix(4)), (2221...2720).contains(four) { return "mastercard" }
        if bin.hasPrefix("34") || bin.hasPrefix("37") { return "amex" }
        if bin.hasPrefix("6") { return "discover" }
        return "other"
    }

    /// `************1234` in exports, `411111******1234` with `include_bin`.
    func masked(includeBin: Bool) -> String {
        includeBin ? bin + "******" + last4 : "************" + last4
    }
}
