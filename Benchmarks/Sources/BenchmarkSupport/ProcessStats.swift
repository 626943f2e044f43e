#if canImport(Glibc)
    import Glibc
#endif

/// Resident set size in KiB of process `pid` (this process when nil), from /proc/PID/status (VmRSS); nil when it
/// cannot be read.
public func residentKiB(pid: Int32? = nil) -> Int? {
    guard let file = fopen("/proc/\(pid.map(String.init) ?? "self")/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(cString: line)
        if text.hasPrefix("VmRSS:") {
            return Int(text.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
    }
    return nil
}

/// CPU time (utime + stime) of process `pid` in seconds, from /proc/PID/stat; nil when it cannot be read.
public func processCPUSeconds(pid: Int32) -> Double? {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = fread(&buffer, 1, buffer.count - 1, file)
    let text = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // Fields after the command name (which may contain spaces) start after the last ')'.
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // fields[0] is state (field 3); utime and stime are fields 14 and 15.
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The load averages (1, 5, 15 min) from /proc/loadavg, as text ("unknown" when unreadable).
public func loadAverage() -> String {
    guard let file = fopen("/proc/loadavg", "r") else { return "unknown" }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 128)
    guard fgets(&line, Int32(line.count), file) != nil else { return "unknown" }
    return String(cString: line).split(separator: " ").prefix(3).joined(separator: " ")
}
