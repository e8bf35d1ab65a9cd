import Foundation

/// Proposes source → target field pairs for a mapping: ranked by name similarity, known vendor
/// synonyms and type compatibility, each with the transform that would make the types fit.
/// Suggestions only: the admin accepts or ignores each.
public enum MappingSuggestions {
    public struct SourceField: Sendable, Equatable {
        public let path: String
        public let type: TargetField.FieldType
        /// A PayTrace-style or ISO date, recognised from the sample.
        public let dateFormat: DateConversion.Format?
    }

    public struct Suggestion: Sendable, Equatable, Codable {
        public let target: String
        public let source: String
        public let score: Double
        public let reasons: [String]
        /// The mapping expression to accept, transform included.
        public let expression: JSONValue
    }

    /// Every scalar leaf of a sample record (arrays: their first element, as `[0]`).
    public static func fields(of sample: JSONValue, prefix: String = "", depth: Int = 0) -> [SourceField] {
        guard depth < 8 else { return [] }
        switch sample {
        case .object(let members):
            return members.sorted { $0.key < $1.key }.flatMap {
                fields(of: $0.value, prefix: prefix.isEmpty ? $0.key : "\(prefix).\($0.key)", depth: depth + 1)
            }
        case .array(let items):
            return items.first.map { fields(of: $0, prefix: "\(prefix)[0]", depth: depth + 1) } ?? []
        case .null:
            return []
        default:
            return [classify(sample, path: prefix)]
        }
    }

    static func classify(_ value: JSONValue, path: String) -> SourceField {
        switch value {
        case .bool: return SourceField(path: path, type: .boolean, dateFormat: nil)
        case .number(let n): return SourceField(path: path, type: n.rounded() == n ? .integer : .decimal, dateFormat: nil)
        default:
            let text = value.string ?? ""
            for format in [DateConversion.Format.paytrace, .iso8601, .zohoDateTime, .zohoDate, .paytraceDate]
            where DateConversion.parse(text, format, zone: DateConversion.utc) != nil {
                return SourceField(
                    path: path, type: format == .paytrace || format == .iso8601 || format == .zohoDateTime ? .datetime : .date, dateFormat: format)
            }
            if MappingValues.parseDecimal(text) != nil, text.contains(".") { return SourceField(path: path, type: .decimal, dateFormat: nil) }
            if TargetField.looksLikeEmail(text) { return SourceField(path: path, type: .email, dateFormat: nil) }
            return SourceField(path: path, type: .text, dateFormat: nil)
        }
    }

    /// For each scalar target field, up to `perField` candidates, best first.
    public static func suggest(_ sources: [SourceField], for schema: TargetSchema, perField: Int = 3) -> [Suggestion] {
        schema.fields.filter { $0.type != .object && $0.type != .array }.flatMap { target in
            sources.compactMap { suggestion(for: target, from: $0) }.sorted { $0.score > $1.score }.prefix(perField)
        }
    }

    static func suggestion(for target: TargetField, from source: SourceField) -> Suggestion? {
        let leaf = String(source.path.split(separator: ".").last ?? "").replacingOccurrences(of: "[0]", with: "")
        var reasons: [String] = []
        let names: Double
        if normalize(leaf) == normalize(target.name) {
            names = 1
            reasons.append("same name")
        } else if target.synonyms.contains(where: { normalize($0) == normalize(leaf) || normalize($0) == normalize(source.path) }) {
            names = 0.9
            reasons.append("known synonym of \(target.name)")
        } else {
            names = similarity(normalize(leaf), normalize(target.name))
            if names >= 0.5 { reasons.append("similar name") }
        }
        let types = compatibility(source.type, target.type)
        if types == 1 {
            reasons.append("same type (\(target.type.rawValue))")
        } else if types >= 0.6 {
            reasons.append("convertible to \(target.type.rawValue)")
        }
        let score = ((0.7 * names + 0.3 * types) * 100).rounded() / 100
        guard names >= 0.5, score >= 0.45 else { return nil }
        return Suggestion(target: target.name, source: source.path, score: score, reasons: reasons, expression: expression(source, target))
    }

    static func expression(_ source: SourceField, _ target: TargetField) -> JSONValue {
        var transforms: [JSONValue] = []
        switch target.type {
        case .date, .datetime:
            if let format = source.dateFormat {
                let to = target.type == .date ? "zoho_date" : "zoho_datetime"
                if format.rawValue != to {
                    transforms.append(.object(["fn": .string("date"), "from": .string(format.rawValue), "to": .string(to), "zone": .string("UTC")]))
                }
            }
        case .decimal where source.type == .decimal || source.type == .integer || source.type == .text:
            transforms.append(.object(["fn": .string("money"), "currency": .string("USD")]))
        case .text, .email:
            if let max = target.maxLength, max <= 40 { transforms.append(.object(["fn": .string("truncate"), "length": .number(Double(max))])) }
        default: break
        }
        return transforms.isEmpty ? .string(source.path) : .object(["path": .string(source.path), "then": .array(transforms)])
    }

    static func compatibility(_ source: TargetField.FieldType, _ target: TargetField.FieldType) -> Double {
        if source == target { return 1 }
        switch (source, target) {
        case (.integer, .decimal), (.decimal, .integer), (.datetime, .date), (.date, .datetime): return 0.8
        case (.email, .text), (.integer, .text), (.decimal, .text), (.date, .text), (.datetime, .text): return 0.6
        case (.text, _): return 0.3
        default: return 0
        }
    }

    /// Lower case letters and digits only: "Deal_Name", "dealName" and "deal name" are one name.
    static func normalize(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// 1 − edit distance / longer length.
    static func similarity(_ a: String, _ b: String) -> Double {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty, !y.isEmpty else { return 0 }
        var row = Array(0...y.count)
        for i in 1...x.count {
            var previous = row[0]
            row[0] = i
            for j in 1...y.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return 1 - Double(row[y.count]) / Double(max(x.count, y.count))
    }
}
