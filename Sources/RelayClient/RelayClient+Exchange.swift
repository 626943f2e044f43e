extension RelayClient {
    /// One request and its reply, with retries: up to `configuration.attempts` tries, each built by `attempt` (with
    /// a fresh generation or transaction id where the protocol wants one) and waiting `configuration.timeout`;
    /// `accept` turns the reply into the result, or returns nil when it is not the reply `step` expects (named by
    /// `expected`). A refusal, a closed client or a failed send end the exchange at once. Returns nil when every
    /// try timed out, so that the caller says what timed out.
    func exchange<Result>(
        step: String, expected: String, _ attempt: () -> (key: ReplyKey, datagram: [UInt8]),
        accept: (Reply) throws(RelayClientError) -> Result?
    ) async throws(RelayClientError) -> Result? {
        for _ in 1...configuration.attempts {
            let (key, datagram) = attempt()
            switch await request(key, datagram) {
            case .reply(.refused(let error)):
                throw .refused(step: step, error)
            case .reply(let reply):
                guard let result = try accept(reply) else {
                    throw .protocolViolation("a reply to \(step) that is not \(expected)")
                }
                return result
            case .timedOut:
                continue
            case .closed:
                throw .closed
            case .sendFailed(let error):
                throw error
            }
        }
        return nil
    }
}
