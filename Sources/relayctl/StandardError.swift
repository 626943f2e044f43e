#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `print(..., to: &stderr)` target.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        _ = string.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}

/// Prints a line to stdout immediately (unbuffered), for long-running commands whose output goes to a file.
func printNow(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { Glibc.write(1, $0, strlen($0)) }
}
