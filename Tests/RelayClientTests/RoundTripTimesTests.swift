import Foundation
import RelayClient
import Testing

/// The round-trip record both probes print and write as JSON.
@Suite struct RoundTripTimesTests {
    @Test func summarizesInMillisecondsWithThreeDecimals() {
        var times = RoundTripTimes()
        #expect(times.summary == nil)
        #expect(times.isEmpty)
        #expect(times.record(.microseconds(1500)) == 1.5)
        times.record(.microseconds(250))
        times.record(.milliseconds(12))
        #expect(times.count == 3)
        #expect(times.minimum == 0.25 && times.maximum == 12)
        #expect(times.summary == "rtt min/avg/max = 0.250/4.583/12.000 ms")
        #expect(RoundTripTimes.text(0.0004) == "0.000")
        #expect(RoundTripTimes.text(-0.5) == "-0.500")
    }

    /// Scripts (hack/demo, e2e) read `rttMilliseconds` as a plain array of numbers.
    @Test func encodesAsAnArrayOfMilliseconds() throws {
        var times = RoundTripTimes()
        times.record(.milliseconds(2))
        times.record(.microseconds(500))
        let json = String(decoding: try JSONEncoder().encode(times), as: UTF8.self)
        #expect(json == "[2,0.5]")
    }
}
