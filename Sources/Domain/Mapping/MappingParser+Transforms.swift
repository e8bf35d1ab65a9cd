extension MappingParser {
    static let transformNames = [
        "trim", "upper", "lower", "digits", "abs", "negate", "to_text", "to_integer", "truncate", "split_name",
        "to_decimal", "round", "date", "money", "convert_currency", "status", "reference_id", "address", "map",
    ]

    /// "then": ["trim", {"fn": "money", "currency": "USD"}].
    static func transforms(_ value: JSONValue, at: String) throws(MappingError) -> [MappingTransform] {
        let items = try list(value, at: at, rule: "then")
        guard items.count <= 20 else { throw fail(at, "limits", "at most 20 transforms") }
        var result: [MappingTransform] = []
        for (index, item) in items.enumerated() { result.append(try transform(item, at: "\(at)[\(index)]")) }
        return result
    }

    static func transform(_ value: JSONValue, at: String) throws(MappingError) -> MappingTransform {
        let spec: [String: JSONValue]
        switch value {
        case .string(let name): spec = ["fn": .string(name)]
        case .object(let object): spec = object
        default: throw fail(at, "then", "a transform is a name or {\"fn\": name, ...}")
        }
        guard let name = spec["fn"]?.string else { throw fail(at, "then", "needs \"fn\": one of \(transformNames.joined(separator: ", "))") }
        let allowed: Set<String> =
            switch name {
            case "truncate": ["length"]
            case "split_name": ["part"]
            case "to_decimal": ["scale"]
            case "round": ["scale", "rounding"]
            case "date": ["from", "to", "zone", "to_zone"]
            case "money": ["currency", "rounding"]
            case "convert_currency": ["from", "to", "rates", "rounding"]
            case "status": ["map", "table", "default"]
            case "reference_id": ["kind", "keys"]
            case "address": ["style"]
            case "map": ["values", "default"]
            default: []
            }
        for key in spec.keys where key != "fn" && !allowed.contains(key) { throw fail("\(at).\(key)", name, "unknown argument") }
        func rounding() throws(MappingError) -> MappingTransform.Rounding {
            guard let raw = spec["rounding"] else { return .halfEven }
            guard let text = raw.string, let mode = MappingTransform.Rounding(rawValue: text) else {
                throw fail("\(at).rounding", name, "must be one of \(MappingTransform.Rounding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return mode
        }
        func dateFormat(_ key: String) throws(MappingError) -> DateConversion.Format {
            guard let text = spec[key]?.string, let format = DateConversion.Format(rawValue: text) else {
                throw fail("\(at).\(key)", name, "must be one of \(DateConversion.Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return format
        }
        switch name {
        case "trim": return .trim
        case "upper": return .upper
        case "lower": return .lower
        case "digits": return .digits
        case "abs": return .abs
        case "negate": return .negate
        case "to_text": return .toText
        case "to_integer": return .toInteger
        case "truncate": return .truncate(try integer(spec["length"], at: "\(at).length", rule: name, range: 1...100_000))
        case "split_name":
            guard let part = spec["part"]?.string, part == "first" || part == "last" else { throw fail("\(at).part", name, "must be \"first\" or \"last\"") }
            return .splitName(first: part == "first")
        case "to_decimal":
            return .toDecimal(scale: try spec["scale"].map { v throws(MappingError) in try integer(v, at: "\(at).scale", rule: name, range: 0...12) })
        case "round": return .round(scale: try integer(spec["scale"], at: "\(at).scale", rule: name, range: 0...12), try rounding())
        case "date":
            let zone = spec["zone"]?.string ?? "UTC", toZone = spec["to_zone"]?.string
            guard let conversion = DateConversion(from: try dateFormat("from"), to: try dateFormat("to"), zone: zone, toZone: toZone) else {
                throw fail("\(at).zone", name, "is not a time zone identifier such as \"America/Chicago\"")
            }
            return .date(conversion)
        case "money": return .money(currency: try currency(spec["currency"], at: "\(at).currency", rule: name), try rounding())
        case "convert_currency":
            guard case .object(let table)? = spec["rates"], table.count <= 500 else {
                throw fail("\(at).rates", name, "must be an object of \"FROM/TO\" pairs to rates, such as {\"USD/EUR\": \"0.92\"}")
            }
            let rates = table.compactMapValues { $0.string ?? MappingValues.text($0) }
            let from = try currency(spec["from"], at: "\(at).from", rule: name), to = try currency(spec["to"], at: "\(at).to", rule: name)
            guard let conversion = CurrencyConversion(from: from, to: to, rates: rates, rounding: try rounding()) else {
                throw fail("\(at).rates", name, "has no positive rate for \(from)/\(to) (nor \(to)/\(from))")
            }
            return .convertCurrency(conversion)
        case "status":
            var table: [String: String]?
            if case .object(let custom)? = spec["table"] {
                table = custom.compactMapValues(\.string)
                guard table?.count == custom.count else { throw fail("\(at).table", name, "maps statuses to text") }
            }
            guard let map = StatusMap(name: spec["map"]?.string, table: table, otherwise: spec["default"]?.string) else {
                throw fail("\(at).map", name, "must be one of \(StatusMap.builtIn.keys.sorted().joined(separator: ", ")), or give a \"table\"")
            }
            return .status(map)
        case "reference_id":
            guard let raw = spec["kind"]?.string ?? Optional("any"), let kind = ReferenceIds.Kind(rawValue: raw) else {
                throw fail("\(at).kind", name, "must be invoice, order or any")
            }
            let keys = spec["keys"]?.array?.compactMap(\.string) ?? []
            return .referenceId(kind, keys: keys)
        case "address":
            let style = spec["style"]?.string ?? "single_line"
            guard style == "single_line" || style == "multi_line" else { throw fail("\(at).style", name, "must be single_line or multi_line") }
            return .address(multiline: style == "multi_line")
        case "map":
            guard case .object(let values)? = spec["values"], values.count <= maxListLength else {
                throw fail("\(at).values", name, "must be an object from input text to output value")
            }
            return .map(values, otherwise: spec["default"])
        default:
            throw fail("\(at).fn", "then", "unknown transform \(name.prefix(40)); use one of \(transformNames.joined(separator: ", "))")
        }
    }
}
