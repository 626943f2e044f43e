import CCurl
import CCurlShim
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of one libcurl transfer: options, collected head, body or stream, and abort flag.
/// Lives on its transfer thread while `perform()` runs; callbacks reach it through userdata.
final class CurlTransfer: @unchecked Sendable {
    typealias Head = (status: Int, headers: HTTPHeaders, httpVersion: String)

    let handle: CurlHandle
    let request: HTTPRequest
    let configuration: HTTPClientConfiguration
    /// Set for streaming transfers: body chunks go here instead of `body`.
    let channel: ChunkChannel?
    private let aborted = Atomic<Bool>(false)

    private(set) var headers = HTTPHeaders()
    private(set) var httpVersion = "HTTP/1.1"
    private(set) var body: [UInt8] = []
    private var headDelivered = false
    /// Called once, on the transfer thread, when the final response head is known (streaming only).
    var onHead: ((Head) -> Void)?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// A valid pointer for zero-length bodies (libcurl copies nothing from it).
    nonisolated(unsafe) static let emptyBody = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init(handle: CurlHandle, request: HTTPRequest, configuration: HTTPClientConfiguration, channel: ChunkChannel?) {
        self.handle = handle
        self.request = request
        self.configuration = configuration
        self.channel = channel
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { curl_slist_free_all(headerList) }
    }

    func abort() { aborted.store(true, ordering: .relaxed) }
    var isAborted: Bool { aborted.load(ordering: .relaxed) || (channel?.isCancelled ?? false) }

    /// Runs the transfer to completion on the calling (dedicated) thread.
    func perform() -> Result<HTTPResponse, HTTPClientError> {
        do {
            try configure()
        } catch {
            return .failure(error)
        }
        let code = curl_easy_perform(handle.raw)
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
        if code != CURLE_OK {
            return .failure(mapError(code))
        }
        let status = responseCode()
        return .success(HTTPResponse(status: status, headers: headers, body: body, httpVersion: httpVersion))
    }

    /// Delivers the head once (streaming). Returns false when there is nobody to deliver to.
    func deliverHeadIfNeeded() {
        guard !headDelivered, let onHead else { return }
        headDelivered = true
        onHead((responseCode(), headers, httpVersion))
        self.onHead = nil
    }

    var headWasDelivered: Bool { headDelivered }

    private func responseCode() -> Int {
        var code: Int = 0
        _ = peerrelay_curl_getinfo_long(handle.raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    // MARK: Options

    private func configure() throws(HTTPClientError) {
        let raw = handle.raw
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        guard peerrelay_curl_setopt_string(raw, CURLOPT_URL, request.url) == CURLE_OK else {
            throw .invalidURL(request.url, detail: "libcurl rejected it")
        }
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, max(1, configuration.connectTimeout.milliseconds))
        let total = request.timeout ?? (channel == nil ? configuration.requestTimeout : nil)
        try set(CURLOPT_TIMEOUT_MS, total.map { max(1, $0.milliseconds) } ?? 0)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_TCP_KEEPIDLE, 30)
        try set(CURLOPT_TCP_KEEPINTVL, 15)
        try set(
            CURLOPT_HTTP_VERSION,
            Int(configuration.preferHTTP2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1))
        try set(CURLOPT_USERAGENT, string: configuration.userAgent)
        if configuration.acceptCompressed { try set(CURLOPT_ACCEPT_ENCODING, string: "") }
        try configureTLS()
        try configureMethodAndBody()
        try configureHeaders()

        let userdata = Unmanaged.passUnretained(self).toOpaque()
        _ = peerrelay_curl_setopt_write_function(raw, curlWriteCallback)
        try set(CURLOPT_WRITEDATA, pointer: userdata)
        _ = peerrelay_curl_setopt_header_function(raw, curlHeaderCallback)
        try set(CURLOPT_HEADERDATA, pointer: userdata)
        _ = peerrelay_curl_setopt_xferinfo_function(raw, curlProgressCallback)
        try set(CURLOPT_XFERINFODATA, pointer: userdata)
        try set(CURLOPT_NOPROGRESS, 0)
    }

