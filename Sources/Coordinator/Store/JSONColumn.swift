#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Encodes small lists and maps into TEXT columns as JSON, and back.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding [String] or [String: String] cannot fail.
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    static func strings(_ text: String) throws -> [String] {
        try decode([String].self, text)
    }

    static func map(_ text: String) throws -> [String: String] {
        try decode([String: String].self, text)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw CoordinatorError.internalFailure("corrupt JSON column in the database: \(text)")
        }
    }
}
