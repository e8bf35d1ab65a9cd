import Foundation
import HTTPServer
import Persistence

/// Wrong secrets (an agent's enrolment token, a card link's secret) limited per thing and client
/// address (APIConfiguration.agentTokenFailures): guessing stops, while the holder of the right
/// secret elsewhere is not held back.
struct WrongSecretLimit {
    let bucket: String
    let services: Services
    /// What was guessed, for the 429's words ("enrolment tokens", "links").
    let what: String

    init(_ context: RequestContext, thing: String, what: String) {
        bucket = "\(thing):\(context.request.clientAddress)"
        services = context.services
        self.what = what
    }

    /// 429 with Retry-After when this address has guessed wrong too often.
    func check() throws {
        if let wait = try RateLimits.wait(services.database, bucket: bucket, cost: 1, limit: services.configuration.agentTokenFailures) {
            throw Problem(
                status: 429, title: "Too Many Requests", detail: "Too many wrong \(what) from this address; try again later.",
                headers: [("Retry-After", String(Int(wait.rounded(.up))))])
        }
    }

    /// Counts one wrong guess.
    func recordFailure() throws {
        _ = try RateLimits.take(services.database, bucket: bucket, cost: 1, limit: services.configuration.agentTokenFailures)
    }
}
