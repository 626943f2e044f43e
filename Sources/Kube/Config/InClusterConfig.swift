import CurlHTTP

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

extension KubeClientConfiguration {
    /// The service-account configuration of a pod: `KUBERNETES_SERVICE_HOST`/`PORT`, the projected token
    /// (re-read on rotation), the cluster CA and the namespace file.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(KubeConfigError) -> KubeClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set; "
                    + "use a kubeconfig instead"
            )
        }
        let tokenPath = directory + "/token"
        guard FileManager.default.fileExists(atPath: tokenPath) else {
            throw KubeConfigError(
                file: tokenPath, "the service-account token is missing; check automountServiceAccountToken on the pod")
        }
        let caPath = directory + "/ca.crt"
        guard FileManager.default.fileExists(atPath: caPath) else {
            throw KubeConfigError(file: caPath, "the cluster CA certificate is missing from the service-account volume")
        }
        var namespace = "default"
        if let text = try? String(contentsOfFile: directory + "/namespace", encoding: .utf8) {
            let trimmed = text.trimmedWhitespace
            if !trimmed.isEmpty { namespace = trimmed }
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return KubeClientConfiguration(
            server: "https://\(hostPart):\(port)", tls: TLSConfiguration(certificateAuthority: .file(caPath)),
            auth: .tokenFile(tokenPath), namespace: namespace, source: "in-cluster service account")
    }

    /// In-cluster when running in a pod without a kubeconfig, otherwise the kubeconfig rules.
    public static func automatic(
        context: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeConfigError) -> KubeClientConfiguration {
        let home = environment["HOME"] ?? "/root"
        let hasKubeconfig =
            !(environment["KUBECONFIG"] ?? "").isEmpty || FileManager.default.fileExists(atPath: home + "/.kube/config")
        if !hasKubeconfig, environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment)
        }
        return try KubeConfigLoader.load(context: context, environment: environment)
    }
}
