/// Any object as untyped JSON, with typed access to its metadata.
public struct UnstructuredObject: Codable, Sendable, Hashable {
    /// The whole object.
    public var json: JSONValue

    /// The object `json`.
    public init(_ json: JSONValue) { self.json = json }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    /// `apiVersion`, if present.
    public var apiVersion: String? { json["apiVersion"]?.stringValue }
    /// `kind`, if present.
    public var kind: String? { json["kind"]?.stringValue }
    /// `metadata` decoded (empty when missing or malformed).
    public var metadata: ObjectMeta { (try? json["metadata"]?.decode(ObjectMeta.self)) ?? ObjectMeta() }
    /// `metadata.name`, if present.
    public var name: String? { json[path: ["metadata", "name"]]?.stringValue }
    /// `metadata.namespace`, if present.
    public var namespace: String? { json[path: ["metadata", "namespace"]]?.stringValue }
}
