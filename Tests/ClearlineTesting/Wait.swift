import Foundation

/// Waiting for a condition, never for a length of time: the deadline only bounds a test that would
/// otherwise hang, and no assertion depends on how fast the machine is.
public enum Wait {
    public static func until(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// The same on the calling thread, for tests that are not async (the queue's, the pool's).
    public static func blockingUntil(_ seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }
}
