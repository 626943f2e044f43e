#if canImport(Glibc)
    import Glibc
#endif

/// Reads the config file (bounded size) and reports its change stamp for the reload watcher.
enum ConfigFileReader {
    static let maximumSize = 1 << 20

    static func read(_ path: String) throws(RelayConfigurationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableConfigFile(path: path, reason: errnoText(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableConfigFile(path: path, reason: errnoText(errno))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumSize else {
                throw .unreadableConfigFile(path: path, reason: "larger than \(maximumSize) bytes")
            }
        }
    }

    static func errnoText(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
