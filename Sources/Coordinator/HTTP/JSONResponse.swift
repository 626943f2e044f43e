import HTTPTypes
import Hummingbird
import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds JSON responses.
enum JSONResponse {
    /// `value` encoded as JSON with `status`.
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Our API types encode infallibly (strings, integers, arrays, maps).
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"internal","message":"encoding failed"}"#.utf8)
        return raw(Array(data), status: status)
    }

    /// Pre-encoded JSON bytes with `status`.
    static func raw(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
