import CoreMetrics
import Logging
import NIOConcurrencyHelpers
import RelayCore
import ServiceLifecycle

/// Re-reads the config file, and every file the configuration names (private key, certificate, CA key files), every
/// `interval`, and applies changes to the reloadable settings (advertised endpoints, CA keys, revoked serials,
/// limits, the relay certificate) without touching sessions. Other changes are logged as needing a restart. A
/// configuration that no longer validates keeps the running one, is logged and counted, and makes `/readyz` fail
/// until fixed. A new relay key ends the service with ``RelayConfigurationError/privateKeyChanged`` (and with it
/// the relay, which exits so that its supervisor starts it again on the new key): clients learn the new key from
/// the coordinator and seal to it, so a relay that kept the old one would drop every request while looking alive.
final class ConfigWatcher: Service, Sendable {
    private let path: String
    private let flags: RelaySettings
    private let environment: RelaySettings
    private let coreCount: Int
    private let apply: @Sendable (RelayServerConfiguration) throws(RelayConfigurationError) -> Void
    private let metrics: RelayMetrics
    private let logger: Logger
    private let state: NIOLockedValueBox<State>
    let interval: Duration

    struct State {
        /// The bytes of the config file and of each file it names, as last checked.
        var lastInputs: [String: [UInt8]]
        var lastSettings: RelaySettings
        var problem: String?
        /// Set when the files name a new relay key: only a restart can take it.
        var restartRequired: RelayConfigurationError?
    }

    init(
        path: String, initialBytes: [UInt8], flags: RelaySettings, environment: RelaySettings, coreCount: Int,
        interval: Duration, metrics: RelayMetrics, logger: Logger,
        apply: @escaping @Sendable (RelayServerConfiguration) throws(RelayConfigurationError) -> Void
    ) throws(RelayConfigurationError) {
        self.path = path
        self.flags = flags
        self.environment = environment
        self.coreCount = coreCount
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
        self.apply = apply
        let merged = flags.overriding(environment).overriding(try RelaySettings(configJSON: initialBytes, path: path))
        state = NIOLockedValueBox(
            State(lastInputs: Self.inputs(path: path, bytes: initialBytes, settings: merged), lastSettings: merged))
    }

    /// Why the current configuration is not in effect, or nil when it is.
    var problem: String? { state.withLockedValue { $0.problem } }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.interval)
                } catch {
                    return
                }
                self.check()
                if let error = self.state.withLockedValue({ $0.restartRequired }) { throw error }
            }
        }
    }

    /// The config file's bytes with the bytes of every file `settings` names (empty for a file that cannot be read:
    /// resolving the configuration then says why).
    static func inputs(path: String, bytes: [UInt8], settings: RelaySettings) -> [String: [UInt8]] {
        var inputs = [path: bytes]
        let named = [settings.privateKeyFile, settings.certificateFile].compactMap { $0 } + (settings.caKeyFiles ?? [])
        for file in named where inputs[file] == nil {
            inputs[file] = (try? ConfigFileReader.read(file)) ?? []
        }
        return inputs
    }

    /// Reads the config file and the files it names once, and applies them when any changed. Returns true when a new
    /// configuration was applied.
    @discardableResult
    func check() -> Bool {
        let bytes: [UInt8]
        do {
            bytes = try ConfigFileReader.read(path)
        } catch {
            fail(error)
            return false
        }
        let file: RelaySettings
        do {
            file = try RelaySettings(configJSON: bytes, path: path)
        } catch {
            fail(error)
            return false
        }
        let merged = flags.overriding(environment).overriding(file)
        let inputs = Self.inputs(path: path, bytes: bytes, settings: merged)
        let unchanged = state.withLockedValue { $0.lastInputs == inputs && $0.problem == nil }
        if unchanged { return false }
        do {
            let configuration = try RelayServerConfiguration(settings: merged, coreCount: coreCount)
            try apply(configuration)
            let previous = state.withLockedValue { state in
                let previous = state.lastSettings
                state = State(lastInputs: inputs, lastSettings: merged, problem: nil)
                return previous
            }
            metrics.configReloads["ok"]?.increment()
            let needRestart = RelaySettingField.all.filter { !$0.reloadable && !$0.isEqual(previous, merged) }
            logger.info(
                "config file reloaded",
                metadata: [
                    "path": "\(path)",
                    "advertised": .array(configuration.advertisedEndpoints.map { .string("\($0)") }),
                    "caKeys": "\(configuration.trust.caKeys.count)",
                    "certificateSerial": "\(configuration.certificate.serial)",
                ])
            if !needRestart.isEmpty {
                logger.warning(
                    "config file changes settings that only take effect after a restart",
                    metadata: ["settings": .array(needRestart.map { .string($0.key) })])
            }
            return true
        } catch {
            state.withLockedValue { $0.lastInputs = inputs }
            if case .privateKeyChanged = error {
                state.withLockedValue { $0.restartRequired = error }
                logger.critical("the relay key changed; stopping so that relay-server starts again with the new key")
            }
            fail(error)
            return false
        }
    }

    private func fail(_ error: RelayConfigurationError) {
        let message = error.description
        let isNew = state.withLockedValue { state in
            defer { state.problem = message }
            return state.problem != message
        }
        metrics.configReloads["error"]?.increment()
        if isNew {
            logger.error(
                "config file not applied; keeping the running configuration", metadata: ["error": "\(message)"])
        }
    }
}
