/// Any object as untyped JSON, with typed access to its metadata.
public struct UnstructuredObject: Codable, Sendable, Hashable {
    public var json: JSONValue

    /// The object `json`.
    public init(_ json: JSONValue) { self.json = json }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    public var apiVersion: String? { json["apiVersion"]?.stringValue }
    public var kind: String? { json["kind"]?.stringValue }
    public var metadata: ObjectMeta { (try? json["metadata"]?.decode(ObjectMeta.self)) ?? ObjectMeta() }
    public var name: String? { json[path: ["metadata", "name"]]?.stringValue }
    public var namespace: String? { json[path: ["metadata", "namespace"]]?.stringValue }
}
