import CCurl
import Synchronization

/// One libcurl easy handle. Not thread-safe: used by one transfer at a time.
final class CurlHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init?() {
        CurlGlobal.ensureInitialized()
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }
}

enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    static func ensureInitialized() { _ = initialized }
}

/// Idle easy handles kept for reuse. A handle keeps its connection cache, DNS cache and TLS session
/// across `curl_easy_reset`, so reusing handles reuses connections.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlHandle]>([])
    private let maxIdle: Int

    init(maxIdle: Int) { self.maxIdle = max(0, maxIdle) }

    func take() -> CurlHandle? {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        return CurlHandle()
    }

    func put(_ handle: CurlHandle) {
        idle.withLock { handles in
            if handles.count < maxIdle { handles.append(handle) }
        }
    }
}
