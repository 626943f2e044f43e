#if os(Linux)
    import Synchronization

    /// Set once to stop the data-plane threads; each reads it once per batch.
    final class StopSignal: Sendable {
        private let flag = Atomic<Bool>(false)

        var isSet: Bool { flag.load(ordering: .relaxed) }

        /// Sets the signal; false when it was set already.
        func set() -> Bool { !flag.exchange(true, ordering: .relaxed) }
    }
#endif
