import CoreMetrics
import Hummingbird
import Tailnet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension CoordinatorAPI {
    func addNodeRoutes(_ router: Router<BasicRequestContext>) {
        router.post("v1/register") { request, _ in
            let credentials: CoordinatorStore.NodeCredentials
            do {
                let body = try await RequestDecoding.decode(RegisterRequest.self, from: request)
                credentials = try await store.register(body)
            } catch {
                metrics.registrationFailures.increment()
                throw error
            }
            metrics.registrations.increment()
            published(credentials.version)
            return JSONResponse.make(try await registerResponse(credentials), status: .created)
        }
        router.post("v1/node/renew") { request, _ in
            guard case .node(let nodeID) = try await authorize(request, ["node"]) else { throw unreachable() }
            let credentials = try await store.renew(nodeID: nodeID)
            published(credentials.version)
            return JSONResponse.make(try await registerResponse(credentials))
        }
        router.put("v1/node/endpoints") { request, _ in
            guard case .node(let nodeID) = try await authorize(request, ["node"]) else { throw unreachable() }
            let body = try await RequestDecoding.decode(EndpointsUpdate.self, from: request)
            let version = published(try await store.updateEndpoints(nodeID: nodeID, endpoints: body.endpoints))
            return JSONResponse.make(["netmapVersion": version])
        }
        router.get("v1/netmap") { request, _ in
            guard case .node(let nodeID) = try await authorize(request, ["node"]) else { throw unreachable() }
            return try await netmap(request, nodeID: nodeID)
        }
        router.get("v1/revocations") { request, _ in try await revocations(request) }
        router.get("v1/tailnet") { request, _ in
            _ = try await authorize(request, ["admin", "relay-publisher", "node"])
            return JSONResponse.make(try await store.tailnetInfo())
        }
    }

    /// `GET /v1/netmap?since=N&timeout=S`: the netmap now if its version is above N, else after the next change,
    /// else 304 after S seconds.
    func netmap(_ request: Request, nodeID: String) async throws -> Response {
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        let since = query["since"].map { Int64(String($0)) } ?? Int64(-1)
        if since == nil { fields["since"] = "must be an integer netmap version" }
        let timeout = query["timeout"].map { Int(String($0)) } ?? Int(Self.defaultNetmapWait.components.seconds)
        if timeout == nil || !(0...Int(Self.maxNetmapWait.components.seconds)).contains(timeout!) {
            fields["timeout"] = "must be 0…\(Self.maxNetmapWait.components.seconds) seconds"
        }
        if let error = CoordinatorError.invalidFields(fields) { throw error }
        let known = since!
        // A client claiming a version newer than ours (e.g. after a restore from backup) gets the current netmap
        // at once instead of waiting for a version that may never come.
        let current = hub.version
        if known == current {
            let moved = await hub.waitForVersion(after: known, timeout: .seconds(timeout!))
            if !moved {
                metrics.netmapNotModified.increment()
                return Response(status: .notModified, headers: [.init("X-Netmap-Version")!: "\(hub.version)"])
            }
        }
        let snapshot = try await cache.snapshot(minimumVersion: hub.version)
        guard let bytes = try snapshot.render(for: nodeID) else {
            throw CoordinatorError.unauthorized("this node was removed; register it again with a pre-auth key")
        }
        metrics.netmapChanged.increment()
        return JSONResponse.raw(bytes)
    }

    func registerResponse(_ credentials: CoordinatorStore.NodeCredentials) async throws -> RegisterResponse {
        RegisterResponse(
            node: credentials.node, certificate: Data(credentials.certificate).base64EncodedString(),
            certificateExpiresAt: credentials.node.certificateExpiresAt, nodeToken: credentials.nodeToken,
            tailnet: try await store.tailnetInfo())
    }

    func unreachable() -> CoordinatorError {
        .internalFailure("authorization returned an unexpected principal")
    }
}
