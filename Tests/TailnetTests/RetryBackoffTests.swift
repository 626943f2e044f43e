import Testing

@testable import Tailnet

@Suite struct RetryBackoffTests {
    @Test func doublesFromBaseUpToTheCapWithJitterInTheUpperHalf() {
        let backoff = RetryBackoff(base: .milliseconds(250), cap: .seconds(5))
        #expect(backoff.delay(afterFailures: 1, random: 0.999_999) <= .milliseconds(250))
        #expect(backoff.delay(afterFailures: 1, random: 0) == .milliseconds(125))
        #expect(backoff.delay(afterFailures: 3, random: 0) == .milliseconds(500))
        // Capped, and never more than the cap however many failures.
        #expect(backoff.delay(afterFailures: 10, random: 0.999_999) <= .seconds(5))
        #expect(backoff.delay(afterFailures: 10_000, random: 0) == .milliseconds(2500))
        // Out-of-range inputs are clamped rather than trusted.
        #expect(backoff.delay(afterFailures: 0, random: -3) == .milliseconds(125))
        #expect(backoff.delay(afterFailures: 1, random: 7) == .milliseconds(250))
    }
}
