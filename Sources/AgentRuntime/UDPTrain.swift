import NIOCore
import RelayCore

/// The kernel's limits for one UDP GSO write (and what a GRO train is cut into before it is written again).
enum UDPTrainLimits {
    /// Segments per GSO write (UDP_MAX_SEGMENTS is 64 on older kernels).
    static let maxSegments = 64
    /// Bytes per GSO write: the largest UDP payload over IPv4.
    static let maxBytes = 65_507

    /// Segments of `segmentSize` bytes one GSO write may carry.
    static func segmentsPerWrite(segmentSize: Int) -> Int {
        max(1, min(maxSegments, maxBytes / max(1, segmentSize)))
    }

    /// The GSO metadata for segments of `segmentSize` bytes.
    static func metadata(segmentSize: Int) -> AddressedEnvelope<ByteBuffer>.Metadata {
        .init(ecnState: .transportNotCapable, packetInfo: nil, segmentSize: segmentSize)
    }
}

/// Consecutive WireGuard datagrams of one peer to one target, leaving as one UDP GSO write: every segment
/// `segmentSize` bytes but the last, which may be shorter (and ends the train). To a relay each segment is the
/// relay's 8-byte header followed by the datagram, so the relay receives a one-session train.
struct OutboundTrain {
    let target: PathTarget
    let socket: any Channel
    let destination: SocketAddress
    /// The relay session's VNI (each segment framed), or nil for a direct target.
    let vni: UInt32?
    /// Bytes per segment (framing included).
    let segmentSize: Int
    /// The first datagram (unframed), sent as it is if no second one joins.
    private let first: ByteBuffer
    /// Every segment back to back (framed), once a second one joined.
    private var joined: ByteBuffer?
    private(set) var segments = 1
    private var ended: Bool

    /// `segmentLimit`: the largest segment the route carries unfragmented (above it, no second datagram joins).
    init(
        target: PathTarget, socket: any Channel, destination: SocketAddress, vni: UInt32?, first: ByteBuffer,
        segmentLimit: Int
    ) {
        self.target = target
        self.socket = socket
        self.destination = destination
        self.vni = vni
        self.first = first
        self.segmentSize = (vni == nil ? 0 : GeneveHeader.size) + first.readableBytes
        self.ended = segmentSize > segmentLimit
    }

    /// Whether a datagram of `size` bytes (unframed) can join the train.
    func accepts(_ size: Int) -> Bool {
        let framed = (vni == nil ? 0 : GeneveHeader.size) + size
        return !ended && size > 0 && framed <= segmentSize && segments < UDPTrainLimits.maxSegments
            && segments * segmentSize + framed <= UDPTrainLimits.maxBytes
    }

    /// Appends `datagram` (call only when `accepts` says so).
    mutating func append(_ datagram: ByteBuffer) {
        if joined == nil {
            var buffer = socket.allocator.buffer(
                capacity: min(UDPTrainLimits.maxBytes, segmentSize * UDPTrainLimits.maxSegments))
            Self.write(first, vni: vni, into: &buffer)
            joined = buffer
        }
        Self.write(datagram, vni: vni, into: &joined!)
        segments += 1
        if (vni == nil ? 0 : GeneveHeader.size) + datagram.readableBytes < segmentSize { ended = true }
    }

    /// The write: one datagram, or every segment with the segment size (a GSO write).
    var envelope: AddressedEnvelope<ByteBuffer> {
        if let joined {
            return AddressedEnvelope(
                remoteAddress: destination, data: joined,
                metadata: UDPTrainLimits.metadata(segmentSize: segmentSize))
        }
        guard vni != nil else { return AddressedEnvelope(remoteAddress: destination, data: first) }
        var framed = socket.allocator.buffer(capacity: segmentSize)
        Self.write(first, vni: vni, into: &framed)
        return AddressedEnvelope(remoteAddress: destination, data: framed)
    }

    /// Whether the write is a GSO write.
    var isSegmented: Bool { joined != nil }

    /// Writes `datagram` into `buffer`, after the relay header for `vni` when there is one.
    static func write(_ datagram: ByteBuffer, vni: UInt32?, into buffer: inout ByteBuffer) {
        if let vni {
            buffer.writeInteger(UInt32(GeneveProtocol.wireGuard.rawValue))
            buffer.writeInteger(vni << 8)
        }
        buffer.writeImmutableBuffer(datagram)
    }
}

extension ByteBuffer {
    /// The readable bytes cut into segments of `segmentSize` (the last may be shorter), as slices.
    func segments(of segmentSize: Int) -> [ByteBuffer] {
        var slices: [ByteBuffer] = []
        slices.reserveCapacity(readableBytes / max(1, segmentSize) + 1)
        var offset = readerIndex
        while offset < writerIndex {
            let length = Swift.min(segmentSize, writerIndex - offset)
            slices.append(getSlice(at: offset, length: length)!)
            offset += length
        }
        return slices
    }
}
