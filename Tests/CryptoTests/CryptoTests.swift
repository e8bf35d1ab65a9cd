import Testing
import Crypto

@Suite("Crypto primitives against published vectors")
struct CryptoTests {
    @Test func sha256() {
        #expect(Encoding.hex(Digest.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Encoding.hex(Digest.sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacRFC4231Case2() {
        let mac = Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Encoding.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func pbkdf2RFC7914Vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1) -> 55ac046e56e3089f...
        let stored =
            "pbkdf2-sha256$1$" + Encoding.base64URL(Array("salt".utf8)) + "$"
            + Encoding.base64URL(Encoding.fromHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")!)
        #expect(PasswordHasher().verify("passwd", against: stored))
        #expect(!PasswordHasher().verify("passwd!", against: stored))
    }

    @Test func passwordHashesVerifyAndDiffer() {
        let hasher = PasswordHasher(iterations: 1000)
        let a = hasher.hash("correct horse battery")
        let b = hasher.hash("correct horse battery")
        #expect(a != b, "each hash has its own salt")
        #expect(hasher.verify("correct horse battery", against: a))
        #expect(!hasher.verify("correct horse batter", against: a))
        for junk in ["", "pbkdf2-sha256$x$y$z", "md5$1$a$b", "pbkdf2-sha256$99999999999$AA$AA", a + "$"] {
            #expect(!hasher.verify("x", against: junk))
        }
    }

    @Test func encodingsRoundTrip() {
        for length in 0..<40 {
            let bytes = SecureRandom.bytes(length)
            #expect(Encoding.fromBase64URL(Encoding.base64URL(bytes)) == bytes)
            #expect(Encoding.fromHex(Encoding.hex(bytes)) == bytes)
        }
        #expect(Encoding.fromBase64URL("a") == nil)
        #expect(Encoding.fromBase64URL("ab+/") == nil)
        #expect(Encoding.fromHex("abc") == nil)
        #expect(Encoding.base64URL(Array("hello".utf8)) == "aGVsbG8")
    }

    @Test func constantTimeEquality() {
        #expect(Digest.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(Digest.constantTimeEquals([], []))
    }
}

@Suite("AES-256-GCM")
struct AESGCMTests {
    @Test func gcmSpecificationTestCases13And14() throws {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14:
        // an all-zero 256-bit key and 96-bit IV, with no plaintext and with one zero block.
        let key = [UInt8](repeating: 0, count: 32), nonce = [UInt8](repeating: 0, count: 12)
        let empty = try AESGCM.open(nonce + Encoding.fromHex("530f8afbc74536b9a963b4f1c4cb738b")!, key: key, associatedData: [])
        #expect(empty.isEmpty)
        let box = nonce + Encoding.fromHex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")!
        #expect(try AESGCM.open(box, key: key, associatedData: []) == [UInt8](repeating: 0, count: 16))
    }

    @Test func roundTripsAndRefusesAnyOtherContext() throws {
        let key = SecureRandom.bytes(32)
        for length in [0, 1, 15, 16, 17, 1000] {
            let secret = SecureRandom.bytes(length)
            let box = try AESGCM.seal(secret, key: key, associatedData: Array("tenant:a|connection:b".utf8))
            #expect(try AESGCM.open(box, key: key, associatedData: Array("tenant:a|connection:b".utf8)) == secret)
            #expect(throws: AESGCM.Failure.authenticationFailed) {
                try AESGCM.open(box, key: key, associatedData: Array("tenant:a|connection:c".utf8))
            }
            #expect(throws: AESGCM.Failure.authenticationFailed) {
                try AESGCM.open(box, key: SecureRandom.bytes(32), associatedData: Array("tenant:a|connection:b".utf8))
            }
            var tampered = box
            tampered[tampered.count / 2] ^= 1
            #expect(throws: AESGCM.Failure.authenticationFailed) {
                try AESGCM.open(tampered, key: key, associatedData: Array("tenant:a|connection:b".utf8))
            }
        }
    }

    @Test func twoSealsOfOneSecretDiffer() throws {
        let key = SecureRandom.bytes(32)
        let a = try AESGCM.seal(Array("same".utf8), key: key, associatedData: [])
        let b = try AESGCM.seal(Array("same".utf8), key: key, associatedData: [])
        #expect(a != b)
        #expect(throws: AESGCM.Failure.malformed) { try AESGCM.open([1, 2, 3], key: key, associatedData: []) }
        #expect(throws: AESGCM.Failure.badKey) { try AESGCM.seal([], key: [1], associatedData: []) }
    }
}
