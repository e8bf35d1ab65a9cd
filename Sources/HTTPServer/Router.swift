/// Matches a method and path against registered patterns such as `/v1/tenants/{tenantId}`.
/// Patterns without parameters are found by one dictionary look-up; the others are tried among
/// those with the same number of segments, most literal first, so `/v1/tenants/me` would beat
/// `/v1/tenants/{tenantId}`.
public struct Router<Handler: Sendable>: Sendable {
    public final class Route: Sendable {
        public let method: String
        public let pattern: String
        let segments: [Segment]
        /// The literals in place, parameters as nil: patterns differing only in parameter names
        /// are the same path. Kept, not computed: it is compared on every match.
        let shape: [String?]
        public let handler: Handler

        init(method: String, pattern: String, segments: [Segment], handler: Handler) {
            self.method = method
            self.pattern = pattern
            self.segments = segments
            self.shape = segments.map { if case .literal(let text) = $0 { text } else { nil } }
            self.handler = handler
        }
    }

    typealias Segment = RouteSegment

    public enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public private(set) var routes: [Route] = []
    private var literalRoutes: [String: [Route]] = [:]
    /// Patterns with parameters, by segment count and then by their last segment: those ending
    /// in that literal together with those ending in a parameter, most literal first. Only these
    /// can match a path ending so; trying every pattern of the same length was 4 % of an
    /// authenticated list's CPU.
    private var parameterRoutesByLast: [Int: [String: [Route]]] = [:]
    /// Those ending in a parameter, most literal first: the candidates for any other last segment.
    private var parameterRoutesEndingInParameter: [Int: [Route]] = [:]

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: Handler) {
        let segments = RouteSegment.split(pattern).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        precondition(!routes.contains { $0.method == method && $0.segments == segments }, "route \(method) \(pattern) registered twice")
        let route = Route(method: method, pattern: pattern, segments: segments, handler: handler)
        routes.append(route)
        if segments.allSatisfy({ if case .literal = $0 { true } else { false } }) {
            literalRoutes[pattern, default: []].append(route)
        } else {
            indexParameterRoutes(count: segments.count)
        }
    }

    private mutating func indexParameterRoutes(count: Int) {
        let sameLength = routes.filter { $0.segments.count == count && $0.shape.contains(nil) }.sorted { $0.specificity > $1.specificity }
        let endingInParameter = sameLength.filter { $0.shape.last! == nil }
        parameterRoutesEndingInParameter[count] = endingInParameter
        var byLast: [String: [Route]] = [:]
        for case let last? in Set(sameLength.compactMap { $0.shape.last! }) {
            byLast[last] = sameLength.filter { $0.shape.last! == last || $0.shape.last! == nil }
        }
        parameterRoutesByLast[count] = byLast
    }

    /// The most literal pattern that matches the path owns it: `POST …/chargebacks/import` makes
    /// `GET …/chargebacks/import` a 405 allowing POST, not a read of a chargeback called "import".
    public func match(method: String, path: String) -> Match {
        var allowed: [String] = []
        if let candidates = literalRoutes[path] {
            for route in candidates {
                if route.accepts(method) { return .found(route, parameters: [:]) }
                allowed.append(route.method)
            }
            return .methodNotAllowed(allowed: allowed)
        }
        let parts = RouteSegment.split(path)
        var owner: Route?
        let candidates =
            parts.last.flatMap { parameterRoutesByLast[parts.count]?[String($0)] } ?? parameterRoutesEndingInParameter[parts.count] ?? []
        for route in candidates where route.literalsMatch(parts) {
            if let owner, owner !== route, owner.shape != route.shape { continue }
            owner = owner ?? route
            if route.accepts(method) { return .found(route, parameters: route.parameters(parts)) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }
}

extension Router.Route {
    func accepts(_ method: String) -> Bool { self.method == method || (method == "HEAD" && self.method == "GET") }

    var specificity: Int { RouteSegment.specificity(segments) }

    func literalsMatch(_ parts: [Substring]) -> Bool { RouteSegment.literalsMatch(segments, parts) }

    func parameters(_ parts: [Substring]) -> [String: String] { RouteSegment.parameters(segments, parts) }
}

/// One segment of a route's pattern. Outside the generic `Router`, so matching is compiled for
/// these types once: inside it, every match ran unspecialized generic code (metadata looked up
/// on each call), which was most of the router's share of an authenticated list.
enum RouteSegment: Sendable, Equatable {
    case literal(String)
    case parameter(String)

    /// The segments after the leading slash, empty ones kept (`/a//b` is three).
    static func split(_ path: String) -> [Substring] {
        var parts: [Substring] = []
        var start = path.utf8.startIndex
        var index = start
        let end = path.utf8.endIndex
        var first = true
        while index < end {
            if path.utf8[index] == UInt8(ascii: "/") {
                if !first { parts.append(path[start..<index]) }
                first = false
                start = path.utf8.index(after: index)
            }
            index = path.utf8.index(after: index)
        }
        if !first { parts.append(path[start..<end]) }
        return parts
    }

    static func specificity(_ segments: [RouteSegment]) -> Int {
        segments.reduce(0) { total, segment in
            if case .literal = segment { return total * 2 + 1 }
            return total * 2
        }
    }

    /// Byte by byte over UTF-8, by index: comparing `Substring` with `String` through `zip` was
    /// an eighth of an authenticated request's CPU (generic metadata looked up on every call).
    static func literalsMatch(_ segments: [RouteSegment], _ parts: [Substring]) -> Bool {
        for index in segments.indices {
            let part = parts[index].utf8
            switch segments[index] {
            case .literal(let text): if part.count != text.utf8.count || !part.elementsEqual(text.utf8) { return false }
            case .parameter: if part.isEmpty { return false }
            }
        }
        return true
    }

    static func parameters(_ segments: [RouteSegment], _ parts: [Substring]) -> [String: String] {
        var parameters: [String: String] = [:]
        for index in segments.indices {
            if case .parameter(let name) = segments[index] { parameters[name] = String(parts[index]) }
        }
        return parameters
    }
}
