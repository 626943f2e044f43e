import Testing
@testable import RelayCore
@Test func moduleLoads() { #expect(Bool(true)) }
