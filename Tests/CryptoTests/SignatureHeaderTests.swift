import Testing
import Crypto

@Suite("Clearline-Signature")
struct SignatureHeaderTests {
    let body = Array(#"{"id":"evt_1"}"#.utf8)
    let key = Array("whsec-one".utf8)

    @Test func aSignatureVerifiesWithinTheToleranceOnly() throws {
        let header = SignatureHeader.sign(body, key: key, time: 1_000_000)
        try SignatureHeader.verify(header, body: body, keys: [key], now: 1_000_000 + 300)
        #expect(throws: SignatureHeader.Failure.stale) { try SignatureHeader.verify(header, body: body, keys: [key], now: 1_000_000 + 301) }
        #expect(throws: SignatureHeader.Failure.stale) { try SignatureHeader.verify(header, body: body, keys: [key], now: 1_000_000 - 301) }
    }

    @Test func tamperingWithBodyTimeOrKeyFails() {
        let header = SignatureHeader.sign(body, key: key, time: 50)
        #expect(throws: SignatureHeader.Failure.mismatch) { try SignatureHeader.verify(header, body: body + [10], keys: [key], now: 50) }
        let shifted = header.replacingOccurrences(of: "t=50", with: "t=51")
        #expect(throws: SignatureHeader.Failure.mismatch) { try SignatureHeader.verify(shifted, body: body, keys: [key], now: 50) }
        #expect(throws: SignatureHeader.Failure.mismatch) { try SignatureHeader.verify(header, body: body, keys: [Array("other".utf8)], now: 50) }
    }

    @Test func missingAndMalformedHeadersSayWhich() {
        #expect(throws: SignatureHeader.Failure.missing) { try SignatureHeader.verify(nil, body: body, keys: [key], now: 0) }
        #expect(throws: SignatureHeader.Failure.missing) { try SignatureHeader.verify("", body: body, keys: [key], now: 0) }
        #expect(throws: SignatureHeader.Failure.malformed) { try SignatureHeader.verify("v1=abcd", body: body, keys: [key], now: 0) }
        #expect(throws: SignatureHeader.Failure.malformed) { try SignatureHeader.verify("t=1,garbage", body: body, keys: [key], now: 1) }
    }

    @Test func duringRotationEitherSecretVerifies() throws {
        let old = Array("whsec-old".utf8)
        let header = SignatureHeader.sign(body, key: old, time: 7)
        try SignatureHeader.verify(header, body: body, keys: [key, old], now: 7)
        // A sender signing with both secrets at once is accepted by a receiver that knows either.
        let both = header + ",v1=" + SignatureHeader.sign(body, key: key, time: 7).split(separator: "=").last!
        try SignatureHeader.verify(both, body: body, keys: [key], now: 7)
    }
}
