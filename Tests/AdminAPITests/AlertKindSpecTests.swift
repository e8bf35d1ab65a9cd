import Foundation
import Testing
import ClearlineTesting
import Domain

/// Every kind of alert Clearline raises is one openapi.yaml names: an alert of a kind the spec
/// left out broke the alerts list's contract (schemathesis, CI seed 1286346947, payment_request).
@Suite struct AlertKindSpecTests {
    @Test func theSpecNamesEveryAlertKindAndNoOther() throws {
        let text = try String(contentsOf: TestServer.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let enums = text.split(separator: "\n").filter { $0.contains("enum: [chargeback") }
        #expect(enums.count == 5, "the Alert and AlertIncident schemas, the alerts list's kind, and an alert route's kinds (made and changed)")
        for line in enums {
            let listed = line.components(separatedBy: "enum: [").last?.split(separator: "]").first?.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            #expect(Set(listed ?? []) == Set(Alert.Kind.allCases.map(\.rawValue)), "\(line)")
        }
    }
}
