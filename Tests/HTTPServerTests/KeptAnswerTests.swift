import Foundation
import Testing
import ClearlineTesting
@testable import HTTPServer

/// A constant answer (`Response.isConstant`) is kept per connection and given again with only its
/// request id changed: every answer on a keep-alive connection still reads as its own.
@Suite("Constant answers kept per connection")
struct KeptAnswerTests {
    static let headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
    static let alive: [UInt8] = Array(#"{"status":"ok"}"#.utf8)
    static let other: [UInt8] = Array(#"{"status":"other"}"#.utf8)

    /// `/alive` and `/other` answer constants inline, each with the request id the query names;
    /// anything else is answered by the executor with a body of its own.
    static func server() throws -> HTTPServer {
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, threads: 1, executorThreads: 1), logger: TestServer.quietLogger,
            oversized: { _ in Response(status: 413) },
            inline: { request in
                let body: [UInt8]
                switch request.path {
                case "/alive": body = alive
                case "/other": body = other
                default: return nil
                }
                var answer = Response(status: 200, headers: headers, body: body)
                answer.isConstant = true
                answer.added = .init(requestId: request.query["id"] ?? "none", noStore: true, dataOnly: request.query["plain"] == nil)
                return answer
            }
        ) { request in
            var answer = Response(status: 202, contentType: "text/plain", body: "made for \(request.path)")
            answer.added = .init(requestId: request.query["id"] ?? "none", noStore: false, dataOnly: false)
            return answer
        }
        try server.start()
        return server
    }

    /// The answers to `paths`, sent in order on one connection, each split into its head's lines and its body.
    static func answers(_ paths: [String], port: Int) throws -> [(head: [String], body: String)] {
        let requests = paths.enumerated().map { index, path in
            "GET \(path) HTTP/1.1\r\nHost: x\r\n" + (index == paths.count - 1 ? "Connection: close\r\n" : "") + "\r\n"
        }
        let text = try RawHTTP.exchange(Array(requests.joined().utf8), port: port, untilClosed: true)
        return text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { answer in
            let parts = answer.components(separatedBy: "\r\n\r\n")
            return (parts[0].components(separatedBy: "\r\n"), parts.dropFirst().joined(separator: "\r\n\r\n"))
        }
    }

    static func header(_ name: String, in head: [String]) -> String? {
        head.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    @Test func eachAnswerOnAKeptConnectionCarriesItsOwnRequestIdAndBody() throws {
        let server = try Self.server()
        defer { server.shutdown(gracePeriod: .seconds(1)) }
        let paths = ["/alive?id=a1", "/alive?id=a2", "/made?id=m3", "/alive?id=a4", "/other?id=o5", "/alive?id=a6", "/alive?id=a7&plain=1"]
        let answers = try Self.answers(paths, port: server.port)
        try #require(answers.count == paths.count)
        let expected: [(id: String, status: String, body: String)] = [
            ("a1", "200", #"{"status":"ok"}"#), ("a2", "200", #"{"status":"ok"}"#), ("m3", "202", "made for /made"),
            ("a4", "200", #"{"status":"ok"}"#), ("o5", "200", #"{"status":"other"}"#), ("a6", "200", #"{"status":"ok"}"#),
            ("a7", "200", #"{"status":"ok"}"#),
        ]
        for (answer, expected) in zip(answers, expected) {
            #expect(answer.head.first?.hasPrefix(expected.status) == true, "\(answer.head)")
            #expect(answer.body == expected.body)
            #expect(answer.head.filter { $0.lowercased().hasPrefix("x-request-id:") }.count == 1, "\(answer.head)")
            #expect(Self.header("X-Request-Id", in: answer.head) == expected.id)
            #expect(Self.header("Content-Length", in: answer.head) == String(expected.body.utf8.count))
        }
        // The constant answers' other headers are those of their own response, kept or not.
        for answer in answers.prefix(6) where answer.head.first?.hasPrefix("200") == true {
            #expect(Self.header("Content-Type", in: answer.head) == "application/json")
            #expect(Self.header("Cache-Control", in: answer.head) == "no-store")
            #expect(Self.header("X-Content-Type-Options", in: answer.head) == "nosniff")
        }
        // One that differs only in its added headers is not the kept one.
        #expect(Self.header("X-Content-Type-Options", in: answers[6].head) == nil)
        #expect(Self.header("Cache-Control", in: answers[6].head) == "no-store")
    }

    @Test func connectionsKeepTheirOwnAnswers() async throws {
        let server = try Self.server()
        defer { server.shutdown(gracePeriod: .seconds(1)) }
        let port = server.port
        let clients = (0..<4).map { client in
            Task.detached { try Self.answers((0..<20).map { "/alive?id=c\(client)-\($0)" }, port: port) }
        }
        for (client, task) in clients.enumerated() {
            let ids = try await task.value.map { Self.header("X-Request-Id", in: $0.head) }
            #expect(ids == (0..<20).map { "c\(client)-\($0)" })
        }
    }
}
