import Foundation
public import Testing

/// Whether scripts/test (or a developer) gave the tests a PostgreSQL: suites that need one are
/// skipped without it, so the pure tests still run.
public enum TestDatabase {
    public static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { return nil }
        return url
    }
}

extension Trait where Self == ConditionTrait {
    /// The suite needs the PostgreSQL of `DATABASE_URL`; without it the suite is skipped.
    public static var requiresDatabase: Self {
        .enabled(if: TestDatabase.url != nil, "needs DATABASE_URL: scripts/test starts a throwaway PostgreSQL")
    }
}
