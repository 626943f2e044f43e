import Agent
import Logging
import NIOCore
import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// UDP offload on the data path: GSO trains out (a read batch's consecutive equal-size datagrams of a peer to one
/// target as one write), GRO trains in (a train from a peer or relay session to wireguard-go as one write; anything
/// else cut into its datagrams and handled one by one). All on `loop`.
extension DataPlane {
    /// A socket kind on which GSO can be turned off.
    enum SocketKind: String, Hashable, Sendable {
        case tailnet, tailnet6, loopback
    }

    // MARK: Out (WireGuard → peer or relay)

    /// Adds `data` to the pending train to `target`, or emits that train and starts a new one.
    func enqueue(_ data: ByteBuffer, target: PathTarget, socket: any Channel, destination: SocketAddress, vni: UInt32?)
    {
        if let index = trains.firstIndex(where: { $0.target == target }) {
            if trains[index].accepts(data.readableBytes) { return trains[index].append(data) }
            emit(trains.remove(at: index))
        }
        trains.append(
            OutboundTrain(
                target: target, socket: socket, destination: destination, vni: vni, first: data,
                segmentLimit: routeMTU.segmentLimit(to: destination)))
    }

    /// Writes every pending train (the read batch ended).
    func emitTrains() {
        for train in trains { emit(train) }
        trains.removeAll(keepingCapacity: true)
    }

    private func emit(_ train: OutboundTrain) {
        guard train.isSegmented else { return train.socket.write(train.envelope, promise: nil) }
        trainCounts.sent &+= 1
        segmentedWrite(
            train.envelope, on: train.socket, kind: train.socket === tailnet6 ? .tailnet6 : .tailnet,
            segments: train.segments)
    }

    // MARK: In (tailnet port → wireguard-go)

    /// A GRO train from `source`: segments of `segmentSize` bytes (the last may be shorter).
    func fromTailnet(train data: ByteBuffer, segmentSize: Int, source: SocketAddress) {
        let segments = data.segments(of: segmentSize)
        let kinds = segments.map { $0.withUnsafeReadableBytes { AgentDatagram.classify($0) } }
        let uniform = kinds.allSatisfy { $0 == kinds[0] }
        switch kinds[0] {
        case .wireGuard where uniform:
            guard let link = direct[source] else { break }
            link.traffic.received(.direct, data.readableBytes, packets: segments.count)
            trainCounts.received &+= 1
            return deliver(train: data, segmentSize: segmentSize, to: link)
        case .relayedWireGuard(let vni) where uniform && segments.last!.readableBytes > GeneveHeader.size:
            guard let link = relayed[RelayKey(relay: source, vni: vni)] else { break }
            var payloads = link.channel.allocator.buffer(
                capacity: data.readableBytes - segments.count * GeneveHeader.size)
            for var segment in segments {
                segment.moveReaderIndex(forwardBy: GeneveHeader.size)
                payloads.writeImmutableBuffer(segment)
            }
            link.traffic.received(.relay, payloads.readableBytes, packets: segments.count)
            trainCounts.received &+= 1
            return deliver(train: payloads, segmentSize: segmentSize - GeneveHeader.size, to: link)
        default:
            break
        }
        // Mixed kinds, control, invalid or unknown source: each segment as the datagram it was sent as.
        for segment in segments { fromTailnet(segment, source: source) }
    }

    /// Writes a train to wireguard-go: GSO writes within the kernel's limits (it cuts them into datagrams at
    /// wireguard-go's socket), or one write per datagram when GSO is off.
    private func deliver(train: ByteBuffer, segmentSize: Int, to link: PeerLink) {
        guard segmentation.contains(.loopback) else {
            for segment in train.segments(of: segmentSize) { deliver(segment, to: link) }
            return
        }
        let perWrite = UDPTrainLimits.segmentsPerWrite(segmentSize: segmentSize)
        var rest = train
        while rest.readableBytes > 0 {
            let chunk = rest.readSlice(length: min(rest.readableBytes, perWrite * segmentSize))!
            guard chunk.readableBytes > segmentSize else {
                deliver(chunk, to: link)
                continue
            }
            segmentedWrite(
                AddressedEnvelope(
                    remoteAddress: wireGuard, data: chunk,
                    metadata: UDPTrainLimits.metadata(segmentSize: segmentSize)),
                on: link.channel, kind: .loopback,
                segments: (chunk.readableBytes + segmentSize - 1) / segmentSize)
            markDirty(link)
        }
    }

    // MARK: Refusal

    /// A GSO write whose failure, when the kernel refuses GSO, turns GSO off for that kind of socket (NIO closes the
    /// socket on such an error; it is reopened on its port). The train's datagrams are counted as dropped.
    private func segmentedWrite(
        _ envelope: AddressedEnvelope<ByteBuffer>, on channel: any Channel, kind: SocketKind, segments: Int
    ) {
        let promise = loop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { error in
            self.segmentedWriteFailed(error, kind: kind, segments: segments)
        }
        channel.write(envelope, promise: promise)
    }

    func segmentedWriteFailed(_ error: any Error, kind: SocketKind, segments: Int) {
        guard let errno = (error as? IOError)?.errnoCode, Self.refusesSegmentation(errno) else { return }
        drop("udp_gso_refused", count: segments)
        guard segmentation.remove(kind) != nil else { return }
        drop("udp_gso_disabled")
        logger.error(
            "the kernel refused a UDP GSO write; sending one datagram per write on this socket from now on (start with --no-udp-offload to skip GSO)",
            metadata: ["socket": "\(kind.rawValue)", "error": "\(error)"])
    }

    /// Errors with which a kernel refuses a GSO write: no checksum offload on the route's device (EIO), a segment
    /// above the path MTU or too many segments (EINVAL, EMSGSIZE), no GSO at all (EOPNOTSUPP).
    static func refusesSegmentation(_ errno: CInt) -> Bool {
        [EIO, EINVAL, EMSGSIZE, EOPNOTSUPP].contains(errno)
    }
}
