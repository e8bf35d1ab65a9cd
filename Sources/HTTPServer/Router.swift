/// Matches a method and path against registered patterns such as `/v1/tenants/{tenantId}`.
/// Patterns without parameters are found by one dictionary look-up; the others are tried among
/// those with the same number of segments, most literal first, so `/v1/tenants/me` would beat
/// `/v1/tenants/{tenantId}`.
public struct Router<Handler: Sendable>: Sendable {
    public final class Route: Sendable {
        public let method: String
        public let pattern: String
        @usableFromInline let segments: [Segment]
        /// The literals in place, parameters as nil: patterns differing only in parameter names
        /// are the same path. Kept, not computed: it is compared on every match.
        @usableFromInline let shape: [String?]
        public let handler: Handler

        init(method: String, pattern: String, segments: [Segment], handler: Handler) {
            self.method = method
            self.pattern = pattern
            self.segments = segments
            self.shape = segments.map { if case .literal(let text) = $0 { text } else { nil } }
            self.handler = handler
        }
    }

    @usableFromInline typealias Segment = RouteSegment

    public enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public private(set) var routes: [Route] = []
    /// Patterns without parameters by their length in bytes: the few as long as a path are
    /// compared with it, with no hash of the path (most paths with parameters are longer than
    /// any literal pattern and find none).
    @usableFromInline var literalRoutesByLength: [[Route]] = []
    /// Patterns with parameters, by segment count and then by `RouteSegment.bucket` of their last
    /// segment: those ending in a literal of that bucket together with those ending in a
    /// parameter, most literal first. Only these can match a path ending so; trying every pattern
    /// of the same length was 4 % of an authenticated list's CPU. A bucket is a hash of the bytes,
    /// not a String key: making and hashing one was another 5 % (callgrind).
    @usableFromInline var parameterRoutesByLast: [Int: [Int: [Route]]] = [:]
    /// Those ending in a parameter, most literal first: the candidates for any other last segment.
    @usableFromInline var parameterRoutesEndingInParameter: [Int: [Route]] = [:]

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: Handler) {
        let segments = RouteSegment.split(pattern).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        precondition(!routes.contains { $0.method == method && $0.segments == segments }, "route \(method) \(pattern) registered twice")
        let route = Route(method: method, pattern: pattern, segments: segments, handler: handler)
        routes.append(route)
        if segments.allSatisfy({ if case .literal = $0 { true } else { false } }) {
            let length = pattern.utf8.count
            if literalRoutesByLength.count <= length {
                literalRoutesByLength += Array(repeating: [], count: length + 1 - literalRoutesByLength.count)
            }
            literalRoutesByLength[length].append(route)
        } else {
            indexParameterRoutes(count: segments.count)
        }
    }

    private mutating func indexParameterRoutes(count: Int) {
        let sameLength = routes.filter { $0.segments.count == count && $0.shape.contains(nil) }.sorted { $0.specificity > $1.specificity }
        let endingInParameter = sameLength.filter { $0.shape.last! == nil }
        parameterRoutesEndingInParameter[count] = endingInParameter
        var byLast: [Int: [Route]] = [:]
        for bucket in Set(sameLength.compactMap { $0.shape.last!.map(RouteSegment.bucket) }) {
            byLast[bucket] = sameLength.filter { route in route.shape.last!.map { RouteSegment.bucket($0) == bucket } ?? true }
        }
        parameterRoutesByLast[count] = byLast
    }

    /// The most literal pattern that matches the path owns it: `POST …/chargebacks/import` makes
    /// `GET …/chargebacks/import` a 405 allowing POST, not a read of a chargeback called "import".
    /// Inlinable, so the caller's module compiles it for its own handler type: run generic, it
    /// looked up the metadata of its route and array types, and called the dictionary's
    /// unspecialized subscript, on every request (1,100 of `GET /healthz`'s instructions).
    @inlinable
    public func match(method: String, path: String) -> Match {
        var allowed: [String] = []
        let length = path.utf8.count
        if length < literalRoutesByLength.count {
            var literal = false
            for route in literalRoutesByLength[length] where route.pattern == path {
                if route.accepts(method) { return .found(route, parameters: [:]) }
                literal = true
                allowed.append(route.method)
            }
            if literal { return .methodNotAllowed(allowed: allowed) }
        }
        let parts = RouteSegment.split(path)
        var owner: Route?
        let candidates =
            parts.last.flatMap { parameterRoutesByLast[parts.count]?[RouteSegment.bucket($0)] } ?? parameterRoutesEndingInParameter[parts.count] ?? []
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
    @inlinable func accepts(_ method: String) -> Bool { self.method == method || (method == "HEAD" && self.method == "GET") }

    var specificity: Int { RouteSegment.specificity(segments) }

    @inlinable func literalsMatch(_ parts: [Substring]) -> Bool { RouteSegment.literalsMatch(segments, parts) }

    @inlinable func parameters(_ parts: [Substring]) -> [String: String] { RouteSegment.parameters(segments, parts) }
}

/// One segment of a route's pattern. Outside the generic `Router`, so matching is compiled for
/// these types once: inside it, every match ran unspecialized generic code (metadata looked up
/// on each call), which was most of the router's share of an authenticated list.
@usableFromInline enum RouteSegment: Sendable, Equatable {
    case literal(String)
    case parameter(String)

    /// The segments after the leading slash, empty ones kept (`/a//b` is three).
    @usableFromInline static func split(_ path: String) -> [Substring] {
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

    /// Over the UTF-8 bytes in place: comparing `Substring` with `String` through `zip` was an
    /// eighth of an authenticated request's CPU (generic metadata looked up on every call), and
    /// `elementsEqual` on their UTF-8 views still 750 instructions a segment (callgrind).
    @usableFromInline static func literalsMatch(_ segments: [RouteSegment], _ parts: [Substring]) -> Bool {
        for index in segments.indices {
            switch segments[index] {
            case .literal(let text): if !sameBytes(parts[index], text) { return false }
            case .parameter: if parts[index].isEmpty { return false }
            }
        }
        return true
    }

    static func sameBytes(_ part: Substring, _ text: String) -> Bool {
        guard part.utf8.count == text.utf8.count else { return false }
        var part = part
        var text = text
        return part.withUTF8 { a in text.withUTF8 { b in a.elementsEqual(b) } }
    }

    /// A hash of a segment's bytes (FNV-1a) that picks a router bucket; different literals may
    /// share one, which only puts both patterns among a path's candidates.
    @inlinable static func bucket<S: StringProtocol>(_ segment: S) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in segment.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash)
    }

    @usableFromInline static func parameters(_ segments: [RouteSegment], _ parts: [Substring]) -> [String: String] {
        var parameters: [String: String] = [:]
        for index in segments.indices {
            if case .parameter(let name) = segments[index] { parameters[name] = String(parts[index]) }
        }
        return parameters
    }
}
