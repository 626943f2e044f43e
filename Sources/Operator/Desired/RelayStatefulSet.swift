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

    /// The apply body.
    public static func build(_ owner: OwnerInfo, spec: PeerRelaySpec, defaultImage: String) -> JSONTree {
        let names = owner.names
        let port = spec.effectivePort
        var relayPort: [String: JSONTree] = ["name": "relay", "containerPort": .int(port), "protocol": "UDP"]
        if spec.exposureType == .hostPort { relayPort["hostPort"] = .int(port) }
        var capabilities: [String: JSONTree] = ["drop": ["ALL"]]
        if port < 1024 { capabilities["add"] = ["NET_BIND_SERVICE"] }
        let key = "$(POD_NAME)"
        var container: [String: JSONTree] = [
            "name": "relay",
            "image": .string(spec.pod?.image ?? defaultImage),
            "command": [.string(relayServerPath)],
            "args": [
                .string("--config=\(RelayNames.configDirectory)/\(key).json"),
                .string("--private-key-file=\(RelayNames.keyDirectory)/\(key).key"),
                .string("--certificate-file=\(RelayNames.keyDirectory)/\(key).pem"),
            ],
            "env": [
                fieldEnv("POD_NAME", "metadata.name"),
                // Bind the pod's own address: traffic to the Service or host port arrives there, and pods that
                // share a network namespace (hostNetwork) never collide on the port.
                fieldEnv("RELAY_LISTEN", "status.podIP"),
                fieldEnv("RELAY_ADMIN_ADDRESS", "status.podIP"),
            ],
            "ports": [
                .object(relayPort), ["name": "admin", "containerPort": .int(RelayNames.adminPort), "protocol": "TCP"],
            ],
            "readinessProbe": probe("/readyz", period: 2, failures: 3),
            "livenessProbe": probe("/healthz", period: 10, failures: 6),
            "securityContext": [
                "runAsNonRoot": true, "runAsUser": .int(runAsUser), "runAsGroup": .int(runAsUser),
                "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "privileged": false,
                "capabilities": .object(capabilities), "seccompProfile": ["type": "RuntimeDefault"],
            ],
            "volumeMounts": [
                ["name": "config", "mountPath": .string(RelayNames.configDirectory), "readOnly": true],
                ["name": "keys", "mountPath": .string(RelayNames.keyDirectory), "readOnly": true],
            ],
        ]
        if let resources = spec.pod?.resources { container["resources"] = resources }
        var podSpec: [String: JSONTree] = [
            "automountServiceAccountToken": false,
            "enableServiceLinks": false,
            "terminationGracePeriodSeconds": 30,
            "securityContext": [
                "runAsNonRoot": true, "runAsUser": .int(runAsUser), "runAsGroup": .int(runAsUser),
                "fsGroup": .int(runAsUser), "seccompProfile": ["type": "RuntimeDefault"],
            ],
            "containers": [.object(container)],
            "volumes": [
                ["name": "config", "configMap": ["name": .string(names.configMap), "defaultMode": 0o444]],
                ["name": "keys", "secret": ["secretName": .string(names.secret), "defaultMode": 0o440]],
            ],
        ]
        if let nodeSelector = spec.pod?.nodeSelector, !nodeSelector.isEmpty {
            podSpec["nodeSelector"] = .strings(nodeSelector)
        }
        if let tolerations = spec.pod?.tolerations { podSpec["tolerations"] = tolerations }
        if let priority = spec.pod?.priorityClassName { podSpec["priorityClassName"] = .string(priority) }
        if let affinity = affinity(spec: spec, names: names) { podSpec["affinity"] = affinity }
        return [
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": owner.metadata(names.statefulSet),
            "spec": [
                "replicas": .int(spec.effectiveReplicas),
                "serviceName": .string(names.statefulSet),
                "podManagementPolicy": "Parallel",
                "updateStrategy": ["type": "RollingUpdate"],
                "selector": ["matchLabels": .strings(names.selector)],
                "template": [
                    "metadata": ["labels": .strings(names.labels)],
                    "spec": .object(podSpec),
                ],
            ],
        ]
    }

    /// `pod.affinity`, plus a required anti-affinity on `kubernetes.io/hostname` with `HostPort` (two relays
    /// cannot bind one host port).
    static func affinity(spec: PeerRelaySpec, names: RelayNames) -> JSONTree? {
        var members = spec.pod?.affinity?.objectValue ?? [:]
        if spec.exposureType == .hostPort {
            let term: JSONTree = [
                "labelSelector": ["matchLabels": .strings(names.selector)],
                "topologyKey": "kubernetes.io/hostname",
            ]
            var anti = members["podAntiAffinity"]?.objectValue ?? [:]
            let required = anti["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []
            anti["requiredDuringSchedulingIgnoredDuringExecution"] = .array(required + [term])
            members["podAntiAffinity"] = .object(anti)
        }
        return members.isEmpty && spec.pod?.affinity == nil ? nil : .object(members)
    }

    static func fieldEnv(_ name: String, _ path: String) -> JSONTree {
        ["name": .string(name), "valueFrom": ["fieldRef": ["apiVersion": "v1", "fieldPath": .string(path)]]]
    }

    static func probe(_ path: String, period: Int, failures: Int) -> JSONTree {
        [
            "httpGet": ["path": .string(path), "port": "admin", "scheme": "HTTP"],
            "periodSeconds": .int(period), "timeoutSeconds": 2, "failureThreshold": .int(failures),
            "successThreshold": 1,
        ]
    }
}
