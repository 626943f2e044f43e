import CurlHTTP
import Kube
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reaching the tailnet coordinator with the PeerRelay's publisher token.
struct CoordinatorAccess: Sendable {
    let client: CoordinatorClient
    let caKeys: [String]

    /// A failure in the terms of the `Published` condition.
    struct Failure: Error, Sendable {
        var reason: PublishOutcome.Failure
        var message: String
    }

    /// Reads the token from the publisher Secret and fetches the tailnet's CA keys.
    static func open(
        spec: PeerRelaySpec, namespace: String, secrets: Store<Secret>, http: HTTPClient
    ) async -> Result<CoordinatorAccess, Failure> {
        let reference = spec.tailnet.publisherTokenSecretRef
        guard let secret = secrets.get(name: reference.name, namespace: namespace) else {
            return .failure(
                Failure(
                    reason: .secretNotFound,
                    message:
                        "Secret \(namespace)/\(reference.name) (spec.tailnet.publisherTokenSecretRef) does not exist; "
                        + "create it with the coordinator's relay-publisher token under key '\(spec.publisherTokenKey)'"
                ))
        }
        guard let encoded = secret.data?[spec.publisherTokenKey], let bytes = Data(base64Encoded: encoded),
            case let token = String(decoding: bytes, as: UTF8.self).filter({ !$0.isWhitespace }), !token.isEmpty
        else {
            return .failure(
                Failure(
                    reason: .secretKeyMissing,
                    message:
                        "Secret \(namespace)/\(reference.name) has no non-empty key '\(spec.publisherTokenKey)'; "
                        + "put the relay-publisher token there"
                ))
        }
        let client: CoordinatorClient
        do {
            client = try CoordinatorClient(baseURL: spec.tailnet.coordinatorURL, token: token, http: http)
        } catch {
            return .failure(Failure(reason: .coordinatorRejected, message: "\(error)"))
        }
        do {
            let info = try await client.tailnet()
            return .success(CoordinatorAccess(client: client, caKeys: info.caPublicKeys.map(\.publicKey).sorted()))
        } catch {
            return .failure(classify(error))
        }
    }

    /// Maps a coordinator error to a `Published` reason: 4xx is a rejection, the rest is unreachability.
    static func classify(_ error: any Error) -> Failure {
        if let error = error as? CoordinatorClientError, let status = error.status, (400..<500).contains(status) {
            return Failure(reason: .coordinatorRejected, message: error.description)
        }
        return Failure(reason: .coordinatorUnreachable, message: "\(error)")
    }
}
