import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A network namespace the test creates, in which wireguard-go runs its TUN interface; its UAPI socket lives in
/// `/var/run/wireguard` (a file path, reachable from the test's own namespace). Removed by `close()`.
struct WireGuardLab {
    let namespace: String
    let interface: String

    /// Root, a TUN device, and wireguard-go, wg and ip on the PATH (CI runs as root with all of them).
    static var available: Bool {
        getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun")
            && ["wireguard-go", "wg", "ip"].allSatisfy { tool in
                (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
                    FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
                }
            }
    }

    static let requirement = "needs root, /dev/net/tun, wireguard-go, wg and ip (CI runs as root with them)"

    init() throws {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        namespace = "pr-wgtest-\(tag)"
        interface = "prwg\(tag)"
        try Self.run(["ip", "netns", "add", namespace])
    }

    /// `ip -n NAMESPACE`: what the device under test runs its `ip` commands with.
    var ip: [String] { ["ip", "-n", namespace] }

    /// Starts wireguard-go inside the namespace.
    var wireGuardGo: [String] { ["ip", "netns", "exec", namespace, "wireguard-go"] }

    var socketPath: String { "/var/run/wireguard/\(interface).sock" }

    func close() {
        _ = try? Self.run(["ip", "netns", "del", namespace])
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// Runs a command and returns its standard output; throws with its output when it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LabError(text: "\(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(output)")
        }
        return output
    }

    struct LabError: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }
}
