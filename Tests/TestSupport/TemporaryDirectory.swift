import Foundation

/// A fresh directory under the system temporary directory; `remove()` deletes it with its contents.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "peerrelay-test") throws(TestSupportError) {
        var template = Array((NSTemporaryDirectory() + "\(prefix)-XXXXXX").utf8CString)
        guard let result = mkdtemp(&template) else {
            throw TestSupportError("mkdtemp failed (errno \(errno)); is \(NSTemporaryDirectory()) writable?")
        }
        path = String(cString: result)
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
