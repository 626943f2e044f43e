import Foundation
import Testing

@testable import AgentRuntime

/// The interface addresses the agent publishes as its direct endpoints.
@Suite struct InterfaceAddressesTests {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Every IPv4 address of an up interface, as `ip -4 -o addr show up` lists them, minus loopback and tailnet
    /// (100.64.0.0/10) addresses.
    @Test(.enabled(if: ip != nil, "needs iproute2's ip to list the interfaces independently"))
    func matchesTheKernelsListWithoutLoopbackOrTailnetAddresses() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.ip))
        process.arguments = ["-4", "-o", "addr", "show", "up"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        var expected = Set<UInt32>()
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let inet = fields.firstIndex(of: "inet"), inet + 1 < fields.count else { continue }
            let octets = fields[inet + 1].split(separator: "/")[0].split(separator: ".").compactMap { UInt32($0) }
            try #require(octets.count == 4, "unexpected ip output: \(line)")
            let address = octets.reduce(0) { $0 << 8 | $1 }
            if address >> 24 == 127 || address & 0xFFC0_0000 == 0x6440_0000 { continue }
            expected.insert(address)
        }
        let listed = AgentController.interfaceAddresses()
        #expect(Set(listed) == expected, "ip lists \(output)")
        #expect(listed.count == Set(listed).count)
    }
}
