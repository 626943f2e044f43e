/// One request on the agent's local API (a Unix socket, mode 0600): one JSON line in, one JSON line out.
public enum LocalAPIRequest: Codable, Sendable, Equatable {
    case status
    case ping(peer: String, timeoutMilliseconds: Int)
    /// `kind` nil clears the forced path; `peer` "*" means every peer.
    case forcePath(peer: String, kind: String?)
}

/// The reply to a `LocalAPIRequest`.
public enum LocalAPIResponse: Codable, Sendable, Equatable {
    case status(AgentStatus)
    case pong(AgentPong)
    case ok
    /// What went wrong and what to do.
    case failure(String)
}
