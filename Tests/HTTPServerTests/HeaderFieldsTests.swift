import Testing
@testable import HTTPServer

/// A request's headers, found by walking them: any case asked, the first of a repeated name.
@Suite("Header fields")
struct HeaderFieldsTests {
    static let fields = HeaderFields(lowercased: [
        .init(name: "host", value: "127.0.0.1:8080"), .init(name: "x-request-id", value: "first"),
        .init(name: "x-request-ie", value: "same length"), .init(name: "x-request-id", value: "second"),
        .init(name: "content-length", value: "0"), .init(name: "x", value: ""),
    ])

    @Test func theFirstOfARepeatedNameWinsAndNamesOfTheSameLengthAreTold() {
        #expect(Self.fields.value(named: "x-request-id") == "first")
        #expect(Self.fields.value(named: "x-request-ie") == "same length")
        #expect(Self.fields.value(named: "x") == "")
        #expect(Self.fields.value(named: "x-request-if") == nil)
        #expect(Self.fields.value(named: "") == nil)
        #expect(Self.fields.value(named: "X-Request-ID") == "first" && Self.fields.value(named: "CONTENT-LENGTH") == "0")
        // Only ASCII letters fold: a name that differs in another byte is another name.
        #expect(Self.fields.value(named: "x-request-i\u{0}") == nil && Self.fields.value(named: "x-request-iD") == "first")
        #expect(
            Self.fields.dictionary == ["host": "127.0.0.1:8080", "x-request-id": "first", "x-request-ie": "same length", "content-length": "0", "x": ""])
    }

    @Test func aRequestFindsAHeaderWhateverTheCaseAsked() {
        let request = Request(
            method: "GET", path: "/", query: [:], fields: Self.fields, body: [], clientAddress: "127.0.0.1", repeatedQueryNames: [])
        #expect(request.header("X-Request-ID") == "first")
        #expect(request.header("x-request-id") == "first")
        #expect(request.header("Content-Length") == "0")
        #expect(request.header("Authorization") == nil)
        #expect(request.headers["x-request-id"] == "first")
        // Made from a map (tests, in-process callers), names are lower-cased.
        let mapped = Request(method: "GET", path: "/", query: [:], headers: ["X-Tenant": "t1"], body: [], clientAddress: "")
        #expect(mapped.header("x-tenant") == "t1" && mapped.headers == ["x-tenant": "t1"])
    }
}
