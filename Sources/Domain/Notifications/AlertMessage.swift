public import Foundation

/// An alert notification in plain words: a subject line and a text that a person reads in a
/// chat or a mail client, plus the alerts as data for a program. One alert is told on its own;
/// several are a digest, most urgent first.
public struct AlertMessage: Sendable {
    public let id: UUID
    public let subject: String
    public let text: String
    public let alerts: [Alert]
    public let test: Bool

    /// Alerts told in a digest, at most; the rest are counted.
    static let listed = 50

    public init(id: UUID, tenantName: String, alerts: [Alert], consoleURL: String?, test: Bool = false) {
        self.id = id
        self.test = test
        let ordered = alerts.sorted { ($0.severity, $1.createdAt) > ($1.severity, $0.createdAt) }
        self.alerts = ordered
        let link = consoleURL.map { "\n\nOpen the alerts: \($0)" } ?? ""
        if test {
            subject = "[Clearline] Test message for \(tenantName)"
            text = "This is a test of an alert route of \(tenantName). Alerts that match the route will arrive like this.\(link)"
        } else if ordered.count == 1, let alert = ordered.first {
            subject = "[Clearline] \(Self.label(alert.severity)): \(Self.label(kind: alert.kind)) in \(tenantName) (\(alert.environment.rawValue))"
            text = "\(subject.dropFirst(12))\n\n\(alert.message)\(link)"
        } else {
            let worst = ordered.first?.severity ?? .info
            subject = "[Clearline] \(ordered.count) alerts in \(tenantName), the worst \(Self.label(worst).lowercased())"
            var lines = ordered.prefix(Self.listed).map { alert in
                "- \(Self.label(alert.severity)), \(Self.label(kind: alert.kind)) (\(alert.environment.rawValue)): \(alert.message)"
            }
            if ordered.count > Self.listed { lines.append("- and \(ordered.count - Self.listed) more") }
            text = "\(ordered.count) alerts in \(tenantName):\n\n\(lines.joined(separator: "\n"))\(link)"
        }
    }

    static func label(_ severity: Alert.Severity) -> String {
        switch severity {
        case .info: "Info"
        case .warning: "Warning"
        case .critical: "Critical"
        }
    }

    /// The kind in words ("circuit_open" is "Circuit open").
    static func label(kind: String) -> String {
        let words = kind.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
