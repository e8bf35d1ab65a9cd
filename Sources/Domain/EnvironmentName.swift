/// The three environments every tenant has; flows are promoted dev → qa → prod.
public enum EnvironmentName: String, Sendable, Codable, CaseIterable {
    case dev
    case qa
    case prod
}
