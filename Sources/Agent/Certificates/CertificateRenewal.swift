public import RelayCore

/// When the node renews its certificate (pure; every method takes the time).
///
/// The first attempt is at `fraction` (2/3) of the lifetime, brought forward by up to `jitter` of the lifetime
/// so nodes issued together do not renew together; a failed attempt is retried with exponential backoff from
/// `retryInitial` up to `retryMaximum`, and never more than a tenth of the lifetime apart, so several attempts fit
/// before expiry even for short lifetimes.
public struct CertificateRenewal: Hashable, Sendable {
    /// Timings of renewal.
    public struct Policy: Hashable, Sendable {
        /// Share of the lifetime after which renewal starts.
        public var fraction: Double = 2.0 / 3.0
        /// Largest share of the lifetime the first attempt is brought forward by (random per certificate).
        public var jitter: Double = 0.1
        /// Delay after the first failed attempt; doubles per failure.
        public var retryInitial: Duration = .seconds(5)
        /// Longest delay between attempts.
        public var retryMaximum: Duration = .seconds(300)

        /// The default timings (the values above).
        public init() {}
    }

    /// The timings in force.
    public let policy: Policy
    /// Start of the validity of the certificate in use.
    public private(set) var notBefore: Timestamp
    /// End of the validity of the certificate in use.
    public private(set) var notAfter: Timestamp
    /// When the next attempt is due.
    public private(set) var nextAttempt: Timestamp
    /// Failed attempts since the last renewal.
    public private(set) var failures = 0

    /// A schedule for a certificate valid from `notBefore` to `notAfter`; `randomUnit` (0 ≤ x < 1) picks the
    /// jitter.
    public init(notBefore: Timestamp, notAfter: Timestamp, randomUnit: Double, policy: Policy = Policy()) {
        self.policy = policy
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.nextAttempt = notAfter
        self.nextAttempt = firstAttempt(randomUnit: randomUnit)
    }

    /// A schedule for `certificate`.
    public init(certificate: TailnetCertificate, randomUnit: Double, policy: Policy = Policy()) {
        self.init(
            notBefore: Timestamp(unixSeconds: certificate.notBefore),
            notAfter: Timestamp(unixSeconds: certificate.notAfter), randomUnit: randomUnit, policy: policy)
    }

    /// The certificate's lifetime.
    public var lifetime: Duration { max(.zero, notAfter - notBefore) }

    /// Whether an attempt is due.
    public func isDue(at now: Timestamp) -> Bool { now >= nextAttempt }

    /// How long until the next attempt (zero when due).
    public func delay(at now: Timestamp) -> Duration { max(.zero, nextAttempt - now) }

    /// Whether the certificate in use has expired (renewal is then refused: the node must register again).
    public func isExpired(at now: Timestamp) -> Bool { now >= notAfter }

    /// A new certificate arrived: schedule its renewal.
    public mutating func renewed(notBefore: Timestamp, notAfter: Timestamp, randomUnit: Double) {
        self.notBefore = notBefore
        self.notAfter = notAfter
        failures = 0
        nextAttempt = firstAttempt(randomUnit: randomUnit)
    }

    /// An attempt at `now` failed: schedule the next one; returns its delay.
    @discardableResult
    public mutating func failed(at now: Timestamp) -> Duration {
        failures += 1
        var delay = policy.retryInitial
        for _ in 1..<min(failures, 32) where delay < policy.retryMaximum { delay *= 2 }
        delay = min(delay, policy.retryMaximum, max(lifetime / 10, .milliseconds(100)))
        nextAttempt = now + delay
        return delay
    }

    private func firstAttempt(randomUnit: Double) -> Timestamp {
        let unit = min(max(randomUnit, 0), 1)
        let share = max(0, policy.fraction - policy.jitter * unit)
        return notBefore + lifetime * share
    }
}
