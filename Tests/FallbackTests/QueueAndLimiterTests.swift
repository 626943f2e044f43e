import Fallback
import RelayCore
import Testing

@Suite struct QueueAndLimiterTests {
    @Test func fullDataLaneDropsTheOldestAndControlGoesFirst() {
        var queue = SendQueue<Int>(dataCapacity: 3, controlCapacity: 2)
        for value in 1...5 { queue.enqueueData(value) }
        #expect(queue.droppedData == 2)
        let outcomes = [queue.enqueueControl(100), queue.enqueueControl(101), queue.enqueueControl(102)]
        #expect(outcomes == [.queued, .queued, .rejected])
        var order: [Int] = []
        while let next = queue.dequeue() { order.append(next) }
        #expect(order == [100, 101, 3, 4, 5])
        #expect(queue.isEmpty)
    }

    @Test func enqueueReportsTheDrop() {
        var queue = SendQueue<Int>(dataCapacity: 1, controlCapacity: 1)
        let first = queue.enqueueData(1)
        let second = queue.enqueueData(2)
        #expect(first == .queued && second == .droppedOldest)
        let next = queue.dequeue()
        #expect(next == 2)
        let discarded = queue.removeAll()
        #expect(discarded == 0)
    }

    @Test func rateLimiterLetsTheBurstThroughThenAsksForAPauseThatRepaysTheDebt() throws {
        let start = Timestamp(unixSeconds: 1000)
        var limiter = ByteRateLimiter(rate: RateLimit(perSecond: 1000, burst: 2000), now: start)
        let burst = limiter.consume(2000, now: start)
        #expect(burst == nil)
        let over = limiter.consume(500, now: start)
        let pause = try #require(over)
        #expect(pause == .milliseconds(500))
        // After the pause the debt is repaid; a second later a full second's worth passes again.
        let repaid = limiter.consume(0, now: start + pause)
        let nextSecond = limiter.consume(1000, now: start + pause + .seconds(1))
        #expect(repaid == nil && nextSecond == nil)
        let refilled = limiter.available(now: start + .seconds(100))
        #expect(refilled == 2000)
    }

    @Test func backoffGrowsToTheMaximumWithJitterAndResets() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(2))
        var generator = SystemRandomNumberGenerator()
        var delays: [Duration] = []
        for _ in 0..<10 { delays.append(backoff.nextDelay(using: &generator)) }
        let afterReset: Duration
        #expect(delays[0] >= .milliseconds(50) && delays[0] <= .milliseconds(100))
        #expect(delays[3] >= .milliseconds(400) && delays[3] <= .milliseconds(800))
        for delay in delays[5...] { #expect(delay >= .seconds(1) && delay <= .seconds(2)) }
        backoff.reset()
        afterReset = backoff.nextDelay(using: &generator)
        #expect(afterReset <= .milliseconds(100))
    }

    @Test func backoffJitterSpreadsClients() {
        var generator = SystemRandomNumberGenerator()
        let delays = Set(
            (0..<50).map { _ in
                var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(1))
                return backoff.nextDelay(using: &generator)
            })
        #expect(delays.count > 40)
    }

    @Test func peerGoneNoticesAreLimitedPerDestination() throws {
        var limiter = PeerGoneLimiter(interval: .seconds(1), capacity: 2)
        let t = Timestamp(unixSeconds: 5)
        let a = PrivateKey.generate().publicKey
        let first = limiter.shouldNotify(about: a, now: t)
        let tooSoon = limiter.shouldNotify(about: a, now: t + .milliseconds(999))
        let later = limiter.shouldNotify(about: a, now: t + .seconds(1))
        limiter.forget(a)
        let afterForget = limiter.shouldNotify(about: a, now: t + .seconds(1))
        #expect(first && !tooSoon && later && afterForget)
    }
}
