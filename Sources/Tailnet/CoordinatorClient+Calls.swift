/// One method per coordinator API operation.
import CurlHTTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorClient {
    // MARK: Anyone

    /// `GET /healthz`: whether the coordinator answers.
    public func healthy() async -> Bool {
        (try? await exchange("GET", "/healthz").status) == 200
    }

    /// `POST /v1/register`: joins the tailnet with a pre-auth key (no token needed).
    public func register(_ request: RegisterRequest) async throws -> RegisterResponse {
        try await call("POST", "/v1/register", body: request, as: RegisterResponse.self)
    }

    // MARK: Any token

    /// `GET /v1/tailnet`.
    public func tailnet() async throws -> TailnetInfo {
        try await call("GET", "/v1/tailnet", as: TailnetInfo.self)
    }

    /// `GET /v1/revocations`.
    public func revocations() async throws -> RevocationList {
        try await call("GET", "/v1/revocations", as: RevocationList.self)
    }

    /// `GET /v1/revocations?since=N&timeout=S`: long-polls for a list newer than `since` (nil: 304, nothing
    /// changed within `wait`). With `relayCertificate` the call authenticates as that relay (no token needed).
    public func revocations(since: Int64, wait: Duration, relayCertificate: [UInt8]? = nil) async throws
        -> RevocationList?
    {
        let seconds = max(0, wait.components.seconds)
        let response = try await exchange(
            "GET", "/v1/revocations?since=\(since)&timeout=\(seconds)", timeout: wait + .seconds(15),
            authorization: relayCertificate.map { "PeerRelay-Certificate " + Data($0).base64EncodedString() })
        if response.status == 304 { return nil }
        return try Self.decode(response, as: RevocationList.self)
    }

    // MARK: Node token

    /// `POST /v1/node/renew`: a fresh certificate for this node.
    public func renew() async throws -> RegisterResponse {
        try await call("POST", "/v1/node/renew", body: Empty(), as: RegisterResponse.self)
    }

    /// `PUT /v1/node/endpoints`.
    public func updateEndpoints(_ endpoints: [String]) async throws {
        _ = try await call(
            "PUT", "/v1/node/endpoints", body: EndpointsUpdate(endpoints: endpoints), as: VersionReply.self)
    }

    /// `GET /v1/netmap?since=N&timeout=S`: long-polls for a netmap newer than `since`.
    /// - Returns: The netmap, or `nil` when nothing changed within `timeout` seconds.
    public func netmap(since: Int64? = nil, timeout: Int = 60) async throws -> Netmap? {
        var path = "/v1/netmap?timeout=\(timeout)"
        if let since { path += "&since=\(since)" }
        let response = try await exchange("GET", path, timeout: .seconds(timeout + 15))
        if response.status == 304 { return nil }
        return try Self.decode(response, as: Netmap.self)
    }

    // MARK: Admin

    /// `POST /v1/keys`.
    public func createKey(_ request: PreAuthKeyRequest) async throws -> PreAuthKeyInfo {
        try await call("POST", "/v1/keys", body: request, as: PreAuthKeyInfo.self)
    }

    /// `GET /v1/keys`.
    public func listKeys() async throws -> [PreAuthKeyInfo] {
        try await call("GET", "/v1/keys", as: KeyListReply.self).keys
    }

    /// `DELETE /v1/keys/{id}`.
    public func revokeKey(id: String) async throws {
        try await delete("/v1/keys/\(id)")
    }

    /// `GET /v1/nodes`.
    public func listNodes() async throws -> [NodeInfo] {
        try await call("GET", "/v1/nodes", as: NodeListReply.self).nodes
    }

    /// `DELETE /v1/nodes/{id}`: removes a node and revokes its certificates.
    public func removeNode(id: String) async throws -> RemovalResult {
        try await call("DELETE", "/v1/nodes/\(id)", as: RemovalResult.self)
    }

    /// `GET /v1/grants`.
    public func grants() async throws -> [Grant] {
        try await call("GET", "/v1/grants", as: GrantList.self).grants ?? []
    }

    /// `PUT /v1/grants`: replaces the grant list.
    public func setGrants(_ grants: [Grant]) async throws -> [Grant] {
        try await call("PUT", "/v1/grants", body: GrantList(grants: grants), as: GrantList.self).grants ?? []
    }

    /// `POST /v1/tokens`.
    public func createToken(_ request: TokenRequest) async throws -> TokenInfo {
        try await call("POST", "/v1/tokens", body: request, as: TokenInfo.self)
    }

    /// `GET /v1/tokens`.
    public func listTokens() async throws -> [TokenInfo] {
        try await call("GET", "/v1/tokens", as: TokenListReply.self).tokens
    }

    /// `DELETE /v1/tokens/{id}`.
    public func revokeToken(id: String) async throws {
        try await delete("/v1/tokens/\(id)")
    }

    /// `POST /v1/ca/rotate`.
    public func rotateCA(overlapSeconds: Int64?) async throws -> TailnetInfo {
        try await call(
            "POST", "/v1/ca/rotate", body: RotateCARequest(overlapSeconds: overlapSeconds), as: TailnetInfo.self)
    }

    // MARK: Admin or relay publisher

    /// `POST /v1/relays`: publishes a relay replica and returns its certificate.
    public func publishRelay(_ request: RelayPublishRequest) async throws -> RelayPublishResponse {
        try await call("POST", "/v1/relays", body: request, as: RelayPublishResponse.self)
    }

    /// `GET /v1/relays`.
    public func listRelays() async throws -> [RelayInfo] {
        try await call("GET", "/v1/relays", as: RelayListReply.self).relays
    }

    /// `GET /v1/relays/{id}`.
    public func relay(id: String) async throws -> RelayInfo {
        try await call("GET", "/v1/relays/\(id)", as: RelayInfo.self)
    }

    /// `DELETE /v1/relays/{id}`: unpublishes a relay and revokes its certificates.
    public func unpublishRelay(id: String) async throws -> RemovalResult {
        try await call("DELETE", "/v1/relays/\(id)", as: RemovalResult.self)
    }

    private func delete(_ path: String) async throws {
        let response = try await exchange("DELETE", path)
        guard (200..<300).contains(response.status) else { throw Self.failure(response) }
    }

    struct VersionReply: Decodable { var netmapVersion: Int64 }
    struct KeyListReply: Decodable { var keys: [PreAuthKeyInfo] }
    struct NodeListReply: Decodable { var nodes: [NodeInfo] }
    struct TokenListReply: Decodable { var tokens: [TokenInfo] }
    struct RelayListReply: Decodable { var relays: [RelayInfo] }
}
