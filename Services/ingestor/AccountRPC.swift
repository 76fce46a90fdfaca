import Bus
import Wire

/// `createAccount`, `listAccounts`, `getAccount`, `deleteAccount`: connected AWS accounts of the caller's tenant.
struct AccountRPC: Sendable {
    let accounts: AccountStore

    func register(on server: RPCServer) {
        let accounts = self.accounts
        server.register("createAccount", CLCreateAccountRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            var resp = CLAccountResponse()
            resp.account = try await accounts.create(req, tenant: tenant, actor: req.account.createdBy)
            return resp
        }
        server.register("listAccounts", CLListAccountsRequest.self) { _, ctx in
            var resp = CLListAccountsResponse()
            resp.accounts = try await accounts.list(tenant: try ctx.requireTenant())
            return resp
        }
        server.register("getAccount", CLAccountIdRequest.self) { req, ctx in
            guard let a = try await accounts.get(id: req.id, tenant: try ctx.requireTenant()) else {
                throw BusError(.notFound, "account \(req.id) not found")
            }
            var resp = CLAccountResponse()
            resp.account = a
            return resp
        }
        server.register("deleteAccount", CLAccountIdRequest.self) { req, ctx in
            guard try await accounts.delete(id: req.id, tenant: try ctx.requireTenant()) else {
                throw BusError(.notFound, "account \(req.id) not found")
            }
            return CLDeleteAccountResponse()
        }
    }
}
