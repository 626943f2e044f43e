import Hummingbird
import RelayCore
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorAPI {
    /// The `Authorization` scheme a relay uses to fetch revocations with its relay certificate (PRC1, base64).
    public static let relayCertificateScheme = "PeerRelay-Certificate"

    /// `GET /v1/revocations?since=N&timeout=S`: the revocation list. A relay authenticates with its relay
    /// certificate (`Authorization: PeerRelay-Certificate <base64>`), which must verify against the tailnet's CA
    /// keys with role `relay` and not be revoked; admin, relay-publisher and node tokens are accepted too. With
    /// `since` equal to the current netmap version the answer waits (up to `timeout` s) for the next change, then
    /// answers 304 — relays long-poll, so a revocation reaches them as soon as it is committed.
    func revocations(_ request: Request) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        if header.hasPrefix(Self.relayCertificateScheme + " ") {
            try await authorizeRelay(certificate: String(header.dropFirst(Self.relayCertificateScheme.count + 1)))
        } else {
            _ = try await authorize(request, ["admin", "relay-publisher", "node"])
        }
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        let since = query["since"].map { Int64(String($0)) } ?? Int64(-1)
        if since == nil { fields["since"] = "must be an integer netmap version" }
        let timeout = query["timeout"].map { Int(String($0)) } ?? 0
        if timeout == nil || !(0...Int(Self.maxNetmapWait.components.seconds)).contains(timeout!) {
            fields["timeout"] = "must be 0…\(Self.maxNetmapWait.components.seconds) seconds"
        }
        if let error = CoordinatorError.invalidFields(fields) { throw error }
        if since! == hub.version, timeout! > 0 {
            let moved = await hub.waitForVersion(after: since!, timeout: .seconds(timeout!))
            if !moved {
                return Response(status: .notModified, headers: [.init("X-Netmap-Version")!: "\(hub.version)"])
            }
        }
        return JSONResponse.make(try await store.revocationList())
    }

    /// Accepts a relay certificate as credential: signed by a trusted CA key of this tailnet, role relay, within
    /// its validity, not revoked.
    func authorizeRelay(certificate base64: String) async throws {
        guard let data = Data(base64Encoded: base64) else {
            throw CoordinatorError.unauthorized(
                "the \(Self.relayCertificateScheme) credential is not base64; send the relay certificate (PRC1) in "
                    + "standard base64")
        }
        let list = try await store.revocationList()
        let verifier = CertificateVerifier(
            trustedCAs: list.caPublicKeys.compactMap { CAPublicKey(base64: $0.publicKey) }, tailnetID: list.tailnetID,
            revokedSerials: Set(list.serials))
        do {
            try verifier.verify(
                encoded: Array(data), role: .relay, sealedBy: nil, now: Timestamp(unixSeconds: list.generatedAt))
        } catch {
            throw CoordinatorError.unauthorized(
                "relay certificate refused: \(error.description); issue the relay a fresh relay certificate")
        }
    }
}
