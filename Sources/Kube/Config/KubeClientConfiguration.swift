public import CurlHTTP

/// How the client authenticates.
public enum KubeAuth: Sendable, Equatable {
    case none
    /// A fixed bearer token.
    case token(String)
    /// A bearer token read from a file and re-read (every minute and after a 401) so rotation works.
    case tokenFile(String)
    /// A client.authentication.k8s.io exec credential plugin.
    case exec(ExecCredentialConfig)
}

/// An exec credential plugin invocation.
public struct ExecCredentialConfig: Sendable, Equatable {
    /// The ExecCredential API version the plugin speaks.
    public var apiVersion: String
    /// The plugin executable.
    public var command: String
    /// Its arguments.
    public var arguments: [String]
    /// Environment variables added to the client's own.
    public var environment: [String: String]
    /// Shown when the plugin is not installed.
    public var installHint: String?
    /// Pass the cluster (server, CA) to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// The directory relative commands resolve against (the kubeconfig's directory).
    public var workingDirectory: String?

    /// An exec plugin `command` with `arguments` and `environment`.
    public init(
        apiVersion: String = "client.authentication.k8s.io/v1", command: String, arguments: [String] = [],
        environment: [String: String] = [:], installHint: String? = nil, provideClusterInfo: Bool = false,
        workingDirectory: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.workingDirectory = workingDirectory
    }
}

/// Everything needed to talk to one API server as one user.
public struct KubeClientConfiguration: Sendable {
    /// Base URL without a trailing slash, e.g. "https://127.0.0.1:6443".
    public var server: String
    /// Trust for the API server's certificate and the client certificate, if any.
    public var tls: TLSConfiguration
    /// How requests authenticate.
    public var auth: KubeAuth
    /// The default namespace (context namespace, in-cluster namespace file, or "default").
    public var namespace: String
    /// The `User-Agent` sent with every request.
    public var userAgent: String
    /// Longest wait for a connection.
    public var connectTimeout: Duration
    /// Longest time for a non-watch request.
    public var requestTimeout: Duration
    /// Retries for 429 and 5xx answers (honouring Retry-After) and for connection failures of reads.
    public var maxRetries: Int
    /// Upper bound for one wait between retries.
    public var maxRetryDelay: Duration
    /// Where this configuration came from, for messages ("kubeconfig /x, context y" or "in-cluster").
    public var source: String

    /// A configuration for `server`; the rest has working defaults.
    public init(
        server: String, tls: TLSConfiguration = TLSConfiguration(), auth: KubeAuth = .none,
        namespace: String = "default",
        userAgent: String = "peerrelay", connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(60),
        maxRetries: Int = 5, maxRetryDelay: Duration = .seconds(10), source: String = "explicit"
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.auth = auth
        self.namespace = namespace
        self.userAgent = userAgent
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxRetries = maxRetries
        self.maxRetryDelay = maxRetryDelay
        self.source = source
    }
}
