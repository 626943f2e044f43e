/// A rule of docs/peerrelay-api.md "Rules the schema cannot express" is broken; `message` names the field
/// and the fix. Shown as condition reason `InvalidSpec` and a Warning Event.
public struct InvalidSpec: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broken rule, the field and the fix.
    public var message: String

    /// An invalid spec, said in `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
