/// Step 1 of control handling, produced under the table's lock by `SessionTable.admitControl`: the request passed
/// the per-source rate limit and carries everything needed to open it *without* the table (relay key, verifier,
/// the session's cached shared key). Call `open(_:now:)` outside the lock — it does the public-key cryptography —
/// then hand the result to `SessionTable.applyControl` under the lock again.
public struct ControlAdmission: Sendable {
    /// The request's Geneve header.
    public let header: GeneveHeader
    /// The key the envelope claims to be sealed by.
    public let sender: PublicKey
    /// The address the request came from.
    public let source: EndpointAddress
    /// Over the rate limit, but this is the first refusal since the bucket last admitted: answer with an Error.
    let rateLimited: Bool
    let cachedKey: SharedKey?
    let relayKey: PrivateKey
    let verifier: CertificateVerifier

    /// Opens the envelope and decodes the message; for an Allocate also verifies the certificate (§2, role node,
    /// sealed by the sender). Pure: reads no table state, so it can run concurrently with the data path.
    public func open(_ datagram: UnsafeRawBufferPointer, now: Timestamp) -> OpenedControl {
        func opened(_ content: OpenedControl.Content) -> OpenedControl {
            OpenedControl(admission: self, requestSize: datagram.count, content: content)
        }
        guard let key = cachedKey ?? relayKey.sharedKey(with: sender) else { return opened(.dropped(.undecryptable)) }
        let message: ControlMessage
        do {
            message = try DatagramParser.openControl(datagram, key: key)
        } catch {
            return opened(.dropped(error))
        }
        switch (message, header.vni == 0) {
        case (.allocate(let request), true):
            // A rate-limited request is only answered with an Error: skip the signature check.
            let certificate =
                rateLimited
                ? .failure(.malformed("not checked: rate limited"))
                : Result { () throws(CertificateError) -> TailnetCertificate in
                    try verifier.verify(encoded: request.certificate, role: .node, sealedBy: sender, now: now)
                }
            return opened(.allocate(request, key: key, certificate: certificate))
        case (.bind(let body), false):
            return opened(.bind(body, key: key, isAnswer: false))
        case (.answer(let body), false):
            return opened(.bind(body, key: key, isAnswer: true))
        default:
            return opened(.dropped(.unexpectedMessage))
        }
    }
}

/// Step 2 result: an opened (or refused) control request, ready for `SessionTable.applyControl`.
public struct OpenedControl: Sendable {
    enum Content: Sendable {
        case dropped(DropReason)
        case allocate(AllocateMessage, key: SharedKey, certificate: Result<TailnetCertificate, CertificateError>)
        case bind(BindMessage, key: SharedKey, isAnswer: Bool)
    }

    let admission: ControlAdmission
    /// Size of the received datagram (a reply may not exceed it).
    let requestSize: Int
    let content: Content
}

/// Outcome of `SessionTable.admitControl`.
public enum ControlAdmissionResult: Sendable {
    /// Go on: open it (outside the lock), then apply it.
    case admitted(ControlAdmission)
    /// Dropped (rate limited); already counted.
    case dropped(DropReason)
}
