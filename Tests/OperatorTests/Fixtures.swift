@testable import Operator

/// Specs and owners shared by the tests.
enum Fixtures {
    static let names = RelayNames(name: "edge", namespace: "net")
    static let owner = OwnerInfo(names: names, uid: "0b0b4a6e-7c1d-4d7e-9d1a-2f6b9b6f0001")
    static let image = "ghcr.io/peerrelay/peerrelay:0.1.0"

    static func spec(
        replicas: Int = 2, exposure: PeerRelaySpec.ExposureType = .loadBalancer, staticEndpoints: [String]? = nil
    ) -> PeerRelaySpec {
        PeerRelaySpec(
            replicas: replicas, port: 40000, exposure: .init(type: exposure), staticEndpoints: staticEndpoints,
            tailnet: .init(
                coordinatorURL: "http://127.0.0.1:8480", publisherTokenSecretRef: .init(name: "tailnet-publisher")))
    }
}

/// A resolver answering from a fixed table: a test double for DNS, which has no names to resolve on the
/// test machines (no network).
struct TableResolver: HostResolver {
    var table: [String: [String]]

    func resolve(_ host: String) -> Result<[String], ResolutionError> {
        if let addresses = table[host] { return .success(addresses.sorted()) }
        return .failure(ResolutionError(host: host, reason: "Name or service not known"))
    }
}
