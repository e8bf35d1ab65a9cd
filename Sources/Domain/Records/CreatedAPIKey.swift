public import Foundation

public struct CreatedAPIKey: Sendable {
    public let key: APIKey
    public let token: String

    public init(key: APIKey, token: String) {
        self.key = key
        self.token = token
    }
}
