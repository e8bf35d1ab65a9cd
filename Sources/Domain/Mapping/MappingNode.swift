/// One expression of a mapping document, parsed: what it computes (`kind`), then the transforms
/// applied to its value in order, then the default used when the value is missing (null).
public struct MappingNode: Sendable, Equatable {
    public indirect enum Kind: Sendable, Equatable {
        /// A field of the record in scope.
        case path(FieldPath)
        case constant(JSONValue)
        /// Text with `{path}` holes.
        case template([TemplatePart])
        case concat([MappingNode], separator: String)
        /// The first value that is not missing.
        case coalesce([MappingNode])
        case object([NamedNode])
        /// An array of the values of several expressions.
        case list([MappingNode])
        /// One output per element of the array at the path (filtered), each mapped with the
        /// element in scope.
        case each(FieldPath, filter: MappingCondition?, map: MappingNode)
        case arithmetic(ArithmeticOperator, [MappingNode], scale: Int?)
        /// The sum of `value` over the elements of the array at the path, as a decimal.
        case sum(FieldPath, value: MappingNode)
        case count(FieldPath)
        /// The id a record already synced to `target` got, by its source key (the cross-reference).
        case lookup(target: String, key: MappingNode)
        /// Ordered conditions: the first that holds gives the value.
        case rules([Rule], otherwise: MappingNode?)
        case decide(DecisionTable)
        case glAccount(GLAccountRules)
        /// Splits an amount by ratios into parts that add up to it exactly, in minor units.
        case allocate(amount: MappingNode, ratios: MappingNode, currency: String)
    }

    public enum TemplatePart: Sendable, Equatable {
        case text(String)
        case field(FieldPath)
    }

    public enum ArithmeticOperator: String, Sendable, CaseIterable {
        case add, subtract, multiply, divide
    }

    public struct Rule: Sendable, Equatable {
        public let condition: MappingCondition
        public let value: MappingNode
    }

    public let kind: Kind
    public let transforms: [MappingTransform]
    public let fallback: JSONValue?

    public init(_ kind: Kind, transforms: [MappingTransform] = [], fallback: JSONValue? = nil) {
        self.kind = kind
        self.transforms = transforms
        self.fallback = fallback
    }
}

/// An output field and the expression that fills it.
public struct NamedNode: Sendable, Equatable {
    public let name: String
    public let node: MappingNode
}

/// A parsed mapping: the output record's fields, in the order written.
public struct MappingDocument: Sendable, Equatable {
    public let fields: [NamedNode]
    /// The document as written, kept for storage and for the editor.
    public let source: JSONValue

    /// Parses and checks `source`; every problem found names its place in the document.
    public init(_ source: JSONValue) throws(MappingError) {
        self.source = source
        self.fields = try MappingParser.document(source)
    }
}
