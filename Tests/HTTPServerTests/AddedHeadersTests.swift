import Testing
@testable import HTTPServer

/// The headers the app adds to a final answer: read like the handler's own, in their order.
@Suite("Added headers")
struct AddedHeadersTests {
    @Test func addedHeadersAreFoundAfterTheHandlersOwnAndInTheirOrder() {
        var response = Response(status: 200, headers: Response.jsonHeaders, body: [])
        #expect(response.header("x-request-id") == nil)
        response.added = Response.AddedHeaders(requestId: "req_1", noStore: true, dataOnly: true)
        #expect(response.header("X-Request-Id") == "req_1" && response.header("cache-control") == "no-store")
        #expect(response.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'")
        #expect(response.added?.fields.map(\.name) == ["X-Request-Id", "Cache-Control", "X-Content-Type-Options", "Content-Security-Policy"])
        // The handler's own header comes first when both name it.
        response.headers.append(("X-Request-Id", "mine"))
        #expect(response.header("x-request-id") == "mine")
        let page = Response.AddedHeaders(requestId: "req_2", noStore: false, dataOnly: false)
        #expect(page.fields.map(\.name) == ["X-Request-Id"])
    }
}
