public import Foundation

public enum WebhookVerification: String, Sendable, CaseIterable {
    case clearlineSignature = "clearline_signature"
    case zohoSignature = "zoho_signature"
    case sharedSecret = "shared_secret"
    case payTraceSilentPost = "paytrace_silent_post"
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (standardwebhooks.com).
    case standardWebhooks = "standard_webhooks"

    public var usesSecret: Bool { self != .payTraceSilentPost }
}
