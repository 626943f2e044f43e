import FallbackClient
import NIOCore
import NIOHTTP1

/// The server side of `Upgrade: peerrelay-fallback` on the fallback path: answers 101 and hands the connection to
/// the fallback server.
struct FallbackUpgrader: NIOTypedHTTPServerProtocolUpgrader {
    typealias UpgradeResult = FallbackUpgradeOutcome

    let server: FallbackServer

    var supportedProtocol: String { FallbackTransport.protocolName }
    var requiredUpgradeHeaders: [String] { [] }

    func buildUpgradeResponse(
        channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        guard upgradeRequest.uri.split(separator: "?").first.map(String.init) == server.configuration.path else {
            return channel.eventLoop.makeFailedFuture(FallbackUpgradeError.wrongPath(upgradeRequest.uri))
        }
        var headers = initialResponseHeaders
        headers.add(name: "Fallback-Version", value: "1")
        return channel.eventLoop.makeSucceededFuture(headers)
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<FallbackUpgradeOutcome> {
        channel.eventLoop.makeCompletedFuture {
            try server.configure(channel: channel, transport: .upgrade)
            return .fallback(channel)
        }
    }
}

/// An upgrade request the fallback server does not take.
enum FallbackUpgradeError: Error, CustomStringConvertible {
    case wrongPath(String)

    var description: String {
        switch self {
        case .wrongPath(let uri): "fallback upgrade requested on \(uri); the fallback endpoint is /fallback"
        }
    }
}
