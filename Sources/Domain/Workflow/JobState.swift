/// Where a job is: in `jobs` it is queued or running; in `job_history` completed or dead.
public enum JobState: String, Sendable, CaseIterable {
    case queued, running, completed, dead
}

/// How one attempt of a job ended (`job_attempts.outcome`); an attempt still running has none.
public enum AttemptOutcome: String, Sendable, CaseIterable {
    case succeeded, failed
    /// The worker stopped answering and its lease ran out.
    case lost
}
