import Interchange
import Kube
import Testing

@testable import Operator

@Suite struct DesiredStateTests {
    func container(_ statefulSet: StatefulSet) throws -> Container {
        try #require(statefulSet.spec?.template.spec?.containers.first)
    }

    @Test func statefulSetRunsRelayServerHardened() throws {
        let set = RelayStatefulSet.build(Fixtures.owner, spec: Fixtures.spec(), defaultImage: Fixtures.image)
        #expect(set.metadata.name == "edge")
        #expect(set.metadata.ownerReferences?.first?.uid == Fixtures.owner.uid)
        #expect(set.spec?.replicas == 2)
        let relay = try container(set)
        #expect(relay.image == Fixtures.image)
        #expect(relay.readinessProbe?.httpGet?.path == "/readyz")
        #expect(relay.livenessProbe?.httpGet?.path == "/healthz")
        let security = try #require(relay.securityContext)
        #expect(security.runAsNonRoot == true)
        #expect(security.readOnlyRootFilesystem == true)
        #expect(security.allowPrivilegeEscalation == false)
        #expect(security.capabilities == .init(drop: ["ALL"]))
        #expect(security.seccompProfile?.type == "RuntimeDefault")
        #expect(relay.ports?.first?.hostPort == nil)
        let args = relay.args ?? []
        #expect(args.contains("--config=/etc/peerrelay/config/$(POD_NAME).json"))
        #expect(args.contains("--private-key-file=/etc/peerrelay/keys/$(POD_NAME).key"))
        let podSpec = try #require(set.spec?.template.spec)
        // relay-server keeps the last good revocation list in its state directory: a writable emptyDir (the root
        // filesystem is read-only), so a container restarted while the coordinator is down still enforces it.
        #expect(args.contains("--state-dir=/var/lib/peerrelay"))
        let state = try #require(podSpec.volumes?.first { $0.name == "state" })
        #expect(state.emptyDir == .init(sizeLimit: "32Mi"))
        #expect(state.configMap == nil && state.secret == nil)
        #expect(relay.volumeMounts?.contains(VolumeMount(name: "state", mountPath: "/var/lib/peerrelay")) == true)
        #expect(relay.volumeMounts?.filter { $0.readOnly != true }.map(\.name) == ["state"])
        #expect(podSpec.affinity == nil)
        #expect(podSpec.automountServiceAccountToken == false)
        // The selector is a subset of the template labels (the apiserver refuses it otherwise).
        let selector = try #require(set.spec?.selector.matchLabels)
        let labels = try #require(set.spec?.template.metadata?.labels)
        for (key, value) in selector { #expect(labels[key] == value) }
    }

    @Test func podOverridesAreCopied() throws {
        var spec = Fixtures.spec(exposure: .hostPort)
        spec.port = 443
        let affinity: JSONValue = [
            "nodeAffinity": [
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    "nodeSelectorTerms": [["matchExpressions": [["key": "zone", "operator": "In", "values": ["a"]]]]]
                ]
            ]
        ]
        spec.pod = .init(
            image: "registry.example/relay:2",
            resources: ResourceRequirements(limits: ["cpu": "1", "memory": "128Mi"]),
            nodeSelector: ["role": "edge"],
            tolerations: [.init(key: "edge", operator: "Exists", effect: "NoSchedule")], affinity: affinity,
            priorityClassName: "relays")
        let set = RelayStatefulSet.build(Fixtures.owner, spec: spec, defaultImage: Fixtures.image)
        let relay = try container(set)
        let podSpec = try #require(set.spec?.template.spec)
        #expect(relay.image == "registry.example/relay:2")
        #expect(relay.resources?.limits?["memory"] == "128Mi")
        #expect(relay.securityContext?.capabilities?.add == ["NET_BIND_SERVICE"])
        #expect(relay.ports?.first?.hostPort == 443)
        #expect(podSpec.nodeSelector == ["role": "edge"])
        #expect(podSpec.priorityClassName == "relays")
        #expect(podSpec.tolerations?.count == 1)
        #expect(podSpec.affinity?["nodeAffinity"] == affinity["nodeAffinity"])
        let anti = podSpec.affinity?["podAntiAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]
        #expect(anti?.arrayValue?.first?["topologyKey"] == "kubernetes.io/hostname")
    }

    @Test func oneServicePerReplicaSelectingItsPod() throws {
        var spec = Fixtures.spec()
        spec.exposure?.annotations = ["service.beta.kubernetes.io/aws-load-balancer-type": "nlb"]
        spec.exposure?.loadBalancerClass = "example.com/udp"
        let service = try #require(RelayService.build(Fixtures.owner, spec: spec, index: 1))
        #expect(service.metadata.name == "edge-1")
        #expect(service.metadata.annotations?["service.beta.kubernetes.io/aws-load-balancer-type"] == "nlb")
        #expect(service.spec?.selector?["statefulset.kubernetes.io/pod-name"] == "edge-1")
        #expect(service.spec?.type == "LoadBalancer")
        #expect(service.spec?.externalTrafficPolicy == "Local")
        #expect(service.spec?.loadBalancerClass == "example.com/udp")
        #expect(service.spec?.ports?.first?.protocol == "UDP")
        spec.exposure = .init(type: .nodePort, externalTrafficPolicy: "Cluster")
        let nodePort = try #require(RelayService.build(Fixtures.owner, spec: spec, index: 0))
        #expect(nodePort.spec?.type == "NodePort")
        #expect(nodePort.spec?.externalTrafficPolicy == "Cluster")
        #expect(RelayService.build(Fixtures.owner, spec: Fixtures.spec(exposure: .hostPort), index: 0) == nil)
    }

    @Test func configFileIsByteStableAndCarriesEndpointsAndLimits() {
        var spec = Fixtures.spec()
        spec.limits = .init(maxSessions: 500, maxSessionsPerNode: 10, idleTimeout: "1h")
        let file = RelayConfigFile(spec: spec, caKeys: ["b", "a"], endpoints: ["127.0.2.1:40000"])
        #expect(
            file.text
                == #"{"advertisedEndpoints":["127.0.2.1:40000"],"caKeys":["a","b"],"#
                + #""coordinatorURL":"http://127.0.0.1:8480","idleTimeoutSeconds":3600,"#
                + #""logFormat":"json","maxSessions":500,"maxSessionsPerNode":10,"port":40000}"#
                + "\n")
        let pending = RelayConfigFile(spec: Fixtures.spec(), caKeys: ["a"], endpoints: [])
        #expect(!pending.text.contains("advertisedEndpoints"))
    }

    @Test func secretRoundTripsCredentials() throws {
        let credentials: [Int: RelayFiles.Credentials] = [
            0: .init(privateKey: "a2V5MA==", certificatePEM: "-----BEGIN PEERRELAY CERTIFICATE-----\nx\n"),
            1: .init(privateKey: "a2V5MQ==", certificatePEM: nil),
        ]
        let secret = RelayFiles.secret(Fixtures.owner, credentials: credentials)
        #expect(secret.metadata.name == "edge-relay")
        let data = try #require(secret.data)
        #expect(Set(data.keys) == ["edge-0.key", "edge-0.pem", "edge-1.key"])
        #expect(RelayFiles.credentials(fromSecretData: data, names: Fixtures.names) == credentials)
    }
}