    private func configureTLS() throws(HTTPClientError) {
        let tls = configuration.tls
        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        switch tls.certificateAuthority {
        case .data(let bytes): try set(CURLOPT_CAINFO_BLOB, blob: bytes)
        case .file(let path):
            try checkReadable(path, what: "CA certificate file")
            try set(CURLOPT_CAINFO, string: path)
        case nil: break
        }
        switch tls.clientCertificate {
        case .data(let bytes): try set(CURLOPT_SSLCERT_BLOB, blob: bytes)
        case .file(let path):
            try checkReadable(path, what: "client certificate file")
            try set(CURLOPT_SSLCERT, string: path)
        case nil: break
        }
        if tls.clientCertificate != nil { try set(CURLOPT_SSLCERTTYPE, string: "PEM") }
        switch tls.clientKey {
        case .data(let bytes): try set(CURLOPT_SSLKEY_BLOB, blob: bytes)
        case .file(let path):
            try checkReadable(path, what: "client key file")
            try set(CURLOPT_SSLKEY, string: path)
        case nil: break
        }
        if tls.clientKey != nil { try set(CURLOPT_SSLKEYTYPE, string: "PEM") }
        if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
            throw .badCredentials(detail: "a client certificate needs its private key and vice versa; set both")
        }
    }

    private func configureMethodAndBody() throws(HTTPClientError) {
        let method = request.method.uppercased()
        if let body = request.body {
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offT: body.count)
            let code = body.withUnsafeBytes { bytes -> CURLcode in
                let base = UnsafeMutableRawPointer(mutating: bytes.baseAddress) ?? CurlTransfer.emptyBody
                return peerrelay_curl_setopt_pointer(handle.raw, CURLOPT_COPYPOSTFIELDS, base)
            }
            guard code == CURLE_OK else {
                throw .transport(url: request.url, code: Int(code.rawValue), detail: "cannot set the body")
            }
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, string: method) }
        } else if method == "GET" {
            try set(CURLOPT_HTTPGET, 1)
        } else if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else {
            try set(CURLOPT_CUSTOMREQUEST, string: method)
        }
    }

    private func configureHeaders() throws(HTTPClientError) {
        var list: UnsafeMutablePointer<curl_slist>?
        func append(_ line: String) {
            list = curl_slist_append(list, line)
        }
        for field in request.headers {
            // "Name:" with an empty value would make curl drop the header; "Name;" sends it empty.
            append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if request.headers["Authorization"] == nil, let token = configuration.bearerToken, !token.isEmpty {
            append("Authorization: Bearer \(token)")
        }
        if request.headers["Expect"] == nil { append("Expect:") }
        headerList = list
        if let list { try set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(list)) }
    }

    private func checkReadable(_ path: String, what: String) throws(HTTPClientError) {
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw .badCredentials(detail: "\(what) \(path) cannot be read: \(reason)")
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(peerrelay_curl_setopt_long(handle.raw, option, value), option)
    }

    private func set(_ option: CURLoption, offT value: Int) throws(HTTPClientError) {
        try check(peerrelay_curl_setopt_off_t(handle.raw, option, curl_off_t(value)), option)
    }

    private func set(_ option: CURLoption, string value: String) throws(HTTPClientError) {
        try check(peerrelay_curl_setopt_string(handle.raw, option, value), option)
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(HTTPClientError) {
        try check(peerrelay_curl_setopt_pointer(handle.raw, option, value), option)
    }

    private func set(_ option: CURLoption, blob value: [UInt8]) throws(HTTPClientError) {
        let code = value.withUnsafeBytes { bytes in
            peerrelay_curl_setopt_blob(handle.raw, option, bytes.baseAddress, bytes.count)
        }
        try check(code, option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            throw .transport(
                url: request.url, code: Int(code.rawValue), detail: "setting option \(option.rawValue): \(text)")
        }
    }

    // MARK: Callbacks

    fileprivate func receiveHeaderLine(_ line: String) {
        let trimmed = line.trimmingSuffix { $0.isNewline }
        if trimmed.hasPrefix("HTTP/") {
            // A new status line starts a new head (after 1xx or a redirect).
            headers = HTTPHeaders()
            httpVersion = String(trimmed.prefix { $0 != " " })
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon])
        let value = trimmed[trimmed.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers.add(name, String(value))
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if isAborted { return false }
        if let channel {
            deliverHeadIfNeeded()
            return channel.push(Array(bytes))
        }
        body.append(contentsOf: bytes)
        return true
    }

    // MARK: Errors

    private func mapError(_ code: CURLcode) -> HTTPClientError {
        let url = request.url
        let bufferText = String(cString: errorBuffer)
        let detail = bufferText.isEmpty ? String(cString: curl_easy_strerror(code)) : bufferText
        if isAborted { return .cancelled }
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(url, detail: detail)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .hostNotFound(url: url, detail: detail)
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused(url: url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url: url, after: request.timeout ?? configuration.requestTimeout, detail: detail)
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE:
            return .badCredentials(detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CIPHER:
            return .tlsFailure(url: url, detail: detail)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .connectionLost(url: url, detail: detail)
        case CURLE_ABORTED_BY_CALLBACK, CURLE_WRITE_ERROR:
            return .cancelled
        default:
            return .transport(url: url, code: Int(code.rawValue), detail: detail)
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}

private func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    return transfer.receiveBody(bytes) ? length : 0
}

private func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    transfer.receiveHeaderLine(line)
    return length
}

private func curlProgressCallback(
    _ userdata: UnsafeMutableRawPointer?, _ dltotal: curl_off_t, _ dlnow: curl_off_t, _ ultotal: curl_off_t,
    _ ulnow: curl_off_t
) -> Int32 {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.isAborted ? 1 : 0
}
