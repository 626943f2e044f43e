import Hummingbird
import Tailnet

extension CoordinatorAPI {
    func addRelayRoutes(_ router: Router<BasicRequestContext>) {
        router.post("v1/relays") { request, _ in
            _ = try await authorize(request, ["admin", "relay-publisher"])
            let body = try await RequestDecoding.decode(RelayPublishRequest.self, from: request)
            let published = try await store.publishRelay(body)
            self.published(published.version)
            return JSONResponse.make(
                RelayPublishResponse(relay: published.relay, tailnet: try await store.tailnetInfo()))
        }
        router.get("v1/relays") { request, _ in
            _ = try await authorize(request, ["admin", "relay-publisher"])
            return JSONResponse.make(["relays": try await store.listRelays()])
        }
        router.get("v1/relays/:id") { request, context in
            _ = try await authorize(request, ["admin", "relay-publisher"])
            return JSONResponse.make(try await store.relay(id: try context.parameters.require("id")))
        }
        router.delete("v1/relays/:id") { request, context in
            _ = try await authorize(request, ["admin", "relay-publisher"])
            let removed = try await store.unpublishRelay(id: try context.parameters.require("id"))
            published(removed.version)
            return JSONResponse.make(RemovalResult(revokedSerials: removed.revoked, netmapVersion: removed.version))
        }
    }
}
