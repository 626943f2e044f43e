/// How a scalar was written. Only plain scalars are resolved to null, booleans and numbers.
public enum YAMLScalarStyle: Sendable, Equatable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a parsed YAML document, with its position.
public struct YAMLNode: Sendable {
    /// What the node is: a scalar with its style and tag, a sequence, or a mapping in source order.
    public indirect enum Kind: Sendable {
        case scalar(String, style: YAMLScalarStyle, tag: String?)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    /// The node's content.
    public var kind: Kind
    /// Where the node starts in the source.
    public var mark: YAMLMark

    /// Creates a node.
    public init(_ kind: Kind, mark: YAMLMark) {
        self.kind = kind
        self.mark = mark
    }

    /// The scalar text, if this is a scalar.
    public var scalar: String? {
        if case .scalar(let text, _, _) = kind { return text }
        return nil
    }

    /// The value of a mapping entry whose key is the scalar `key`.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = kind else { return nil }
        return entries.first { $0.key.scalar == key }?.value
    }

    /// The element of a sequence.
    public subscript(index: Int) -> YAMLNode? {
        guard case .sequence(let items) = kind, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// The node reached by following mapping keys and sequence indexes (e.g. a decoding error's coding path).
    public func node(at path: [String]) -> YAMLNode? {
        var current = self
        for component in path {
            if let next = current[component] {
                current = next
            } else if let index = Int(component), let next = current[index] {
                current = next
            } else if component.hasPrefix("Index "), let index = Int(component.dropFirst(6)), let next = current[index]
            {
                current = next
            } else {
                return nil
            }
        }
        return current
    }
}
