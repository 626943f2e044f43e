#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// One event of a watch.
public enum WatchEvent<Object: Decodable & Sendable>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// All changes up to this resourceVersion have been delivered.
    case bookmark(resourceVersion: String)

    /// The object of an added, modified or deleted event; nil for a bookmark.
    public var object: Object? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object
        case .bookmark: return nil
        }
    }

    /// Decodes one NDJSON line. An ERROR event throws the `KubeError` its Status describes.
    public static func decode(line: [UInt8], decoder: JSONDecoder = JSONDecoder()) throws(KubeError) -> WatchEvent {
        let type = Self.fastType(line) ?? Self.slowType(line)
        let data = Data(line)
        do {
            switch type {
            case "ADDED": return .added(try decoder.decode(Envelope<Object>.self, from: data).object)
            case "MODIFIED": return .modified(try decoder.decode(Envelope<Object>.self, from: data).object)
            case "DELETED": return .deleted(try decoder.decode(Envelope<Object>.self, from: data).object)
            case "BOOKMARK":
                let object = try decoder.decode(Envelope<BookmarkObject>.self, from: data).object
                return .bookmark(resourceVersion: object.metadata.resourceVersion ?? "")
            case "ERROR":
                let status = try decoder.decode(Envelope<KubeStatus>.self, from: data).object
                throw KubeError.from(status: status)
            default:
                throw KubeError.decoding(
                    what: "watch event",
                    detail:
                        "unknown event type \(type ?? "none") in \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError.decoding(what: "\(type ?? "?") watch event", detail: "\(error)")
        }
    }

    struct Envelope<T: Decodable>: Decodable {
        var type: String
        var object: T
    }

    struct BookmarkObject: Decodable {
        var metadata: ObjectMeta
    }

    struct TypeOnly: Decodable {
        var type: String
    }

    /// The API server writes `{"type":"X",...`: read X without a JSON parse.
    static func fastType(_ line: [UInt8]) -> String? {
        let prefix: [UInt8] = Array(#"{"type":""#.utf8)
        guard line.count > prefix.count, line.starts(with: prefix) else { return nil }
        guard let end = line[prefix.count...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: line[prefix.count..<end], as: UTF8.self)
    }

    static func slowType(_ line: [UInt8]) -> String? {
        try? JSONDecoder().decode(TypeOnly.self, from: Data(line)).type
    }
}
