import RelayCore

#if canImport(Glibc)
    import Glibc
#endif

/// The agent's time source: `CLOCK_MONOTONIC` as a `Timestamp`, so wall-clock jumps never fake a dead path.
/// The pure path logic only ever subtracts these.
enum MonotonicClock {
    static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}
