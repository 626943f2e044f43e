import Kube
import Logging
import Operator
import ServiceLifecycle

/// Leader election that campaigns again after losing the lease (e.g. when the apiserver was unreachable
/// for longer than the renew deadline), so the process stays a standby instead of exiting.
struct Campaign: ServiceLifecycle.Service {
    let client: KubeClient
    let configuration: LeaderElection.Configuration
    let runtime: OperatorRuntime
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let election = LeaderElection(client: client, configuration: configuration, logger: logger) {
                await runtime.lead()
            }
            try await election.run()
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            logger.warning("lost the lease \(configuration.namespace)/\(configuration.name); campaigning again")
        }
    }
}
