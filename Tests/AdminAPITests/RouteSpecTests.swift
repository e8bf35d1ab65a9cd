import Foundation
import Testing
import ClearlineTesting
@testable import AdminAPI

@Suite("openapi.yaml is the contract", .requiresDatabase)
struct RouteSpecTests {
    /// (method, path) pairs under `paths:` in openapi.yaml. The file keeps paths at two spaces
    /// and operations at four, which this reader relies on.
    static func specOperations() throws -> Set<String> {
        let text = try String(contentsOf: TestServer.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var current: String?
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix("#") { inPaths = line.hasPrefix("paths:"); current = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast(line.hasSuffix(":") ? 1 : 0))
            } else if line.hasPrefix("    ") && !line.hasPrefix("     "), let current {
                let key = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: "")
                if methods.contains(key) { operations.insert("\(key.uppercased()) \(current)") }
            }
        }
        return operations
    }

    @Test func servedRoutesAndSpecPathsAreTheSameSet() throws {
        let served = Set(TestServer.shared.app.routes.map { "\($0.method) \($0.pattern)" })
        let spec = try Self.specOperations()
        #expect(!spec.isEmpty)
        #expect(served.subtracting(spec).isEmpty, "served but not in openapi.yaml: \(served.subtracting(spec).sorted())")
        #expect(spec.subtracting(served).isEmpty, "in openapi.yaml but not served: \(spec.subtracting(served).sorted())")
    }
}
