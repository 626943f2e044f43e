public import Logging
public import RelayCore
public import Telemetry

/// The relay's validated configuration: keys and certificate loaded and checked, addresses parsed, defaults filled.
public struct RelayServerConfiguration: Sendable {
    /// Addresses the UDP sockets bind.
    public var listenAddresses: [String]
    /// The UDP port (0: a free one, for tests).
    public var port: Int
    /// SO_REUSEPORT sockets per listen address.
    public var sockets: Int
    /// Datagrams per vector read (recvmmsg).
    public var readBatch: Int
    /// SO_RCVBUF and SO_SNDBUF per socket.
    public var socketBufferBytes: Int
    /// Largest datagram forwarded; larger ones are dropped.
    public var maxDatagramBytes: Int
    /// Ask the kernel for UDP GRO (coalesced receive trains).
    public var udpGRO: Bool
    /// UDP GSO on send: a session's train (with ``udpGRO``) and, on the batched data plane, runs of plain datagrams
    /// for one destination leave as one segmentation-offload write.
    public var udpGSO: Bool
    /// Linux: the relay's own batched socket threads (recvmmsg/sendmmsg); false, or another system: NIO channels.
    public var batchedIO: Bool
    /// Address of the admin HTTP server.
    public var adminAddress: String
    /// Port of the admin HTTP server (0: a free one).
    public var adminPort: Int
    /// The relay's X25519 private key.
    public var privateKey: PrivateKey
    /// The relay's certificate (role relay, for ``privateKey``).
    public var certificate: TailnetCertificate
    /// The file the certificate was read from (watched for reloads).
    public var certificateFile: String
    /// Reloadable.
    public var trust: RelayTrust
    /// Reloadable. Empty: derive from the bound sockets.
    public var advertisedEndpoints: [EndpointAddress]
    /// Reloadable.
    public var limits: RelayLimits
    /// Text or JSON lines.
    public var logFormat: LogFormat
    /// The least severe level logged.
    public var logLevel: Logger.Level
    /// How often the config file and the files it names are checked for changes.
    public var reloadInterval: Duration
    /// Where the relay fetches revocations from, if anywhere (restart to change).
    public var coordinator: CoordinatorSource?

    /// The tailnet this relay serves (from its certificate).
    public var tailnetID: String { certificate.tailnetID }

    /// Resolves merged settings (see ``RelaySettings/overriding(_:)``) into a configuration, loading the key,
    /// certificate and CA key files. What no layer sets comes from ``RelaySettings/defaults``; `coreCount` is the
    /// default socket count.
    public init(settings given: RelaySettings, coreCount: Int, now: Timestamp = .now()) throws(RelayConfigurationError)
    {
        let settings = given.overriding(.defaults)
        listenAddresses = settings.listenAddresses ?? []
        guard !listenAddresses.isEmpty else { throw .badListenAddress("(empty list)") }
        for address in listenAddresses where ListenAddress.family(of: address) == nil {
            throw .badListenAddress(address)
        }
        port = settings.port!
        sockets = settings.sockets ?? max(1, coreCount)
        readBatch = settings.readBatch!
        socketBufferBytes = settings.socketBufferBytes!
        maxDatagramBytes = settings.maxDatagramBytes!
        udpGRO = settings.udpGRO!
        udpGSO = settings.udpGSO!
        batchedIO = settings.batchedIO!
        adminAddress = settings.adminAddress!
        adminPort = settings.adminPort!
        guard let format = LogFormat(parsing: settings.logFormat!) else { throw .badLogFormat(settings.logFormat!) }
        logFormat = format
        guard let level = Logger.Level(parsing: settings.logLevel!) else { throw .badLogLevel(settings.logLevel!) }
        logLevel = level
        reloadInterval = .milliseconds(settings.reloadIntervalMilliseconds!)
        limits = settings.limits()

        guard let keyPath = settings.privateKeyFile else { throw .missingSetting(field: "privateKeyFile") }
        guard let certificatePath = settings.certificateFile else { throw .missingSetting(field: "certificateFile") }
        do {
            privateKey = try KeyFile.readPrivateKey(at: keyPath)
        } catch {
            throw .keyFile(error)
        }
        certificateFile = certificatePath
        certificate = try Self.loadCertificate(at: certificatePath)
        trust = try Self.trust(from: settings)
        advertisedEndpoints = try Self.endpoints(from: settings)
        try Self.check(certificate, path: certificatePath, privateKey: privateKey, trust: trust, now: now)
        coordinator = try CoordinatorSource(settings: settings)
    }

    /// Merges the three layers (flags over environment over file) and resolves them.
    public init(
        flags: RelaySettings, environment: RelaySettings, file: RelaySettings?, coreCount: Int,
        now: Timestamp = .now()
    ) throws(RelayConfigurationError) {
        let merged = flags.overriding(environment).overriding(file ?? RelaySettings())
        try self.init(settings: merged, coreCount: coreCount, now: now)
    }

    static func loadCertificate(at path: String) throws(RelayConfigurationError) -> TailnetCertificate {
        let text: String
        do {
            text = try KeyFile.readText(at: path)
        } catch {
            throw .keyFile(error)
        }
        do {
            return try TailnetCertificate(pem: text)
        } catch {
            throw .malformedCertificate(path: path, reason: "\(error)")
        }
    }

    /// The trust settings (CA keys and revoked serials) of `settings`.
    static func trust(from settings: RelaySettings) throws(RelayConfigurationError) -> RelayTrust {
        var keys: [CAPublicKey] = []
        for text in settings.caKeys ?? [] {
            guard let key = CAPublicKey(base64: text) else { throw .badCAKey(text) }
            keys.append(key)
        }
        for path in settings.caKeyFiles ?? [] {
            do {
                keys.append(try KeyFile.readCAPublicKey(at: path))
            } catch {
                throw .keyFile(error)
            }
        }
        guard !keys.isEmpty else { throw .noTrustedCAs }
        return RelayTrust(caKeys: keys, revokedSerials: Set(settings.revokedSerials ?? []))
    }

    static func endpoints(from settings: RelaySettings) throws(RelayConfigurationError) -> [EndpointAddress] {
        var endpoints: [EndpointAddress] = []
        for text in settings.advertisedEndpoints ?? [] {
            guard let endpoint = EndpointAddress(text) else { throw .badEndpoint(text) }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    /// The relay's own certificate must be one clients accept: role relay, for this key, signed by a trusted CA,
    /// currently valid.
    static func check(
        _ certificate: TailnetCertificate, path: String, privateKey: PrivateKey, trust: RelayTrust, now: Timestamp
    ) throws(RelayConfigurationError) {
        guard certificate.role == .relay else {
            throw .certificateNotRelay(path: path, role: "\(certificate.role)")
        }
        guard certificate.subjectKey == privateKey.publicKey else {
            throw .certificateKeyMismatch(
                path: path, certificateKey: certificate.subjectKey.shortDescription,
                privateKeyPublic: privateKey.publicKey.shortDescription)
        }
        do {
            try trust.verifier(tailnetID: certificate.tailnetID)
                .verify(certificate, role: .relay, sealedBy: privateKey.publicKey, now: now)
        } catch {
            throw .certificateNotTrusted(path: path, reason: error.description)
        }
    }
}
