public import Foundation

public struct PromotionPolicy: Sendable, Equatable {
    public var requireFixtures: Bool
    public var requireQA: Bool
    public init(requireFixtures: Bool = true, requireQA: Bool = true) {
        self.requireFixtures = requireFixtures
        self.requireQA = requireQA
    }
}
