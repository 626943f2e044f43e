extension ControlMessage {
    /// The plaintext (`type ‖ version ‖ body`).
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 96)
        w.append(type.rawValue)
        w.append(Self.version)
        switch self {
        case .ping(let m):
            w.append(m.transactionID.high)
            w.append(m.transactionID.low)
            w.append(contentsOf: repeatElement(0 as UInt8, count: max(0, m.paddingLength)))
        case .pong(let m):
            w.append(m.transactionID.high)
            w.append(m.transactionID.low)
            m.observedSource.write(to: &w)
        case .allocate(let m):
            precondition(m.certificate.count <= Int(UInt16.max), "certificate too long to encode")
            w.append(m.generation)
            w.append(m.peerKey.storage)
            w.append(UInt16(m.certificate.count))
            w.append(contentsOf: m.certificate)
            w.append(contentsOf: repeatElement(0 as UInt8, count: max(0, m.paddingLength)))
        case .allocateResponse(let m):
            precondition(m.endpoints.count <= AllocateResponseMessage.maximumEndpoints, "at most 255 endpoints")
            w.append(m.generation)
            w.append(m.vni)
            w.append(m.bindTimeoutMilliseconds)
            w.append(m.idleTimeoutSeconds)
            w.append(UInt8(m.endpoints.count))
            for endpoint in m.endpoints { endpoint.write(to: &w) }
        case .bind(let m), .challenge(let m), .answer(let m):
            w.append(m.vni)
            w.append(m.generation)
            w.append(m.remoteKey.storage)
            w.append(m.cookie.storage)
        case .error(let m):
            w.append(m.rawCode)
            w.append(m.generation)
            w.appendShortString(m.message)
        case .callMeMaybe(let m):
            w.append(UInt8(m.endpoints.count))
            for endpoint in m.endpoints { endpoint.write(to: &w) }
        }
        return w.bytes
    }

    /// Decodes a plaintext. Trailing bytes after a body are ignored (PROTOCOL.md §4).
    public init(decoding plaintext: [UInt8]) throws(DropReason) {
        let result = plaintext.withUnsafeBytes { buffer in
            Result { () throws(DropReason) -> ControlMessage in try ControlMessage(decoding: buffer) }
        }
        self = try result.get()
    }

    /// Decodes a plaintext from borrowed bytes.
    public init(decoding plaintext: UnsafeRawBufferPointer) throws(DropReason) {
        var r = ByteReader(plaintext)
        guard let rawType = r.readUInt8(), let version = r.readUInt8() else { throw .malformedMessage }
        guard let type = MessageType(rawValue: rawType) else { throw .unknownMessageType }
        guard version == Self.version else { throw .unsupportedVersion }
        switch type {
        case .ping:
            guard let high = r.readUInt64(), let low = r.readUInt32() else { throw .malformedMessage }
            self = .ping(PingMessage(transactionID: TransactionID(high: high, low: low), paddingLength: r.remaining))
        case .pong:
            guard let high = r.readUInt64(), let low = r.readUInt32(), r.remaining >= EndpointAddress.encodedSize else {
                throw .malformedMessage
            }
            let observed = EndpointAddress(loading: plaintext, at: r.offset)
            self = .pong(PongMessage(transactionID: TransactionID(high: high, low: low), observedSource: observed))
        case .allocate:
            guard let generation = r.readUInt32(), let peer = r.readBytes32(), let length = r.readUInt16(),
                let certificate = r.readBytes(Int(length))
            else { throw .malformedMessage }
            self = .allocate(
                AllocateMessage(
                    generation: generation, peerKey: PublicKey(storage: peer), certificate: certificate,
                    paddingLength: r.remaining))
        case .allocateResponse:
            guard let generation = r.readUInt32(), let vni = r.readUInt32(), let bind = r.readUInt32(),
                let idle = r.readUInt32(), let count = r.readUInt8(),
                r.remaining >= Int(count) * EndpointAddress.encodedSize
            else { throw .malformedMessage }
            var endpoints: [EndpointAddress] = []
            endpoints.reserveCapacity(Int(count))
            for index in 0..<Int(count) {
                endpoints.append(
                    EndpointAddress(loading: plaintext, at: r.offset + index * EndpointAddress.encodedSize))
            }
            self = .allocateResponse(
                AllocateResponseMessage(
                    generation: generation, vni: vni, bindTimeoutMilliseconds: bind, idleTimeoutSeconds: idle,
                    endpoints: endpoints))
        case .bind, .challenge, .answer:
            guard let vni = r.readUInt32(), let generation = r.readUInt32(), let remote = r.readBytes32(),
                let cookie = r.readBytes32()
            else { throw .malformedMessage }
            let body = BindMessage(
                vni: vni, generation: generation, remoteKey: PublicKey(storage: remote),
                cookie: BindCookie(storage: cookie))
            switch type {
            case .bind: self = .bind(body)
            case .challenge: self = .challenge(body)
            default: self = .answer(body)
            }
        case .error:
            guard let code = r.readUInt16(), let generation = r.readUInt32(), let text = r.readShortString() else {
                throw .malformedMessage
            }
            self = .error(RelayErrorMessage(rawCode: code, generation: generation, message: text))
        case .callMeMaybe:
            guard let count = r.readUInt8(), Int(count) <= CallMeMaybeMessage.maximumEndpoints,
                r.remaining >= Int(count) * EndpointAddress.encodedSize
            else { throw .malformedMessage }
            self = .callMeMaybe(
                CallMeMaybeMessage(
                    endpoints: (0..<Int(count)).map {
                        EndpointAddress(loading: plaintext, at: r.offset + $0 * EndpointAddress.encodedSize)
                    }))
        }
    }

    /// A complete datagram: Geneve header then this message sealed from `sender` with `key`.
    /// `nonce` nil = random (always, except for test vectors).
    public func sealedDatagram(
        header: GeneveHeader, sender: PublicKey, key: SharedKey, nonce: [UInt8]? = nil
    ) -> [UInt8] {
        header.bytes + SealedEnvelope.seal(encoded(), sender: sender, key: key, nonce: nonce)
    }

    /// Datagram size of this message when sealed (header, envelope, plaintext).
    public var sealedDatagramSize: Int {
        GeneveHeader.size + SealedEnvelope.overhead + encoded().count
    }
}
