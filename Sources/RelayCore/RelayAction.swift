/// Where a data datagram goes.
public enum Route: Sendable, Hashable {
    /// Send the datagram, unchanged, to this address.
    case forward(EndpointAddress)
    /// Drop it; counted under this reason.
    case drop(DropReason)
}

/// A datagram the relay must send.
public struct OutboundDatagram: Sendable, Hashable {
    /// The whole datagram.
    public var bytes: [UInt8]
    /// Where to send it.
    public var destination: EndpointAddress

    /// Creates a datagram to send.
    public init(bytes: [UInt8], destination: EndpointAddress) {
        self.bytes = bytes
        self.destination = destination
    }
}

/// What happened to a control datagram (for logs and tests).
public enum ControlEvent: Sendable, Hashable {
    /// Allocate accepted; `created` is false when the pair's session already existed.
    case allocated(vni: UInt32, sender: PublicKey, peer: PublicKey, created: Bool)
    /// Bind accepted, Challenge sent.
    case challenged(vni: UInt32, sender: PublicKey)
    /// Answer accepted: `sender` is bound to `address`; `moved` if it was bound elsewhere before.
    case bound(vni: UInt32, sender: PublicKey, address: EndpointAddress, moved: Bool, sessionOpen: Bool)
    /// Refused with a sealed Error reply (or silently when `reply` is nil, e.g. a repeated rate-limit refusal).
    case refused(DropReason, RelayErrorCode, detail: String)
    /// Dropped silently.
    case dropped(DropReason)
}

/// Result of handling one control datagram: an optional reply and what happened.
public struct ControlResult: Sendable, Hashable {
    /// The datagram to send back, if any.
    public var reply: OutboundDatagram?
    /// What the relay did.
    public var event: ControlEvent

    /// Creates a result.
    public init(reply: OutboundDatagram?, event: ControlEvent) {
        self.reply = reply
        self.event = event
    }

    static func dropped(_ reason: DropReason) -> ControlResult {
        ControlResult(reply: nil, event: .dropped(reason))
    }
}

/// Result of `SessionTable.handle(_:from:now:)` for any datagram.
public enum RelayAction: Sendable, Hashable {
    /// Forward the received bytes unchanged to this address.
    case forward(EndpointAddress)
    /// Send this reply (control).
    case reply(OutboundDatagram, ControlEvent)
    /// Nothing to send (control accepted without reply, e.g. an Answer).
    case none(ControlEvent)
    /// Dropped and counted.
    case drop(DropReason)
}
