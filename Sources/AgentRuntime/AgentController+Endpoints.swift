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

    /// The endpoints to publish: every non-loopback interface address with the tailnet port, plus reflexive
    /// addresses. Returns them when they changed since the last call.
    func refreshEndpoints(tailnetPort: UInt16) -> [EndpointAddress]? {
        var next = Set(reflexive.values)
        for address in Self.interfaceAddresses() { next.insert(EndpointAddress(ipv4: address, port: tailnetPort)) }
        let sorted = next.sorted { $0.description < $1.description }
        guard sorted != endpoints else { return nil }
        endpoints = sorted
        return sorted
    }

    /// IPv4 addresses of up, non-loopback interfaces (host order).
    static func interfaceAddresses() -> [UInt32] {
        var addresses = [UInt32](repeating: 0, count: 64)
        let count = Int(relay_io_interface_ipv4(&addresses, UInt32(addresses.count)))
        guard count > 0 else { return [] }
        // Tailnet addresses (100.64.0.0/10) are inside the tunnel: never a candidate for reaching it.
        return addresses.prefix(count).filter { $0 & 0xFFC0_0000 != 0x6440_0000 }
    }
}

extension AgentController {
    /// Publishing failed: publish again next time even if nothing changed.
    func forgetPublishedEndpoints() {
        endpoints = []
    }
}
