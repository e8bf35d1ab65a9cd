import ArgumentParser
import Foundation
import Domain

/// `clearline cron next`: when cron expressions fire, by the same code schedules use. Reads one
/// JSON object per line on standard input (`{"expression", "time_zone", "after", "count"}`) and
/// writes one per line: the next `count` firings as RFC 3339 UTC times, or why the line is
/// wrong. For an operator checking an expression, and for the test that compares it with croniter.
struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "Cron expressions as schedules read them.", subcommands: [Next.self])

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reads {\"expression\", \"time_zone\", \"after\", \"count\"} lines on stdin; writes each one's next firings.")

        func run() throws {
            while let line = readLine() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                print(Self.answer(line))
            }
        }

        static func answer(_ line: String) -> String {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                let text = object["expression"] as? String
            else { return #"{"error":"send a JSON object with expression, and optionally time_zone, after and count"}"# }
            guard let zone = TimeZone(identifier: object["time_zone"] as? String ?? "UTC") else {
                return JSONValue.object(["error": .string("time_zone is not an IANA time zone")]).canonicalText
            }
            let count = min(max(object["count"] as? Int ?? 1, 1), 1000)
            guard let after = (object["after"] as? String).map({ Timestamp.parse($0) }) ?? Date() else {
                return JSONValue.object(["error": .string("after is not an RFC 3339 time")]).canonicalText
            }
            do {
                let firings = try CronExpression(text).next(count, after: after, in: zone)
                return JSONValue.object(["next": .array(firings.map { .string(Timestamp.format($0)) })]).canonicalText
            } catch {
                return JSONValue.object(["error": .string("\(error)")]).canonicalText
            }
        }
    }
}
