import Interchange
public import RelayCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The relay-server config file of one replica: ``RelaySettings`` (RelayCore), the contract relay-server reads, as
/// byte-stable JSON (docs/relay-server.md "Config file and reload").
///
/// Everything in it is reloadable except `port` and `logFormat`, so endpoint, CA and limit changes reach a running
/// relay without a restart. Key and certificate paths are flags (`$(POD_NAME)` in the pod template). Limits the spec
/// leaves unset are left out, so relay-server's own defaults apply.
public struct RelayConfigFile: Sendable, Equatable {
    /// What the file says.
    public var settings: RelaySettings

    /// The file saying `settings`.
    public init(settings: RelaySettings) {
        self.settings = settings
    }

    /// The file of replica with `endpoints` under `spec` (assumed valid).
    public init(spec: PeerRelaySpec, caKeys: [String], endpoints: [String]) {
        var settings = RelaySettings()
        settings.port = spec.effectivePort
        settings.caKeys = caKeys.sorted()
        settings.advertisedEndpoints = endpoints.isEmpty ? nil : endpoints
        settings.idleTimeoutSeconds =
            (try? IdleTimeout.seconds(spec.limits?.idleTimeout).get()) ?? IdleTimeout.defaultSeconds
        settings.maxSessions = spec.limits?.maxSessions
        settings.maxSessionsPerNode = spec.limits?.maxSessionsPerNode
        settings.logFormat = "json"
        // The relay follows the coordinator's revocation list itself (long poll with its relay certificate), so a
        // removed node's open sessions end within moments on every relay the operator runs.
        settings.coordinatorURL = spec.tailnet.coordinatorURL
        self.init(settings: settings)
    }

    /// The file in `text`, or nil when it is not a relay config file.
    public init?(text: String) {
        guard let settings = try? JSONDecoder().decode(RelaySettings.self, from: Data(text.utf8)) else { return nil }
        self.init(settings: settings)
    }

    /// Byte-stable JSON text (sorted keys, unset settings left out, newline at the end).
    ///
    /// Encoding cannot fail: the operator sets no floating-point setting, so there is no non-finite number to refuse.
    public var text: String {
        ((try? JSONValue(encoding: settings))?.jsonString() ?? "{}") + "\n"
    }
}
