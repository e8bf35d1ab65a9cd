import Foundation
import Domain

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

    /// The card's network, from its BIN, as settlements read it.
    var brand: CardBrand { CardBrand(maskedNumber: bin) }

    /// `************1234` in exports, `411111******1234` with `include_bin`.
    func masked(includeBin: Bool) -> String {
        includeBin ? bin + "******" + last4 : "************" + last4
    }
}
