import Testing
import Crypto

@Suite("Standard Webhooks signatures")
struct StandardWebhookSignatureTests {
    // The vector the Standard Webhooks reference libraries publish.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp = 1_614_265_330
    let body = Array(#"{"test": 2432232314}"#.utf8)
    let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test func thePublishedVectorSignsAndVerifies() throws {
        let key = try #require(StandardWebhookSignature.key(secret))
        #expect(StandardWebhookSignature.sign(id: id, timestamp: timestamp, body: body, key: key) == expected)
        try StandardWebhookSignature.verify(id: id, timestamp: String(timestamp), signature: "v2,abc " + expected, body: body, keys: [key], now: timestamp)
    }

    @Test func tamperingStalenessAndMissingHeadersFail() throws {
        let key = try #require(StandardWebhookSignature.key(secret))
        typealias Failure = StandardWebhookSignature.Failure
        #expect(throws: Failure.mismatch) {
            try StandardWebhookSignature.verify(id: id, timestamp: String(timestamp), signature: expected, body: body + [32], keys: [key], now: timestamp)
        }
        #expect(throws: Failure.mismatch) {
            try StandardWebhookSignature.verify(id: id + "x", timestamp: String(timestamp), signature: expected, body: body, keys: [key], now: timestamp)
        }
        #expect(throws: Failure.stale) {
            try StandardWebhookSignature.verify(id: id, timestamp: String(timestamp), signature: expected, body: body, keys: [key], now: timestamp + 301)
        }
        #expect(throws: Failure.missing) {
            try StandardWebhookSignature.verify(id: nil, timestamp: String(timestamp), signature: expected, body: body, keys: [key], now: timestamp)
        }
        #expect(throws: Failure.malformed) {
            try StandardWebhookSignature.verify(id: id, timestamp: "soon", signature: expected, body: body, keys: [key], now: timestamp)
        }
        #expect(throws: Failure.malformed) {
            try StandardWebhookSignature.verify(id: id, timestamp: String(timestamp), signature: "v2,abc", body: body, keys: [key], now: timestamp)
        }
    }

    @Test func newSecretsAreWhsecBase64OfThirtyTwoBytes() throws {
        let made = StandardWebhookSignature.newSecret()
        #expect(made.hasPrefix("whsec_"))
        #expect(StandardWebhookSignature.key(made)?.count == 32)
        #expect(StandardWebhookSignature.key("whsec_not base64!") == nil)
        #expect(Encoding.fromBase64(Encoding.base64([0xfb, 0xff, 0xfe])) == [0xfb, 0xff, 0xfe])
        #expect(Encoding.base64([0xfb, 0xff]) == "+/8=")
    }
}
