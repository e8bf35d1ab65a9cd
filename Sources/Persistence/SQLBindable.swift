public import Foundation
import Domain

/// A value sent as a text-format bind parameter. Values never enter the SQL text itself.
public protocol SQLBindable: Sendable {
    var sqlText: String? { get }
}

extension String: SQLBindable { public var sqlText: String? { self } }
extension Int: SQLBindable { public var sqlText: String? { String(self) } }
extension Int64: SQLBindable { public var sqlText: String? { String(self) } }
extension Bool: SQLBindable { public var sqlText: String? { self ? "t" : "f" } }
extension UUID: SQLBindable { public var sqlText: String? { lowercasedText } }
extension Date: SQLBindable { public var sqlText: String? { Timestamp.format(self) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlText: String? { self?.sqlText }
}
