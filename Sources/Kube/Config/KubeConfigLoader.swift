import CurlHTTP

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    import Foundation
#endif

/// Loads kubeconfig files the way kubectl does: an explicit path, else the `KUBECONFIG` list (merged,
/// the first file to define a name wins), else `~/.kube/config`; then picks a context.
public enum KubeConfigLoader {
    /// - Parameters:
    ///   - path: an explicit kubeconfig (must exist); overrides `KUBECONFIG`.
    ///   - context: a context name; overrides `current-context`.
    public static func load(
        path: String? = nil, context: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeConfigError) -> KubeClientConfiguration {
        let paths: [String]
        if let path {
            guard FileManager.default.fileExists(atPath: path) else {
                throw KubeConfigError(file: path, "the kubeconfig file does not exist; check the path")
            }
            paths = [path]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init).filter { FileManager.default.fileExists(atPath: $0) }
            guard !paths.isEmpty else {
                throw KubeConfigError(
                    "none of the files in KUBECONFIG=\(list) exists; set KUBECONFIG to a kubeconfig file")
            }
        } else {
            let home = environment["HOME"] ?? "/root"
            let defaultPath = home + "/.kube/config"
            guard FileManager.default.fileExists(atPath: defaultPath) else {
                throw KubeConfigError(
                    "no kubeconfig: KUBECONFIG is unset and \(defaultPath) does not exist; "
                        + "set KUBECONFIG or pass a path"
                )
            }
            paths = [defaultPath]
        }
        var files: [ParsedFile] = []
        for path in paths {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw KubeConfigError(file: path, "cannot read the kubeconfig: \(error)")
            }
            files.append(try parse(text, file: path))
        }
        return try resolve(files, context: context)
    }

    /// Builds a configuration from kubeconfig text (relative paths resolve against `file`'s directory).
    public static func load(text: String, file: String, context: String? = nil) throws(KubeConfigError)
        -> KubeClientConfiguration
    {
        try resolve([parse(text, file: file)], context: context)
    }

    struct ParsedFile {
        var path: String
        var node: YAMLNode
        var config: KubeConfigFile

        var directory: String {
            guard let slash = path.lastIndex(of: "/") else { return "." }
            return String(path[..<slash])
        }
    }

    static func parse(_ text: String, file: String) throws(KubeConfigError) -> ParsedFile {
        do {
            let documents = try YAMLParser.parseDocuments(text, file: file)
            guard let node = documents.first else {
                return ParsedFile(
                    path: file, node: YAMLNode(.mapping([]), mark: YAMLMark(line: 1, column: 1)),
                    config: KubeConfigFile())
            }
            let config = try YAMLDecoder().decode(KubeConfigFile.self, from: node, file: file)
            return ParsedFile(path: file, node: node, config: config)
        } catch let error as YAMLError {
            throw KubeConfigError(file: error.file, mark: error.mark, error.problem)
        } catch {
            throw KubeConfigError(file: file, "\(error)")
        }
    }

    /// The position of `list[index].<entry>.<field>` (or of the list item) for messages.
    static func mark(_ file: ParsedFile, _ list: String, _ index: Int, _ entry: String? = nil, _ field: String? = nil)
        -> YAMLMark?
    {
        var node = file.node[list]?[index]
        if let entry { node = node?[entry] ?? node }
        if let field { node = node?[field] ?? node }
        return node?.mark
    }

    static func resolve(_ files: [ParsedFile], context explicitContext: String?) throws(KubeConfigError)
        -> KubeClientConfiguration
    {
        // Merge: the first file to define a name wins.
        var clusters: [String: (ParsedFile, Int, KubeConfigFile.Cluster)] = [:]
        var users: [String: (ParsedFile, Int, KubeConfigFile.User)] = [:]
        var contexts: [String: (ParsedFile, Int, KubeConfigFile.Context)] = [:]
        var current: (String, ParsedFile)?
        for file in files {
            for (index, entry) in (file.config.clusters ?? []).enumerated() where clusters[entry.name] == nil {
                clusters[entry.name] = (file, index, entry.cluster)
            }
            for (index, entry) in (file.config.users ?? []).enumerated() where users[entry.name] == nil {
                users[entry.name] = (file, index, entry.user)
            }
            for (index, entry) in (file.config.contexts ?? []).enumerated() where contexts[entry.name] == nil {
                contexts[entry.name] = (file, index, entry.context)
            }
            if current == nil, let name = file.config.currentContext, !name.isEmpty { current = (name, file) }
        }
        let allFiles = files.map(\.path).joined(separator: ", ")
        guard let contextName = explicitContext ?? current?.0 else {
            throw KubeConfigError(
                file: files.first?.path,
                "no context selected: current-context is not set in \(allFiles); "
                    + "set it (kubectl config use-context) or pass a context"
            )
        }
        guard let (contextFile, contextIndex, context) = contexts[contextName] else {
            let known = contexts.keys.sorted().joined(separator: ", ")
            let where_ = explicitContext == nil ? current?.1 : nil
            throw KubeConfigError(
                file: where_?.path ?? files.first?.path, mark: where_?.node["current-context"]?.mark,
                "context \"\(contextName)\" is not defined (defined: \(known.isEmpty ? "none" : known)); "
                    + "fix the name or add the context"
            )
        }
        guard let clusterName = context.cluster, !clusterName.isEmpty else {
            throw KubeConfigError(
                file: contextFile.path, mark: mark(contextFile, "contexts", contextIndex, "context"),
                "context \"\(contextName)\" names no cluster; add `cluster: <name>`")
        }
        guard let (clusterFile, clusterIndex, cluster) = clusters[clusterName] else {
            throw KubeConfigError(
                file: contextFile.path, mark: mark(contextFile, "contexts", contextIndex, "context", "cluster"),
                "context \"\(contextName)\" refers to cluster \"\(clusterName)\", which is not defined in \(allFiles)")
        }
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeConfigError(
                file: clusterFile.path, mark: mark(clusterFile, "clusters", clusterIndex, "cluster"),
                "cluster \"\(clusterName)\" has no server; add `server: https://host:port`")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw KubeConfigError(
                file: clusterFile.path, mark: mark(clusterFile, "clusters", clusterIndex, "cluster", "server"),
                "server \"\(server)\" of cluster \"\(clusterName)\" must start with https:// or http://")
        }
        var tls = TLSConfiguration(insecureSkipVerify: cluster.insecureSkipTLSVerify ?? false)
        if let data = cluster.certificateAuthorityData, !data.isEmpty {
            tls.certificateAuthority = .data(
                try base64(
                    data, clusterFile,
                    mark(clusterFile, "clusters", clusterIndex, "cluster", "certificate-authority-data"),
                    "certificate-authority-data"))
        } else if let path = cluster.certificateAuthority, !path.isEmpty {
            tls.certificateAuthority = .file(
                try existing(
                    path, relativeTo: clusterFile,
                    mark(clusterFile, "clusters", clusterIndex, "cluster", "certificate-authority"),
                    "certificate-authority"))
        }

        var auth = KubeAuth.none
        if let userName = context.user, !userName.isEmpty {
            guard let (userFile, userIndex, user) = users[userName] else {
                throw KubeConfigError(
                    file: contextFile.path, mark: mark(contextFile, "contexts", contextIndex, "context", "user"),
                    "context \"\(contextName)\" refers to user \"\(userName)\", which is not defined in \(allFiles)")
            }
            func at(_ field: String) -> YAMLMark? { mark(userFile, "users", userIndex, "user", field) }
            if let data = user.clientCertificateData, !data.isEmpty {
                tls.clientCertificate = .data(
                    try base64(data, userFile, at("client-certificate-data"), "client-certificate-data"))
            } else if let path = user.clientCertificate, !path.isEmpty {
                tls.clientCertificate = .file(
                    try existing(path, relativeTo: userFile, at("client-certificate"), "client-certificate"))
            }
            if let data = user.clientKeyData, !data.isEmpty {
                tls.clientKey = .data(try base64(data, userFile, at("client-key-data"), "client-key-data"))
            } else if let path = user.clientKey, !path.isEmpty {
                tls.clientKey = .file(try existing(path, relativeTo: userFile, at("client-key"), "client-key"))
            }
            if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
                throw KubeConfigError(
                    file: userFile.path, mark: mark(userFile, "users", userIndex, "user"),
                    "user \"\(userName)\" has a client certificate without a key "
                        + "or a key without a certificate; set both"
                )
            }
            if let token = user.token, !token.isEmpty {
                auth = .token(token)
            } else if let path = user.tokenFile, !path.isEmpty {
                auth = .tokenFile(try existing(path, relativeTo: userFile, at("tokenFile"), "tokenFile"))
            } else if let exec = user.exec {
                guard let command = exec.command, !command.isEmpty else {
                    throw KubeConfigError(
                        file: userFile.path, mark: at("exec"), "exec plugin of user \"\(userName)\" has no command")
                }
                let apiVersion = exec.apiVersion ?? ""
                guard
                    apiVersion == "client.authentication.k8s.io/v1"
                        || apiVersion == "client.authentication.k8s.io/v1beta1"
                else {
                    throw KubeConfigError(
                        file: userFile.path, mark: at("exec"),
                        "exec apiVersion \"\(apiVersion)\" is not supported; use client.authentication.k8s.io/v1")
                }
                auth = .exec(
                    ExecCredentialConfig(
                        apiVersion: apiVersion, command: command, arguments: exec.args ?? [],
                        environment: Dictionary((exec.env ?? []).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                        installHint: exec.installHint, provideClusterInfo: exec.provideClusterInfo ?? false,
                        workingDirectory: userFile.directory))
            } else if user.authProvider != nil {
                throw KubeConfigError(
                    file: userFile.path, mark: at("auth-provider"),
                    "auth-provider plugins are not supported; use an exec credential plugin or a token")
            } else if user.username != nil || user.password != nil {
                throw KubeConfigError(
                    file: userFile.path, mark: at("username"),
                    "basic authentication (username/password) is not supported; use a token or client certificate")
            }
        }
        let namespace = context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return KubeClientConfiguration(
            server: server, tls: tls, auth: auth, namespace: namespace,
            source: "kubeconfig \(contextFile.path), context \(contextName)")
    }

    static func base64(_ text: String, _ file: ParsedFile, _ mark: YAMLMark?, _ field: String) throws(KubeConfigError)
        -> [UInt8]
    {
        let cleaned = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: cleaned), !data.isEmpty else {
            throw KubeConfigError(
                file: file.path, mark: mark, "\(field) is not valid base64; it must be the base64 of a PEM file")
        }
        return Array(data)
    }

    static func existing(_ path: String, relativeTo file: ParsedFile, _ mark: YAMLMark?, _ field: String)
        throws(KubeConfigError) -> String
    {
        let resolved = path.hasPrefix("/") ? path : file.directory + "/" + path
        guard FileManager.default.fileExists(atPath: resolved) else {
            throw KubeConfigError(file: file.path, mark: mark, "\(field) \(resolved) does not exist; fix the path")
        }
        return resolved
    }
}
