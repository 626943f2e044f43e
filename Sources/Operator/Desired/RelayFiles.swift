import Interchange
public import Kube

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Secret (keys and certificates) and ConfigMap (config files) shared by the replicas of one PeerRelay,
/// keyed by pod name.
public enum RelayFiles {
    /// One replica's credentials: its X25519 private key (base64) and, once published, its PEM certificate.
    public struct Credentials: Sendable, Equatable {
        /// The replica's X25519 private key, base64.
        public var privateKey: String
        /// Its PEM certificate, once the coordinator issued one.
        public var certificatePEM: String?

        /// Credentials of a replica.
        public init(privateKey: String, certificatePEM: String?) {
            self.privateKey = privateKey
            self.certificatePEM = certificatePEM
        }
    }

    /// The Secret's apply intent; `credentials` is indexed by replica.
    public static func secret(_ owner: OwnerInfo, credentials: [Int: Credentials]) -> Secret {
        var data: [String: String] = [:]
        for (index, item) in credentials {
            let pod = owner.names.pod(index)
            data["\(pod).key"] = base64(item.privateKey + "\n")
            if let pem = item.certificatePEM { data["\(pod).pem"] = base64(pem) }
        }
        var secret = Secret(metadata: owner.metadata(owner.names.secret), type: "Opaque")
        secret.data = data.isEmpty ? nil : data
        return secret
    }

    /// The ConfigMap's apply intent; `files` is indexed by replica.
    public static func configMap(_ owner: OwnerInfo, files: [Int: RelayConfigFile]) -> ConfigMap {
        var data: [String: String] = [:]
        for (index, file) in files { data["\(owner.names.pod(index)).json"] = file.text }
        return ConfigMap(metadata: owner.metadata(owner.names.configMap), data: data.isEmpty ? nil : data)
    }

    /// Reads credentials back from a Secret's `data` (base64 values), ignoring entries of other replicas'
    /// names that do not parse.
    public static func credentials(fromSecretData data: [String: String], names: RelayNames) -> [Int: Credentials] {
        var result: [Int: Credentials] = [:]
        for (key, value) in data where key.hasSuffix(".key") {
            guard let index = names.replicaIndex(of: String(key.dropLast(4))),
                let text = decodeBase64Text(value)?.filter({ !$0.isWhitespace }), !text.isEmpty
            else { continue }
            let pem = data["\(names.pod(index)).pem"].flatMap(decodeBase64Text)
            result[index] = Credentials(privateKey: text, certificatePEM: pem)
        }
        return result
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func decodeBase64Text(_ value: String) -> String? {
        Data(base64Encoded: value).map { String(decoding: $0, as: UTF8.self) }
    }
}
