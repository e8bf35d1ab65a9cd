import Foundation
import Testing
@testable import Connectors

/// Polling reads PayTrace's export with `include_bin`; the events it records keep the masking
/// flows key on, with the BIN beside it for fraud detection.
@Suite struct PayTraceEventsTests {
    @Test func aCardWithItsBinIsMaskedAsAlwaysAndTheBinKeptApart() {
        #expect(PayTraceEvents.maskedAndBin("411111******1234") == ("************1234", "411111"))
        #expect(PayTraceEvents.maskedAndBin("************1234") == ("************1234", nil))
        #expect(PayTraceEvents.maskedAndBin("xxxxxxxxxxxx5439") == ("xxxxxxxxxxxx5439", nil))
        #expect(PayTraceEvents.maskedAndBin(nil) == (nil, nil))
        #expect(PayTraceEvents.maskedAndBin("1234") == ("1234", nil))
    }
}
