import Foundation
import Testing
import ClearlineTesting

/// `serve` and `work` refuse a database role that row-level security does not bind (issue 14,
/// item 7): connected as the cluster's superuser they stop at once and say why; told explicitly
/// (CLEARLINE_ALLOW_RLS_BYPASS=1) they start, with a warning.
@Suite("A role that bypasses row-level security is refused", .requiresDatabase)
struct RowSecurityRoleTests {
    static var binary: URL { TestServer.repositoryRoot.appendingPathComponent(".build/debug/clearline") }

    /// Runs `clearline work` as the superuser until it exits or prints `marker`; what it printed
    /// and its exit status (nil: it was still running, and was stopped).
    static func work(allow: Bool, until marker: String?) throws -> (output: String, status: Int32?) {
        let superuser = try #require(
            ProcessInfo.processInfo.environment["CLEARLINE_TEST_SUPERUSER_URL"], "scripts/test (start_cluster) sets CLEARLINE_TEST_SUPERUSER_URL")
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = superuser
        environment["CLEARLINE_WORKERS"] = "1"
        if allow { environment["CLEARLINE_ALLOW_RLS_BYPASS"] = "1" } else { environment.removeValue(forKey: "CLEARLINE_ALLOW_RLS_BYPASS") }
        let pipe = Pipe()
        let process = try ChildProcess(
            executable: binary.path, arguments: ["work"], environment: environment, output: pipe.fileHandleForWriting.fileDescriptor)
        // The child has its copy: the reader sees the end of the output when the child's is closed.
        try pipe.fileHandleForWriting.close()
        let output = SharedText("")
        let reader = Thread {
            while case let data = pipe.fileHandleForReading.availableData, !data.isEmpty { output.append(String(decoding: data, as: UTF8.self)) }
        }
        reader.start()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, !(marker.map(output.value.contains) ?? false), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let status: Int32? = process.isRunning ? nil : process.terminationStatus
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return (output.value, status)
    }

    @Test func aSuperuserIsRefusedUnlessAllowedExplicitly() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the clearline executable first (swift build)")
        let refused = try Self.work(allow: false, until: nil)
        #expect(refused.output.contains("is a superuser") && refused.output.contains("CLEARLINE_ALLOW_RLS_BYPASS=1"), "\(refused.output)")
        #expect(refused.status != nil && refused.status != 0, "it exits, failing: \(refused.output)")
        let allowed = try Self.work(allow: true, until: "row-level security is off")
        #expect(allowed.output.contains("row-level security is off") && allowed.status == nil, "\(allowed.output)")
    }
}

/// Text appended from one thread and read from another.
final class SharedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String
    init(_ text: String) { self.text = text }
    func append(_ more: String) { lock.withLock { text += more } }
    var value: String { lock.withLock { text } }
}
