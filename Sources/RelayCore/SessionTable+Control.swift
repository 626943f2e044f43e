extension SessionTable {
    /// Handles a control datagram (Geneve O = 1, already classified; `sender` from the envelope) in one call:
    /// `admitControl`, `ControlAdmission.open`, `applyControl`. A server that shares the table between threads
    /// should call the three steps itself and run `open` outside its lock (it does the public-key cryptography).
    public mutating func handleControl(
        _ datagram: UnsafeRawBufferPointer, header: GeneveHeader, sender: PublicKey, from source: EndpointAddress,
        now: Timestamp
    ) -> ControlResult {
        switch admitControl(header: header, sender: sender, from: source, now: now) {
        case .dropped(let reason): return .dropped(reason)
        case .admitted(let admission): return applyControl(admission.open(datagram, now: now), now: now)
        }
    }

    /// Step 1 (cheap; under the lock): per-source rate limit, and the session's cached shared key for Bind/Answer.
    public mutating func admitControl(
        header: GeneveHeader, sender: PublicKey, from source: EndpointAddress, now: Timestamp
    )
        -> ControlAdmissionResult
    {
        let decision: SourceRateLimiter.Decision
        var cachedKey: SharedKey? = nil
        if header.vni == 0 {
            decision = allocateLimiter.consume(source: source, now: now)
        } else {
            decision = bindLimiter.consume(source: source, now: now)
            if let index = sessions.index(forKey: header.vni),
                let side = sessions.values[index].sideIndex(of: sender)
            {
                cachedKey = sessions.values[index][side: side].sharedKey
            }
        }
        if case .limited(let notify) = decision, !notify {
            counters.count(.rateLimited)
            return .dropped(.rateLimited)
        }
        return .admitted(
            ControlAdmission(
                header: header, sender: sender, source: source, rateLimited: decision != .allowed,
                cachedKey: cachedKey, relayKey: configuration.relayKey, verifier: verifier))
    }

    /// Step 3 (under the lock): applies an opened request to the sessions and builds the reply (sealing is cheap:
    /// the shared key is already known). Re-checks everything against the current table, so the table may have
    /// changed since `admitControl`.
    public mutating func applyControl(_ opened: OpenedControl, now: Timestamp) -> ControlResult {
        let admission = opened.admission
        let result: ControlResult
        switch opened.content {
        case .dropped(let reason):
            result = .dropped(reason)
        case .allocate(let request, let key, let certificate):
            result = applyAllocation(request, key: key, certificate: certificate, opened: opened, now: now)
        case .bind(let body, let key, let isAnswer):
            result = applyBinding(body, key: key, isAnswer: isAnswer, opened: opened, now: now)
        }
        switch result.event {
        case .dropped(let reason), .refused(let reason, _, _): counters.count(reason)
        default: break
        }
        if var reply = result.reply {
            // No amplification: a reply is never larger than the datagram it answers.
            guard reply.bytes.count <= opened.requestSize else {
                counters.count(.malformedMessage)
                return ControlResult(reply: nil, event: result.event)
            }
            reply.destination = admission.source
            if case .refused = result.event { counters.errorsSent &+= 1 }
            return ControlResult(reply: reply, event: result.event)
        }
        return result
    }

    // MARK: Allocate

    private mutating func applyAllocation(
        _ request: AllocateMessage, key: SharedKey, certificate verified: Result<TailnetCertificate, CertificateError>,
        opened: OpenedControl, now: Timestamp
    ) -> ControlResult {
        let sender = opened.admission.sender
        let source = opened.admission.source
        let header = GeneveHeader(isControl: true, protocolType: .control, vni: 0)
        func refuse(_ reason: DropReason, _ code: RelayErrorCode, _ detail: String) -> ControlResult {
            errorReply(
                reason, code, detail: detail, generation: request.generation, header: header, key: key,
                limit: opened.requestSize, source: source)
        }
        if opened.admission.rateLimited {
            return refuse(.rateLimited, .rateLimited, "allocation rate limit exceeded for \(source)")
        }
        guard request.peerKey != sender else { return .dropped(.malformedMessage) }
        let certificate: TailnetCertificate
        switch verified {
        case .success(let value): certificate = value
        case .failure(let error): return refuse(.certificateRejected, error.relayErrorCode, error.description)
        }

        let pair = KeyPair(sender, request.peerKey)
        var created = false
        var vni: UInt32
        if let existing = sessions.vni(for: pair), let session = sessions[existing],
            session.expiry(now: now, limits: configuration.limits) == nil
        {
            vni = existing
        } else {
            if let stale = sessions.vni(for: pair) {
                // Expired but not yet swept: remove it now and count it like the sweep would.
                let wasOpen = sessions[stale]?.isOpen ?? false
                removeSession(vni: stale)
                if wasOpen { counters.sessionsExpiredIdle &+= 1 } else { counters.sessionsExpiredUnbound &+= 1 }
            }
            guard sessions.count < configuration.limits.maxSessions, let fresh = takeVNI() else {
                return refuse(.capacityGlobal, .capacityGlobal, "relay holds \(sessions.count) sessions (its maximum)")
            }
            vni = fresh
            created = true
        }
        let index = created ? nil : sessions.index(forKey: vni)
        var session = index.map { sessions.values[$0] } ?? SessionRecord(vni: vni, pair: pair, now: now)
        let side = session.sideIndex(of: sender)!
        if !session[side: side].isAllocated {
            let count = allocatedPerNode[sender] ?? 0
            guard count < configuration.limits.maxSessionsPerNode else {
                if created { nextVNI = vni }  // hand the unused VNI out next time
                return refuse(
                    .capacityPerNode, .capacityPerNode,
                    "key \(sender.shortDescription) has \(count) sessions on this relay (the per-node maximum)")
            }
            allocatedPerNode[sender] = count + 1
        }
        session[side: side].sharedKey = key
        let subject = subjects.retain(
            name: certificate.subjectName, id: certificate.subjectID, admitted: AdmittedCertificate(certificate))
        subjects.release(session[side: side].subject)
        session[side: side].subject = subject
        if let index {
            sessions.values[index] = session
        } else {
            sessions.insert(session)
            counters.sessionsCreated &+= 1
        }
        counters.allocations &+= 1

        let limits = configuration.limits
        var response = AllocateResponseMessage(
            generation: request.generation, vni: vni,
            bindTimeoutMilliseconds: UInt32(clamping: limits.bindTimeout.nanosecondsClamped / 1_000_000),
            idleTimeoutSeconds: UInt32(clamping: limits.idleTimeout.wholeSeconds),
            endpoints: Array(configuration.advertisedEndpoints.prefix(AllocateResponseMessage.maximumEndpoints)))
        // Drop trailing endpoints until the reply fits in the request's size.
        let fixed = ControlMessage.allocateResponse(
            AllocateResponseMessage(
                generation: 0, vni: 0, bindTimeoutMilliseconds: 0, idleTimeoutSeconds: 0, endpoints: [])
        ).sealedDatagramSize
        let room = max(0, (opened.requestSize - fixed) / EndpointAddress.encodedSize)
        if response.endpoints.count > room {
            response.endpoints.removeLast(response.endpoints.count - room)
            counters.repliesTruncated &+= 1
        }
        let reply = ControlMessage.allocateResponse(response).sealedDatagram(
            header: header, sender: relayPublicKey, key: key)
        return ControlResult(
            reply: OutboundDatagram(bytes: reply, destination: source),
            event: .allocated(vni: vni, sender: sender, peer: request.peerKey, created: created))
    }

    // MARK: Bind and Answer

    private mutating func applyBinding(
        _ body: BindMessage, key: SharedKey, isAnswer: Bool, opened: OpenedControl, now: Timestamp
    ) -> ControlResult {
        let header = opened.admission.header
        let sender = opened.admission.sender
        let source = opened.admission.source
        let vni = header.vni
        func refuse(_ reason: DropReason, _ code: RelayErrorCode, _ detail: String) -> ControlResult {
            errorReply(
                reason, code, detail: detail, generation: body.generation, header: header, key: key,
                limit: opened.requestSize, source: source)
        }
        if opened.admission.rateLimited {
            return refuse(.rateLimited, .rateLimited, "bind rate limit exceeded for \(source)")
        }
        let index = sessions.index(forKey: vni)
        let side = index.flatMap { sessions.values[$0].sideIndex(of: sender) }
        guard let index, sessions.values[index].expiry(now: now, limits: configuration.limits) == nil else {
            return refuse(.unknownSession, .unknownSession, "no session with VNI \(vni)")
        }
        guard let side else {
            return refuse(.notSessionMember, .notSessionMember, "key \(sender.shortDescription) is not in VNI \(vni)")
        }
        guard sessions.values[index][side: side].isAllocated else {
            return refuse(
                .notAllocated, .notSessionMember,
                "key \(sender.shortDescription) has not allocated VNI \(vni); send Allocate first")
        }
        if let invalid = verifier.recheck(subjects[sessions.values[index][side: side].subject].admitted, now: now) {
            // Between sweeps (e.g. the certificate expired a moment ago): refuse with what the side can act on.
            return refuse(.certificateRejected, invalid.relayErrorCode, invalid.description)
        }
        guard body.vni == vni else { return .dropped(.vniMismatch) }
        guard body.remoteKey == sessions.values[index][side: 1 - side].key else { return .dropped(.wrongRemoteKey) }
        guard body.generation != 0 else { return .dropped(.zeroGeneration) }

        if !isAnswer {
            sessions.values[index][side: side].pendingGeneration = body.generation
            let cookie = cookies.cookie(
                vni: vni, generation: body.generation, remoteKey: body.remoteKey, senderKey: sender, source: source,
                now: now)
            var challenge = body
            challenge.cookie = cookie
            counters.challenges &+= 1
            let reply = ControlMessage.challenge(challenge).sealedDatagram(
                header: header, sender: relayPublicKey, key: key)
            return ControlResult(
                reply: OutboundDatagram(bytes: reply, destination: source),
                event: .challenged(vni: vni, sender: sender))
        }

        guard body.generation == sessions.values[index][side: side].pendingGeneration else {
            return .dropped(.generationMismatch)
        }
        guard
            cookies.isValid(
                body.cookie, vni: vni, generation: body.generation, remoteKey: body.remoteKey, senderKey: sender,
                source: source, now: now)
        else { return .dropped(.badCookie) }
        let previous = sessions.values[index][side: side].bound
        sessions.values[index][side: side].bound = source
        sessions.values[index][side: side].boundGeneration = body.generation
        sessions.values[index][side: side].pendingGeneration = 0
        sessions.values[index].lastActivity = now
        let open = sessions.values[index].isOpen
        if open && sessions.values[index].openedAt == nil { sessions.values[index].openedAt = now }
        let moved = previous != nil && previous != source
        counters.binds &+= 1
        if moved { counters.rebinds &+= 1 }
        return ControlResult(
            reply: nil, event: .bound(vni: vni, sender: sender, address: source, moved: moved, sessionOpen: open))
    }

    // MARK: Errors

    /// A sealed Error reply, its text truncated so the datagram is no larger than `limit` bytes.
    private mutating func errorReply(
        _ reason: DropReason, _ code: RelayErrorCode, detail: String, generation: UInt32, header: GeneveHeader,
        key: SharedKey, limit: Int, source: EndpointAddress
    ) -> ControlResult {
        let bytes = sealedError(code, detail: detail, generation: generation, header: header, key: key, limit: limit)
        return ControlResult(
            reply: OutboundDatagram(bytes: bytes, destination: source), event: .refused(reason, code, detail: detail))
    }

    /// A sealed Error datagram no larger than `limit` bytes (the text is truncated on a character boundary).
    mutating func sealedError(
        _ code: RelayErrorCode, detail: String, generation: UInt32, header: GeneveHeader, key: SharedKey, limit: Int
    ) -> [UInt8] {
        let fixed = GeneveHeader.size + SealedEnvelope.overhead + 2 + RelayErrorMessage.fixedSize
        let room = min(RelayErrorMessage.maximumMessageLength, max(0, limit - fixed))
        let text = RelayErrorMessage.truncated(detail, toUTF8Count: room)
        if text.utf8.count < detail.utf8.count { counters.repliesTruncated &+= 1 }
        let message = ControlMessage.error(
            RelayErrorMessage(rawCode: code.rawValue, generation: generation, message: text))
        return message.sealedDatagram(header: header, sender: relayPublicKey, key: key)
    }
}
