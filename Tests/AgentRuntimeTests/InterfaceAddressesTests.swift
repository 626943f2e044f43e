import Foundation
import Testing

@testable import AgentRuntime

/// The interface addresses the agent reads its direct candidates from (`LocalCandidates` filters them).
@Suite struct InterfaceAddressesTests {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `ip -o <family> addr show up`, one line per address.
    static func ipAddresses(_ family: String) throws -> [Substring] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ip))
        process.arguments = [family, "-o", "addr", "show", "up"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let inet = fields.firstIndex(where: { $0 == "inet" || $0 == "inet6" }), inet + 1 < fields.count
            else { return nil }
            return fields[inet + 1].split(separator: "/")[0]
        }
    }

    /// IPv4: every address of an up interface as `ip -4` lists it, except loopback ones.
    @Test(.enabled(if: ip != nil, "needs iproute2's ip to list the interfaces independently"))
    func ipv4MatchesTheKernelsListWithoutLoopback() throws {
        var expected = Set<UInt32>()
        for text in try Self.ipAddresses("-4") {
            let octets = text.split(separator: ".").compactMap { UInt32($0) }
            try #require(octets.count == 4, "unexpected ip output: \(text)")
            let address = octets.reduce(0) { $0 << 8 | $1 }
            if address >> 24 != 127 { expected.insert(address) }
        }
        let listed = AgentController.interfaceAddresses()
        #expect(Set(listed) == expected)
        #expect(listed.count == expected.count)
    }

    /// IPv6: as many 16-byte addresses as `ip -6` lists for up interfaces.
    @Test(.enabled(if: ip != nil, "needs iproute2's ip to list the interfaces independently"))
    func ipv6MatchesTheKernelsCount() throws {
        let listed = AgentController.interfaceIPv6Addresses()
        #expect(listed.allSatisfy { $0.count == 16 })
        #expect(listed.count == (try Self.ipAddresses("-6")).count)
    }
}
