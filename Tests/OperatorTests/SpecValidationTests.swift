import Interchange
import Testing

@testable import Operator

@Suite struct SpecValidationTests {
    @Test func validSpecPasses() {
        #expect(SpecValidation.validate(Fixtures.spec()) == nil)
        #expect(
            SpecValidation.validate(Fixtures.spec(staticEndpoints: ["203.0.113.7:40000", "[2001:db8::1]:40000"])) == nil
        )
        #expect(
            SpecValidation.validate(
                Fixtures.spec(replicas: 1, staticEndpoints: ["relay.example.com:4000", "x.example:1"])) == nil)
    }

    @Test func tooFewStaticEndpoints() throws {
        let error = try #require(SpecValidation.validate(Fixtures.spec(staticEndpoints: ["203.0.113.7:40000"])))
        #expect(
            error.message == "spec.staticEndpoints has 1 entry but spec.replicas is 2: give one endpoint per replica")
    }

    @Test func duplicateStaticEndpoints() throws {
        let error = try #require(
            SpecValidation.validate(Fixtures.spec(staticEndpoints: ["[2001:db8::1]:40000", "[2001:DB8:0::1]:40000"])))
        #expect(error.message.contains("spec.staticEndpoints[1] repeats spec.staticEndpoints[0]"))
    }

    @Test func bracketedHostMustBeIPv6() throws {
        let error = try #require(
            SpecValidation.validate(Fixtures.spec(replicas: 1, staticEndpoints: ["[12:zz]:40000"])))
        #expect(error.message.contains("spec.staticEndpoints[0]"))
        #expect(error.message.contains("not a valid IPv6 address"))
    }

    @Test func idleTimeoutStringMustBeWholeSecondsWithinADay() throws {
        var spec = Fixtures.spec()
        for (text, expected) in [("30m", 1800), ("1h30m", 5400), ("90s", 90), ("1500000ms", 1500), ("24h", 86400)] {
            spec.limits = .init(idleTimeout: .string(text))
            #expect(SpecValidation.validate(spec) == nil, "\(text)")
            #expect(try IdleTimeout.seconds(.string(text)).get() == expected)
        }
        for bad in ["1500ms", "25h", "0s", "10x"] {
            spec.limits = .init(idleTimeout: .string(bad))
            let error = try #require(SpecValidation.validate(spec), "\(bad)")
            #expect(error.message.hasPrefix("spec.limits.idleTimeout '\(bad)'"))
        }
        #expect(try IdleTimeout.seconds(.int(600)).get() == 600)
        #expect(try IdleTimeout.seconds(nil).get() == 1800)
    }

    @Test func perNodeLimitAboveTotal() throws {
        var spec = Fixtures.spec()
        spec.limits = .init(maxSessions: 100, maxSessionsPerNode: 500)
        let error = try #require(SpecValidation.validate(spec))
        #expect(error.message.hasPrefix("spec.limits.maxSessionsPerNode (500) exceeds spec.limits.maxSessions (100)"))
        spec.limits = .init(maxSessions: 500, maxSessionsPerNode: 500)
        #expect(SpecValidation.validate(spec) == nil)
    }

    @Test func loadBalancerClassOnlyWithLoadBalancer() throws {
        var spec = Fixtures.spec(exposure: .nodePort)
        spec.exposure?.loadBalancerClass = "example.com/udp"
        let error = try #require(SpecValidation.validate(spec))
        #expect(error.message.contains("spec.exposure.loadBalancerClass is set but spec.exposure.type is NodePort"))
        spec.exposure?.type = .loadBalancer
        #expect(SpecValidation.validate(spec) == nil)
    }

    @Test func severalProblemsAreAllNamed() throws {
        var spec = Fixtures.spec(exposure: .hostPort, staticEndpoints: ["1.2.3.4:5"])
        spec.exposure?.loadBalancerClass = "x"
        spec.limits = .init(maxSessions: 1, maxSessionsPerNode: 2)
        let error = try #require(SpecValidation.validate(spec))
        #expect(error.message.split(separator: ";").count == 3)
    }

    @Test func endpointParsing() {
        #expect((try? EndpointText.parse("1.2.3.4:80").get())?.host == .ipv4("1.2.3.4"))
        #expect((try? EndpointText.parse("[2001:db8:0:0::1]:80").get())?.text == "[2001:db8::1]:80")
        #expect((try? EndpointText.parse("Relay.Example.com:80").get())?.host == .dnsName("relay.example.com"))
        for bad in ["1.2.3.4", "1.2.3.4:0", "1.2.3.4:70000", "2001:db8::1:80", "[::1:80", "-x.example:1", ":80"] {
            #expect((try? EndpointText.parse(bad).get()) == nil, "\(bad)")
        }
    }
}
