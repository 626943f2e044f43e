import Interchange

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decodes `Decodable` models from YAML (or JSON) text by resolving YAML to JSON first. Decoding errors
/// point at the file, line and column of the offending node.
public struct YAMLDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a single-document source.
    public func decode<T: Decodable>(_ type: T.Type, from text: String, file: String = "<input>") throws -> T {
        let node = try YAMLParser.parse(text, file: file)
        return try decode(type, from: node, file: file)
    }

    /// Decodes every document of a multi-document source, skipping empty documents.
    public func decodeAll<T: Decodable>(_ type: T.Type, from text: String, file: String = "<input>") throws -> [T] {
        try YAMLParser.parseDocuments(text, file: file).map { try decode(type, from: $0, file: file) }
    }

    /// Decodes one parsed node.
    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode, file: String = "<input>") throws -> T {
        let json = try node.jsonValue(file: file).jsonBytes()
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch let error as DecodingError {
            throw Self.locate(error, in: node, file: file)
        }
    }

    /// Turns a `DecodingError` into a `YAMLError` at the node its coding path names.
    static func locate(_ error: DecodingError, in root: YAMLNode, file: String) -> YAMLError {
        func path(_ context: DecodingError.Context) -> [String] {
            context.codingPath.map { key in key.intValue.map(String.init) ?? key.stringValue }
        }
        func dotted(_ components: [String]) -> String {
            components.isEmpty ? "the document" : components.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            let node = root.node(at: parent) ?? root
            return YAMLError(
                file: file, mark: node.mark,
                problem: "missing required field \"\(key.stringValue)\" in \(dotted(parent)); add it")
        case .typeMismatch(let type, let context):
            let components = path(context)
            let node = root.node(at: components) ?? root
            return YAMLError(
                file: file, mark: node.mark,
                problem: "\(dotted(components)) has the wrong type: expected \(Self.describe(type))\(Self.found(node))")
        case .valueNotFound(let type, let context):
            let components = path(context)
            let node = root.node(at: components) ?? root
            return YAMLError(
                file: file, mark: node.mark,
                problem: "\(dotted(components)) is null: expected \(Self.describe(type))")
        case .dataCorrupted(let context):
            let components = path(context)
            let node = root.node(at: components) ?? root
            return YAMLError(
                file: file, mark: node.mark, problem: "\(dotted(components)): \(context.debugDescription)")
        @unknown default:
            return YAMLError(file: file, mark: nil, problem: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type, is UInt8.Type:
            return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "a mapping" }
            return "a mapping (\(name))"
        }
    }

    private static func found(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let text, _, _): return ", found \"\(text)\""
        case .sequence: return ", found a list"
        case .mapping: return ", found a mapping"
        }
    }
}
