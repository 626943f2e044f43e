import Agent
import FallbackClient
import Logging
import NIOCore
import RelayClient
import RelayCore

extension AgentService {
    /// Keeps the node connected to the fallback relay the netmap names, with its certificate: packets from peers
    /// go to the data plane (WireGuard to wireguard-go, probes to the controller), the connection state to every
    /// peer's path policy. Reconnects on a new URL or certificate; waits while the netmap names none.
    func runFallback(controller: AgentController, plane: DataPlane) async throws {
        let logger = self.logger
        while !Task.isCancelled {
            guard let listed = await controller.fallbackURL else {
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            let url = FallbackURL.resolve(listed, coordinator: configuration.coordinator)
            let certificateBytes = await controller.certificate
            let client: FallbackClient
            do {
                let endpoint = try FallbackEndpoint(url: url)
                let certificate = try TailnetCertificate(decoding: certificateBytes)
                let identity = try RelayIdentity(privateKey: controller.identity.controlKey, certificate: certificate)
                var settings = FallbackClientConfiguration()
                if let caFile = configuration.coordinatorCA {
                    settings = try FallbackClientConfiguration.trusting(caFile: caFile)
                }
                settings.reconnectMaximum = .seconds(5)
                settings.packetHandler = { source, payload, _ in
                    plane.fromFallback(sender: source, bytes: Array(payload.readableBytesView))
                }
                client = FallbackClient(endpoint: endpoint, identity: identity, configuration: settings, logger: logger)
            } catch {
                logger.error("cannot use the fallback relay \(url): \(error); retrying in 10 s")
                try await Task.sleep(for: .seconds(10))
                continue
            }
            logger.info("connecting to the fallback relay \(url)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await client.run()
                    } catch {
                        logger.error("fallback relay \(url) refused this node: \(error); retrying in 30 s")
                        try await Task.sleep(for: .seconds(30))
                    }
                }
                group.addTask {
                    for await event in client.events {
                        switch event {
                        case .connected:
                            plane.setFallback { peer, bytes in try? client.send(to: peer, payload: bytes) }
                            await controller.setFallbackConnected(true)
                        case .disconnected(let error):
                            plane.setFallback(nil)
                            await controller.setFallbackConnected(false)
                            logger.info("fallback relay connection lost: \(error)")
                        case .packet(let source, let payload, _):
                            plane.fromFallback(sender: source, bytes: Array(payload.readableBytesView))
                        case .peerGone, .peerPresent:
                            break
                        }
                    }
                }
                group.addTask {
                    while await controller.fallbackURL == listed, await controller.certificate == certificateBytes {
                        try await Task.sleep(for: .seconds(1))
                    }
                    logger.info("the netmap's fallback relay or certificate changed; reconnecting")
                }
                try await group.next()
                group.cancelAll()
            }
            plane.setFallback(nil)
            await controller.setFallbackConnected(false)
        }
    }
}
