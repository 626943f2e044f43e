#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// RFC 3339 timestamps in whole seconds (`2026-11-25T08:24:42Z`), as Kubernetes writes them.
public enum RFC3339 {
    /// The current time.
    public static func now() -> String {
        format(unixSeconds: Int64(time(nil)))
    }

    /// `seconds` since the Unix epoch, in UTC.
    public static func format(unixSeconds: Int64) -> String {
        var t = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
