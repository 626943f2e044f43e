import ArgumentParser
import Logging
import Telemetry
import Testing

/// `--log-level` and `--log-format` as relay-operator and tailnet-coordinator parse them.
@Suite struct LogOptionsTests {
    @Test func parsesLevelAndFormat() throws {
        let defaults = try LogOptions.parse([])
        #expect(defaults.level == .info && defaults.format == .text)
        let chosen = try LogOptions.parse(["--log-level", "debug", "--log-format", "json"])
        #expect(chosen.level == .debug && chosen.format == .json)
    }

    @Test func refusesUnknownValuesNamingTheAcceptedOnes() {
        do {
            _ = try LogOptions.parse(["--log-level", "loud"])
            Issue.record("--log-level loud was accepted")
        } catch {
            #expect(LogOptions.message(for: error).contains("is not one of trace, debug, info"))
        }
        do {
            _ = try LogOptions.parse(["--log-format", "xml"])
            Issue.record("--log-format xml was accepted")
        } catch {
            #expect(LogOptions.message(for: error).contains("must be text or json"))
        }
    }
}
