import Foundation
import Testing
@testable import AdminAPI
import Domain

/// The access log's line, written from ready bytes, is the line JSONLogHandler writes for the same
/// fields: the same keys, the same values, every character escaped the same way.
@Suite("Access log lines")
struct AccessLogLineTests {
    static func fieldByField(_ entry: AccessLogEntry) -> [UInt8] {
        var line: [UInt8] = [UInt8(ascii: "{")]
        JSONLogHandler.field(&line, "ts", Timestamp.format(entry.at), first: true)
        JSONLogHandler.field(&line, "level", "info")
        JSONLogHandler.field(&line, "logger", entry.label)
        JSONLogHandler.field(&line, "msg", "request")
        for (key, value) in entry.metadata { JSONLogHandler.field(&line, key, JSONLogHandler.text(of: value)) }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    @Test func aLineFromReadyBytesReadsAsTheHandlersLine() throws {
        let entries = [
            AccessLogEntry(
                at: Date(timeIntervalSince1970: 1_796_000_000.123456), label: "clearline", requestId: "req_1", method: "GET", path: "/healthz",
                route: "/healthz", status: 200, bytes: 15, micros: 42, principal: "-", client: "127.0.0.1"),
            AccessLogEntry(
                at: Date(timeIntervalSince1970: 0), label: "a \"label\"", requestId: "x", method: "POST",
                path: "/v1/\u{1}\u{7f}\\\"é€😀/x\n", route: "unmatched", status: 0, bytes: 10_000_000_000, micros: 0,
                principal: "key:ab\tcd", client: "unknown"),
            // Every byte of a long path escaped to six, and a long plain one: the line's buffer holds both.
            AccessLogEntry(
                at: Date(timeIntervalSince1970: 4_102_444_799.999999), label: "clearline", requestId: String(repeating: "r", count: 128),
                method: "GET", path: String(repeating: "\u{1}", count: 3000) + String(repeating: "a", count: 5000), route: "unmatched",
                status: 404, bytes: 0, micros: UInt64.max, principal: String(repeating: "\u{7f}", count: 700), client: "::1"),
        ]
        for entry in entries {
            let line = entry.withLine { Array($0) }
            #expect(line.last == UInt8(ascii: "\n"))
            let written = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(Self.fieldByField(entry))) as? [String: String])
            #expect(written == expected)
            #expect(written["status"] == String(entry.status) && written["bytes"] == String(entry.bytes))
        }
    }
}
