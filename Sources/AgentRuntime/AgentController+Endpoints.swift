import Agent
import Logging
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

    /// The endpoints to publish (`LocalCandidates`): the interface addresses `candidateFilter` keeps, with the
    /// tailnet port (IPv6 global ones only when the tailnet port has an IPv6 socket), plus reflexive addresses.
    /// Returns them when they changed since the last call, and logs which addresses were left out and why.
    func refreshEndpoints(tailnetPort: UInt16) -> [EndpointAddress]? {
        let interfaces = InterfaceAddress.system()
        let next = LocalCandidates.endpoints(
            interfaces: interfaces, filter: candidateFilter, ipv6: plane.hasIPv6, port: tailnetPort,
            reflexive: reflexive.values)
        guard next != endpoints else { return nil }
        endpoints = next
        let left = interfaces.compactMap { record -> String? in
            guard let why = candidateFilter.exclusion(of: record), why != .loopbackInterface, why != .notGlobalIPv6
            else { return nil }
            return "\(record.interface) \(Self.text(record.address)) (\(why))"
        }
        if !left.isEmpty { logger.info("not published as direct candidates: \(left.joined(separator: ", "))") }
        return next
    }

    /// An interface address as text ("192.0.2.7", "[2001:db8::7]").
    static func text(_ address: InterfaceAddress.Address) -> String {
        let endpoint =
            switch address {
            case .ipv4(let value): EndpointAddress(ipv4: value, port: 0)
            case .ipv6(let bytes): EndpointAddress(ipv6: bytes, port: 0)
            }
        return String(endpoint.description.dropLast(2))  // without ":0"
    }
}

extension AgentController {
    /// Publishing failed: publish again next time even if nothing changed.
    func forgetPublishedEndpoints() {
        endpoints = []
    }
}
