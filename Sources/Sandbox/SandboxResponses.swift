import Foundation
import Synchronization
import HTTPServer
import Domain

/// Response helpers shared by the emulators.
enum SandboxResponses {
    /// Keys in no particular order, as the vendors' own: corelibs Foundation's `.sortedKeys`
    /// compares keys through NSString with a locale made for each comparison, and was two thirds
    /// of the sandbox's time under a burst of flows (often inside an emulator's lock).
    static func json(_ status: Int, _ object: [String: Any], headers: [(name: String, value: String)] = []) -> Response {
        let body = FoundationJSON.data(object) ?? Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8))
        return Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// An amount sent as a string or a JSON number, as Decimal (never through Double).
    static func decimal(_ value: Any?) -> Decimal? { Money.decimal(fromJSON: value) }

    /// An amount as the JSON number PayTrace writes (485.99): the Double nearest its decimal
    /// text, which JSON prints back as that text. `NSDecimalNumber.doubleValue` is not the nearest
    /// on Linux (485.98999999999995), and a client reading it would see an amount off the cent.
    static func jsonNumber(_ value: Decimal) -> Double { Double("\(value)") ?? 0 }

    /// A UTC, US-locale formatter: PayTrace's dates and times carry no time zone. One per format,
    /// made once: making one (an ICU formatter underneath) for every timestamp was a sixth of the
    /// sandbox's time under a burst of flows. DateFormatter locks its own state, so threads share it.
    static func formatter(_ format: String) -> DateFormatter {
        formatters.withLock { made in
            if let known = made[format] { return known }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            made[format] = formatter
            return formatter
        }
    }

    private static let formatters = Mutex<[String: DateFormatter]>([:])

    /// `application/x-www-form-urlencoded` or JSON object fields, as strings, over the query
    /// string's: Zoho and others also put OAuth fields in the query string of a POST, whatever
    /// content type the request declares.
    static func fields(of request: Request) -> [String: String] {
        let type = request.header("content-type")?.lowercased() ?? ""
        if type.contains("json") {
            let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            return request.query.merging(object.compactMapValues { $0 as? String }) { $1 }
        }
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let key = parts.first, !key.isEmpty { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return request.query.merging(fields) { $1 }
    }
}
