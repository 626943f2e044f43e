/// The kubeconfig file schema (clientcmd v1), as far as this client supports it.
struct KubeConfigFile: Decodable, Sendable {
    struct Cluster: Decodable, Sendable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        var proxyURL: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }

    struct ExecConfig: Decodable, Sendable {
        struct Env: Decodable, Sendable {
            var name: String
            var value: String
        }
        var apiVersion: String?
        var command: String?
        var args: [String]?
        var env: [Env]?
        var interactiveMode: String?
        var provideClusterInfo: Bool?
        var installHint: String?
    }

    struct User: Decodable, Sendable {
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        var username: String?
        var password: String?
        var exec: ExecConfig?
        var authProvider: JSONValue?

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token, tokenFile, username, password, exec
            case authProvider = "auth-provider"
        }
    }

    struct Context: Decodable, Sendable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    struct NamedCluster: Decodable, Sendable {
        var name: String
        var cluster: Cluster
    }
    struct NamedUser: Decodable, Sendable {
        var name: String
        var user: User
    }
    struct NamedContext: Decodable, Sendable {
        var name: String
        var context: Context
    }

    var apiVersion: String?
    var kind: String?
    var currentContext: String?
    var clusters: [NamedCluster]?
    var users: [NamedUser]?
    var contexts: [NamedContext]?

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, clusters, users, contexts
        case currentContext = "current-context"
    }
}
