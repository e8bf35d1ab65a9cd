/// The `Encoder` a value encodes itself into, and its three containers, for `ResponseEncoder`.
final class NodeEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// False for a `[String: V]` dictionary, whose keys are data.
    let convertsKeys: Bool
    /// What the value wrote: a container's box, or a single value.
    var result: JSONNode? {
        didSet { if let result { place?(result) } }
    }
    /// Where a `superEncoder()`'s result goes, as soon as it is there (a container's box is
    /// filled afterwards, in place).
    private let place: ((JSONNode) -> Void)?

    init(convertsKeys: Bool, place: ((JSONNode) -> Void)? = nil) {
        self.convertsKeys = convertsKeys
        self.place = place
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: JSONObjectNode
        if case .object(let existing) = result {
            object = existing
        } else {
            object = JSONObjectNode()
            result = .object(object)
        }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(object: object, convertsKeys: convertsKeys))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: JSONArrayNode
        if case .array(let existing) = result {
            array = existing
        } else {
            array = JSONArrayNode()
            result = .array(array)
        }
        return UnkeyedNodeContainer(array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(encoder: self)
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: JSONObjectNode
    let convertsKeys: Bool
    var codingPath: [any CodingKey] { [] }

    private func name(_ key: Key) -> String {
        convertsKeys ? SnakeCaseKeys.name(key.stringValue) : key.stringValue
    }

    mutating func encodeNil(forKey key: Key) throws { object.set(name(key), .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.set(name(key), .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.set(name(key), .string(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.set(name(key), .number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(name(key), try ResponseEncoder.node(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectNode()
        object.set(name(key), .object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(object: nested, convertsKeys: true))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayNode()
        object.set(name(key), .array(nested))
        return UnkeyedNodeContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(convertsKeys: true) { [object] in object.set("super", $0) }
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let name = name(key)
        return NodeEncoder(convertsKeys: true) { [object] in object.set(name, $0) }
    }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let array: JSONArrayNode
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.elements.count }

    mutating func encodeNil() throws { array.elements.append(.null) }
    mutating func encode(_ value: Bool) throws { array.elements.append(.bool(value)) }
    mutating func encode(_ value: String) throws { array.elements.append(.string(value)) }
    mutating func encode(_ value: Int) throws { array.elements.append(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        array.elements.append(try ResponseEncoder.node(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectNode()
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(object: nested, convertsKeys: true))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayNode()
        array.elements.append(.array(nested))
        return UnkeyedNodeContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let position = array.elements.count
        array.elements.append(.null)
        return NodeEncoder(convertsKeys: true) { [array] in array.elements[position] = $0 }
    }
}

struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.result = .null }
    mutating func encode(_ value: Bool) throws { encoder.result = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.result = .string(value) }
    mutating func encode(_ value: Int) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.result = .number(String(value)) }
    mutating func encode(_ value: Double) throws { encoder.result = try ResponseEncoder.number(value) }
    mutating func encode(_ value: Float) throws { encoder.result = try ResponseEncoder.number(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.result = try ResponseEncoder.node(value)
    }
}
