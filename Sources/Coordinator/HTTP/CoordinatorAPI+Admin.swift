import Hummingbird
import Tailnet

extension CoordinatorAPI {
    func addAdminRoutes(_ router: Router<BasicRequestContext>) {
        router.post("v1/keys") { request, _ in
            _ = try await authorize(request, ["admin"])
            let body = try await RequestDecoding.decode(PreAuthKeyRequest.self, from: request)
            return JSONResponse.make(try await store.createPreAuthKey(body), status: .created)
        }
        router.get("v1/keys") { request, _ in
            _ = try await authorize(request, ["admin"])
            return JSONResponse.make(["keys": try await store.listPreAuthKeys()])
        }
        router.delete("v1/keys/:id") { request, context in
            _ = try await authorize(request, ["admin"])
            try await store.revokePreAuthKey(id: try context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.get("v1/nodes") { request, _ in
            _ = try await authorize(request, ["admin"])
            return JSONResponse.make(["nodes": try await store.listNodes()])
        }
        router.delete("v1/nodes/:id") { request, context in
            _ = try await authorize(request, ["admin"])
            let removed = try await store.removeNode(id: try context.parameters.require("id"))
            published(removed.version)
            return JSONResponse.make(RemovalResult(revokedSerials: removed.revoked, netmapVersion: removed.version))
        }
        router.get("v1/grants") { request, _ in
            _ = try await authorize(request, ["admin"])
            return JSONResponse.make(GrantList(grants: try await store.grants()))
        }
        router.put("v1/grants") { request, _ in
            _ = try await authorize(request, ["admin"])
            let body = try await RequestDecoding.decode(GrantList.self, from: request)
            published(try await store.replaceGrants(body))
            return JSONResponse.make(GrantList(grants: try await store.grants()))
        }
        router.post("v1/tokens") { request, _ in
            _ = try await authorize(request, ["admin"])
            let body = try await RequestDecoding.decode(TokenRequest.self, from: request)
            return JSONResponse.make(try await store.createToken(body), status: .created)
        }
        router.get("v1/tokens") { request, _ in
            _ = try await authorize(request, ["admin"])
            return JSONResponse.make(["tokens": try await store.listTokens()])
        }
        router.delete("v1/tokens/:id") { request, context in
            _ = try await authorize(request, ["admin"])
            try await store.revokeToken(id: try context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.post("v1/ca/rotate") { request, _ in
            _ = try await authorize(request, ["admin"])
            let body = try await RequestDecoding.decode(RotateCARequest.self, from: request)
            let rotation = try await store.rotateCA(overlap: body.overlapSeconds ?? 7 * 86_400)
            published(rotation.tailnet.netmapVersion)
            return JSONResponse.make(rotation.tailnet)
        }
    }
}
