import RelayCore
import Testing

@testable import RelayServer

/// When the batched data plane sends to a destination without GSO after the kernel refused a GSO write to it, and
/// when it tries GSO again: pure, on an injected clock.
@Suite struct GSORefusalsTests {
    static let start = Timestamp(unixSeconds: 1_800_000_000)
    static func endpoint(_ port: Int) -> EndpointAddress { EndpointAddress("192.0.2.1:\(port)")! }

    @Test func aRefusingDestinationIsAvoidedForTheHoldPeriodThenGSOIsTriedAgain() {
        var refusals = GSORefusals(capacity: 4, holdPeriod: .seconds(30))
        #expect(refusals.isEmpty)
        let logged1 = refusals.record(Self.endpoint(1), now: Self.start)
        #expect(logged1, "the first refusal is logged")
        #expect(refusals.avoids(Self.endpoint(1)))
        #expect(!refusals.avoids(Self.endpoint(2)), "other destinations keep GSO")
        refusals.expire(now: Self.start + .seconds(29))
        #expect(refusals.avoids(Self.endpoint(1)))
        refusals.expire(now: Self.start + .seconds(30))
        #expect(!refusals.avoids(Self.endpoint(1)), "after the hold period GSO is tried again")
        #expect(refusals.isEmpty)
    }

    @Test func aRepeatedRefusalRestartsTheHoldPeriodAndIsLoggedOncePerPeriod() {
        var refusals = GSORefusals(capacity: 4, holdPeriod: .seconds(30))
        let logged2 = refusals.record(Self.endpoint(1), now: Self.start)
        #expect(logged2)
        let logged3 = refusals.record(Self.endpoint(1), now: Self.start + .seconds(20))
        #expect(!logged3, "same period: not logged again")
        let logged4 = refusals.record(Self.endpoint(2), now: Self.start + .seconds(25))
        #expect(!logged4, "one log line per period")
        refusals.expire(now: Self.start + .seconds(40))
        #expect(refusals.avoids(Self.endpoint(1)), "the second refusal restarted its hold period")
        #expect(refusals.count == 2)
        let logged5 = refusals.record(Self.endpoint(3), now: Self.start + .seconds(30))
        #expect(logged5, "a new period logs again")
        refusals.expire(now: Self.start + .seconds(56))
        #expect(!refusals.avoids(Self.endpoint(1)) && !refusals.avoids(Self.endpoint(2)))
        #expect(refusals.avoids(Self.endpoint(3)))
    }

    @Test func aFullTableReplacesTheDestinationClosestToExpiring() {
        var refusals = GSORefusals(capacity: 2, holdPeriod: .seconds(30))
        _ = refusals.record(Self.endpoint(1), now: Self.start)
        _ = refusals.record(Self.endpoint(2), now: Self.start + .seconds(1))
        _ = refusals.record(Self.endpoint(3), now: Self.start + .seconds(2))
        #expect(refusals.count == 2, "bounded")
        #expect(!refusals.avoids(Self.endpoint(1)))
        #expect(refusals.avoids(Self.endpoint(2)) && refusals.avoids(Self.endpoint(3)))
    }
}
