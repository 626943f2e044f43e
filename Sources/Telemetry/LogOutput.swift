#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a log handler writes complete lines. Each line is written with one `write(2)` so lines from
/// concurrent loggers do not interleave.
public struct LogOutput: Sendable {
    let fileDescriptor: Int32

    /// File descriptor 2.
    public static let standardError = LogOutput(fileDescriptor: 2)
    /// File descriptor 1.
    public static let standardOutput = LogOutput(fileDescriptor: 1)

    /// Writes to an open file descriptor (not closed by the output).
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            var attempts = 0
            while offset < bytes.count, attempts < 64 {
                attempts += 1
                let written = Glibc.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
