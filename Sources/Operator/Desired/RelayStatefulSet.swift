import Interchange
public import Kube

/// The StatefulSet running relay-server for one PeerRelay.
///
/// All replicas share one pod template, so the per-replica files live in one Secret and one ConfigMap,
/// keyed by pod name, and each container picks its own through `$(POD_NAME)` (the template never changes
/// when the PeerRelay scales, so scaling never restarts running relays).
public enum RelayStatefulSet {
    /// Path of the relay-server binary in the relay image (Containerfile).
    public static let relayServerPath = "/usr/local/bin/relay-server"
    /// UID/GID of the relay image's non-root user.
    public static let runAsUser = 65532

    /// The apply intent.
    public static func build(_ owner: OwnerInfo, spec: PeerRelaySpec, defaultImage: String) -> StatefulSet {
        let names = owner.names
        var podSpec = PodSpec(containers: [container(spec: spec, defaultImage: defaultImage)])
        podSpec.automountServiceAccountToken = false
        podSpec.enableServiceLinks = false
        podSpec.terminationGracePeriodSeconds = 30
        var security = PodSecurityContext()
        security.runAsNonRoot = true
        security.runAsUser = Int64(runAsUser)
        security.runAsGroup = Int64(runAsUser)
        security.fsGroup = Int64(runAsUser)
        security.seccompProfile = .init(type: "RuntimeDefault")
        podSpec.securityContext = security
        var config = Volume.configMap("config", configMap: names.configMap)
        config.configMap?.defaultMode = 0o444
        var keys = Volume.secret("keys", secretName: names.secret)
        keys.secret?.defaultMode = 0o440
        podSpec.volumes = [config, keys, .emptyDir("state", sizeLimit: RelayNames.stateSizeLimit)]
        if let nodeSelector = spec.pod?.nodeSelector, !nodeSelector.isEmpty { podSpec.nodeSelector = nodeSelector }
        podSpec.tolerations = spec.pod?.tolerations
        podSpec.priorityClassName = spec.pod?.priorityClassName
        podSpec.affinity = affinity(spec: spec, names: names)
        var setSpec = StatefulSetSpec(
            replicas: spec.effectiveReplicas, selector: LabelSelector(matchLabels: names.selector),
            template: PodTemplateSpec(metadata: ObjectMeta(labels: names.labels), spec: podSpec),
            serviceName: names.statefulSet)
        setSpec.podManagementPolicy = "Parallel"
        setSpec.updateStrategy = .init(type: "RollingUpdate")
        return StatefulSet(metadata: owner.metadata(names.statefulSet), spec: setSpec)
    }

    /// The relay container: relay-server reading its own files (picked by `$(POD_NAME)`), hardened, probed on
    /// the admin port.
    static func container(spec: PeerRelaySpec, defaultImage: String) -> Container {
        let port = spec.effectivePort
        var relayPort = Container.Port(name: "relay", containerPort: port, protocol: "UDP")
        if spec.exposureType == .hostPort { relayPort.hostPort = port }
        let key = "$(POD_NAME)"
        var container = Container(name: "relay", image: spec.pod?.image ?? defaultImage)
        container.command = [relayServerPath]
        container.args = [
            "--config=\(RelayNames.configDirectory)/\(key).json",
            "--private-key-file=\(RelayNames.keyDirectory)/\(key).key",
            "--certificate-file=\(RelayNames.keyDirectory)/\(key).pem",
            "--state-dir=\(RelayNames.stateDirectory)",
        ]
        container.env = [
            fieldEnv("POD_NAME", "metadata.name"),
            // Bind the pod's own address: the Service, the host port and the kubelet's probes all reach the
            // relay there.
            fieldEnv("RELAY_LISTEN", "status.podIP"),
            fieldEnv("RELAY_ADMIN_ADDRESS", "status.podIP"),
        ]
        container.ports = [relayPort, .init(name: "admin", containerPort: RelayNames.adminPort, protocol: "TCP")]
        container.readinessProbe = probe("/readyz", period: 2, failures: 3)
        container.livenessProbe = probe("/healthz", period: 10, failures: 6)
        var security = SecurityContext()
        security.runAsNonRoot = true
        security.runAsUser = Int64(runAsUser)
        security.runAsGroup = Int64(runAsUser)
        security.allowPrivilegeEscalation = false
        security.readOnlyRootFilesystem = true
        security.privileged = false
        security.capabilities = .init(add: port < 1024 ? ["NET_BIND_SERVICE"] : nil, drop: ["ALL"])
        security.seccompProfile = .init(type: "RuntimeDefault")
        container.securityContext = security
        container.volumeMounts = [
            VolumeMount(name: "config", mountPath: RelayNames.configDirectory, readOnly: true),
            VolumeMount(name: "keys", mountPath: RelayNames.keyDirectory, readOnly: true),
            VolumeMount(name: "state", mountPath: RelayNames.stateDirectory),
        ]
        container.resources = spec.pod?.resources
        return container
    }

    /// `pod.affinity`, plus a required anti-affinity on `kubernetes.io/hostname` with `HostPort` (two relays
    /// cannot bind one host port).
    static func affinity(spec: PeerRelaySpec, names: RelayNames) -> JSONValue? {
        let given = spec.pod?.affinity
        guard spec.exposureType == .hostPort else { return given }
        var members = given?.objectValue ?? [:]
        let term = JSONValue.object([
            "labelSelector": .object(["matchLabels": .object(names.selector.mapValues { .string($0) })]),
            "topologyKey": "kubernetes.io/hostname",
        ])
        var anti = members["podAntiAffinity"]?.objectValue ?? [:]
        let required = anti["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []
        anti["requiredDuringSchedulingIgnoredDuringExecution"] = .array(required + [term])
        members["podAntiAffinity"] = .object(anti)
        return .object(members)
    }

    static func fieldEnv(_ name: String, _ path: String) -> EnvVar {
        var reference = EnvVar.Source.FieldRef(fieldPath: path)
        reference.apiVersion = "v1"
        return EnvVar(name: name, valueFrom: .init(fieldRef: reference))
    }

    static func probe(_ path: String, period: Int, failures: Int) -> Probe {
        var probe = Probe(httpGet: .init(path: path, port: "admin", scheme: "HTTP"))
        probe.periodSeconds = period
        probe.timeoutSeconds = 2
        probe.failureThreshold = failures
        probe.successThreshold = 1
        return probe
    }
}
