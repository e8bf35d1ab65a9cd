import Foundation
import Domain

/// `application/x-www-form-urlencoded` bodies (Silent Posts, senders that post forms).
enum FormBody {
    /// Field names to values; `+` is a space, percent escapes are decoded, and of a repeated
    /// name the last value is kept.
    static func fields(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let key = parts.first, !key.isEmpty { fields[key] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
