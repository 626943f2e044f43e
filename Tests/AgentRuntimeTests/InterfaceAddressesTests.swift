import Agent
import Foundation
import RelayCore
import Testing

@testable import AgentRuntime

/// The interface records the agent reads its direct candidates from (`CandidateFilter` decides on them): every
/// address with its interface's name and flags, as iproute2 lists them independently.
@Suite struct InterfaceAddressesTests {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func run(_ arguments: [String]) throws -> [[Substring]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ip))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
    }

    /// `ip -o addr show`: (interface, address) for every address; the label (`eth0:1`) when it has one, as
    /// getifaddrs names IPv4 aliases.
    static func ipAddresses() throws -> Set<String> {
        Set(
            try run(["-o", "addr", "show"]).compactMap { fields in
                guard fields.count > 3, let inet = fields.firstIndex(where: { $0 == "inet" || $0 == "inet6" }),
                    inet + 1 < fields.count
                else { return nil }
                let text = fields[inet + 1].split(separator: "/")[0]
                let address =
                    fields[inet] == "inet"
                    ? EndpointAddress("\(text):1")!.description : EndpointAddress("[\(text)]:1")!.description
                var name = fields[1].split(separator: "@")[0]
                if fields[inet] == "inet", let label = fields.first(where: { $0.hasSuffix("\\") })?.dropLast(),
                    label.hasPrefix(name)
                {
                    name = label
                }
                return "\(name) \(address.dropLast(2))"
            })
    }

    /// `ip -o link show`: the flags between < and > by interface name.
    static func ipFlags() throws -> [String: Set<Substring>] {
        var flags: [String: Set<Substring>] = [:]
        for fields in try run(["-o", "link", "show"]) where fields.count > 2 {
            let name = fields[1].dropLast().split(separator: "@")[0]
            flags[String(name)] = Set(fields[2].dropFirst().dropLast().split(separator: ","))
        }
        return flags
    }

    @Test(.enabled(if: ip != nil, "needs iproute2's ip to list the interfaces independently"))
    func everyAddressWithItsInterface() throws {
        let records = InterfaceAddress.system()
        let listed = Set(records.map { "\($0.interface) \(AgentController.text($0.address))" })
        #expect(listed == (try Self.ipAddresses()))
        #expect(records.contains { $0.flags.contains(.loopback) }, "lo is listed, with its flag")
    }

    @Test(.enabled(if: ip != nil, "needs iproute2's ip to list the interfaces independently"))
    func flagsAreTheKernels() throws {
        let flags = try Self.ipFlags()
        for record in InterfaceAddress.system() {
            let name = String(record.interface.split(separator: ":")[0])
            let expected = try #require(flags[name], "\(name) not in ip link")
            #expect(record.flags.contains(.up) == expected.contains("UP"), "\(name)")
            #expect(record.flags.contains(.loopback) == expected.contains("LOOPBACK"), "\(name)")
            #expect(record.flags.contains(.pointToPoint) == expected.contains("POINTOPOINT"), "\(name)")
        }
    }
}
