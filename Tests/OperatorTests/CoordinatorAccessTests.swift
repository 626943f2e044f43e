import CurlHTTP
import Kube
import Testing

@testable import Operator

/// The publisher-token checks that happen before any network call, and error classification. The coordinator
/// itself is exercised for real in e2e/operator-e2e.
@Suite struct CoordinatorAccessTests {
    func secret(_ name: String, data: [String: String]?) -> Secret {
        var secret = Secret(metadata: ObjectMeta(name: name, namespace: "net"))
        secret.data = data
        return secret
    }

    func failure(_ secrets: Store<Secret>, key: String? = nil) async -> CoordinatorAccess.Failure? {
        var spec = Fixtures.spec()
        spec.tailnet.publisherTokenSecretRef.key = key
        if case .failure(let failure) = await CoordinatorAccess.open(
            spec: spec, namespace: "net", secrets: secrets, http: HTTPClient())
        {
            return failure
        }
        return nil
    }

    @Test func missingSecretAndMissingKey() async throws {
        let secrets = Store<Secret>()
        let missing = try #require(await failure(secrets))
        #expect(missing.reason == .secretNotFound)
        #expect(missing.message.contains("net/tailnet-publisher"))
        secrets.apply(secret("tailnet-publisher", data: ["other": "eA=="]))
        let noKey = try #require(await failure(secrets))
        #expect(noKey.reason == .secretKeyMissing)
        #expect(noKey.message.contains("'token'"))
        secrets.apply(secret("tailnet-publisher", data: ["token": "ICAK"]))  // whitespace only
        #expect(try #require(await failure(secrets)).reason == .secretKeyMissing)
        secrets.apply(secret("tailnet-publisher", data: ["custom": "ICAK"]))
        #expect(try #require(await failure(secrets, key: "custom")).reason == .secretKeyMissing)
    }

    @Test func unreachableCoordinatorIsNotARejection() async throws {
        let secrets = Store<Secret>()
        secrets.apply(secret("tailnet-publisher", data: ["token": "cHJwdWJfeA=="]))
        var spec = Fixtures.spec()
        // A loopback port nobody listens on: the connection is refused at once.
        spec.tailnet.coordinatorURL = "http://127.0.0.1:9"
        guard
            case .failure(let failure) = await CoordinatorAccess.open(
                spec: spec, namespace: "net", secrets: secrets, http: HTTPClient())
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.reason == .coordinatorUnreachable)
    }

    @Test func caKeysAreReadBackFromTheConfigMap() {
        let file = RelayConfigFile(spec: Fixtures.spec(), caKeys: ["b", "a"], endpoints: [])
        let configMap = ConfigMap(metadata: ObjectMeta(name: "edge-config"), data: ["edge-0.json": file.text])
        #expect(RelayReconciler.caKeys(in: configMap) == ["a", "b"])
        #expect(RelayReconciler.caKeys(in: nil) == [])
    }
}
