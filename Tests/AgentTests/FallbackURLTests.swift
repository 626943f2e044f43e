import Agent
import Testing

/// A coordinator bound to every address (the Helm chart's `--host=0.0.0.0`) lists its embedded fallback relay
/// with that unspecified host; the agent dials it at the coordinator address it already reaches.
@Suite struct FallbackURLTests {
    @Test func anUnspecifiedHostBecomesTheCoordinatorsAddress() {
        #expect(
            FallbackURL.resolve("http://0.0.0.0:8480/fallback", coordinator: "http://10.96.0.42:8480")
                == "http://10.96.0.42:8480/fallback")
        #expect(
            FallbackURL.resolve("http://[::]:8480/fallback", coordinator: "https://coord.example:443/")
                == "https://coord.example:443/fallback")
        #expect(
            FallbackURL.resolve("http://0.0.0.0/fallback", coordinator: "http://[2001:db8::1]:8480")
                == "http://[2001:db8::1]:8480/fallback")
    }

    @Test func aReachableURLIsKeptAsListed() {
        for url in [
            "https://relay.example:443/fallback", "http://198.51.100.7:8480/fallback", "wss://[2001:db8::2]/fallback",
            "http://10.0.0.0:8480/fallback",
        ] {
            #expect(FallbackURL.resolve(url, coordinator: "http://10.96.0.42:8480") == url)
        }
    }

    @Test func unparsableURLsAreLeftToTheFallbackClientsError() {
        #expect(
            FallbackURL.resolve("0.0.0.0:8480/fallback", coordinator: "http://10.96.0.42:8480")
                == "0.0.0.0:8480/fallback")
        #expect(
            FallbackURL.resolve("http://0.0.0.0:8480/fallback", coordinator: "nonsense")
                == "http://0.0.0.0:8480/fallback")
    }
}
