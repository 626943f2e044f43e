// kube-lease-probe: a test helper that campaigns for a Lease and prints when it leads.
// Usage: kube-lease-probe <kubeconfig> <namespace> <lease> <identity> [leaseSeconds] [retryMillis]
// Prints "LEADING <identity>" once leading, then keeps renewing until killed (SIGTERM releases the lease).
import Foundation
import Kube
import Logging
import ServiceLifecycle
import UnixSignals

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(
        Data("usage: kube-lease-probe <kubeconfig> <namespace> <lease> <identity> [leaseSeconds] [retryMillis]\n".utf8))
    exit(2)
}
let leaseSeconds = arguments.count > 5 ? Int(arguments[5]) ?? 6 : 6
let retryMillis = arguments.count > 6 ? Int(arguments[6]) ?? 500 : 500
let identity = arguments[4]
let client: KubeClient
do {
    client = try KubeClient(kubeconfig: arguments[1])
} catch {
    FileHandle.standardError.write(Data("kube-lease-probe: \(error)\n".utf8))
    exit(1)
}
let election = LeaderElection(
    client: client,
    configuration: .init(
        namespace: arguments[2], name: arguments[3], identity: identity, leaseDuration: .seconds(leaseSeconds),
        renewDeadline: .milliseconds(leaseSeconds * 1000 * 2 / 3), retryPeriod: .milliseconds(retryMillis))
) {
    FileHandle.standardOutput.write(Data("LEADING \(identity)\n".utf8))
    try? await Task.sleep(for: .seconds(3600))
}
let group = ServiceGroup(
    configuration: .init(
        services: [.init(service: election, successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "kube-lease-probe")))
try await group.run()
FileHandle.standardOutput.write(Data("STOPPED \(identity)\n".utf8))
