/// Per-source token buckets (IPv4 address or IPv6 /64) with a bounded number of tracked sources.
struct SourceRateLimiter: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var updated: Timestamp
        /// Set once a refusal has been answered with an Error; cleared when a request passes again.
        var warned: Bool
    }

    enum Decision: Equatable {
        case allowed
        /// Refused; `notify` is true for the first refusal since the bucket last allowed a request.
        case limited(notify: Bool)
    }

    var rate: RateLimit
    var maxSources: Int
    private(set) var buckets: [EndpointAddress: Bucket] = [:]

    init(rate: RateLimit, maxSources: Int) {
        self.rate = rate
        self.maxSources = maxSources
    }

    mutating func consume(source: EndpointAddress, now: Timestamp) -> Decision {
        // One bucket per IPv4 address, or per IPv6 /64 (one host usually owns a whole /64).
        let ip = EndpointAddress(address: source.isIPv4 ? source.address : (source.address.0, 0), port: 0)
        if let index = buckets.index(forKey: ip) {
            return Self.take(&buckets.values[index], rate: rate, now: now)
        }
        if buckets.count >= maxSources { prune(now: now) }
        if buckets.count >= maxSources { buckets.removeAll(keepingCapacity: true) }
        var bucket = Bucket(tokens: rate.burst, updated: now, warned: false)
        let decision = Self.take(&bucket, rate: rate, now: now)
        buckets[ip] = bucket
        return decision
    }

    private static func take(_ bucket: inout Bucket, rate: RateLimit, now: Timestamp) -> Decision {
        let elapsed = Double(max(0, (now - bucket.updated).nanosecondsClamped)) / 1e9
        bucket.tokens = min(rate.burst, bucket.tokens + elapsed * rate.perSecond)
        bucket.updated = now
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            bucket.warned = false
            return .allowed
        }
        defer { bucket.warned = true }
        return .limited(notify: !bucket.warned)
    }

    /// Forgets sources whose bucket has refilled (they would start full anyway).
    mutating func prune(now: Timestamp) {
        let rate = self.rate
        buckets = buckets.filter { _, bucket in
            let elapsed = Double(max(0, (now - bucket.updated).nanosecondsClamped)) / 1e9
            return bucket.tokens + elapsed * rate.perSecond < rate.burst
        }
    }
}

extension EndpointAddress {
    init(address: (UInt64, UInt64), port: UInt16) {
        self.address = address
        self.port = port
    }
}
