import Hummingbird

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads JSON request bodies, turning decoding failures into field-level 400 errors.
enum RequestDecoding {
    /// Largest accepted request body.
    static let maxBodySize = 64 * 1024

    /// Decodes the body of `request` as `T`.
    /// - Throws: ``CoordinatorError/invalid(_:fields:)`` naming the offending field, or the whole body.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodySize)
        } catch {
            throw CoordinatorError.invalid("request body larger than \(maxBodySize) bytes", fields: [:])
        }
        let bytes = Data(buffer.readableBytesView)
        if bytes.isEmpty {
            throw CoordinatorError.invalid("request body is empty; send a JSON object", fields: [:])
        }
        do {
            return try JSONDecoder().decode(T.self, from: bytes)
        } catch let error as DecodingError {
            throw fieldError(error)
        } catch {
            throw CoordinatorError.invalid("request body is not valid JSON: \(error)", fields: [:])
        }
    }

    static func fieldError(_ error: DecodingError) -> CoordinatorError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }.joined(separator: ".")
                .replacing(".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .invalid(
                "the request has invalid fields", fields: [path(context.codingPath): "must be of type \(type)"])
        case .valueNotFound(let type, let context):
            return .invalid(
                "the request has invalid fields", fields: [path(context.codingPath): "must be a \(type), not null"])
        case .keyNotFound(let key, let context):
            return .invalid(
                "the request has invalid fields", fields: [path(context.codingPath + [key]): "is required"])
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return .invalid(
                "the request has invalid fields", fields: [path(context.codingPath): context.debugDescription])
        default:
            return .invalid("request body is not a valid JSON object", fields: [:])
        }
    }
}
