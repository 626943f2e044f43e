import Agent
import CRelayIO
import NIOCore
import RelayCore
import RelayNIO
import Tailnet

extension AgentController {
    /// Sends STUN Binding Requests from the tailnet port to the coordinator and to every relay.
    func discoverReflexive(coordinatorSTUN: SocketAddress?) {
        var targets: [(String, SocketAddress)] = relays.values.map { ("relay \($0.info.name)", $0.address) }
        if let coordinatorSTUN { targets.append(("coordinator", coordinatorSTUN)) }
        pendingSTUN = [:]
        for (name, address) in targets {
            let id = STUNTransactionID.random()
            pendingSTUN[id] = name
            plane.send(STUNMessage.bindingRequest(id).encoded(), to: address)
        }
    }

    func handleSTUN(_ bytes: [UInt8]) {
        guard
            case .bindingResponse(let id, let mapped)? = try? bytes.withUnsafeBytes({ try STUNMessage(decoding: $0) }),
            let server = pendingSTUN.removeValue(forKey: id)
        else { return dropped("stun_unsolicited") }
        reflexive[server] = mapped
    }

    /// The endpoints to publish (`LocalCandidates`): interface addresses with the tailnet port — IPv6 global ones
    /// only when the tailnet port has an IPv6 socket — plus reflexive addresses. Returns them when they changed
    /// since the last call.
    func refreshEndpoints(tailnetPort: UInt16) -> [EndpointAddress]? {
        let next = LocalCandidates.endpoints(
            ipv4: Self.interfaceAddresses(), ipv6: plane.hasIPv6 ? Self.interfaceIPv6Addresses() : [],
            port: tailnetPort, reflexive: reflexive.values)
        guard next != endpoints else { return nil }
        endpoints = next
        return next
    }

    /// IPv4 addresses of up, non-loopback interfaces (host order).
    static func interfaceAddresses() -> [UInt32] {
        var addresses = [UInt32](repeating: 0, count: 64)
        let count = Int(relay_io_interface_ipv4(&addresses, UInt32(addresses.count)))
        guard count > 0 else { return [] }
        return Array(addresses.prefix(min(count, addresses.count)))
    }

    /// IPv6 addresses (16 bytes each) of up interfaces.
    static func interfaceIPv6Addresses() -> [[UInt8]] {
        var bytes = [UInt8](repeating: 0, count: 64 * 16)
        let count = min(Int(relay_io_interface_ipv6(&bytes, 64)), 64)
        guard count > 0 else { return [] }
        return (0..<count).map { Array(bytes[$0 * 16..<($0 + 1) * 16]) }
    }
}

extension AgentController {
    /// Publishing failed: publish again next time even if nothing changed.
    func forgetPublishedEndpoints() {
        endpoints = []
    }
}
