import Interchange

/// The Operator's former name for ``JSONValue`` (Interchange), kept only until the desired-state builders move onto
/// typed Kube models; new code spells `JSONValue`.
public typealias JSONTree = JSONValue
