import Bus
import Wire

/// `cl.rpc.policy-engine.listFindings` and `getFinding`: always scoped to the caller's tenant.
struct FindingRPC: Sendable {
    let store: FindingStore

    func register(on server: RPCServer) {
        server.register("listFindings", CLListFindingsRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            let limit = req.limit == 0 ? 100 : Int(req.limit)
            guard (1...500).contains(limit) else { throw BusError(.invalidArgument, "limit must be between 1 and 500") }
            var after: PageToken?
            if !req.pageToken.isEmpty {
                guard let token = PageToken(req.pageToken) else { throw BusError(.invalidArgument, "page_token is not valid") }
                after = token
            }
            let severities = ["info", "low", "medium", "high", "critical"]
            if !req.severity.isEmpty && !severities.contains(req.severity) {
                throw BusError(.invalidArgument, "severity must be one of \(severities.joined(separator: ", "))")
            }
            let statuses = ["open", "acknowledged", "resolved", "suppressed"]
            if !req.status.isEmpty && !statuses.contains(req.status) {
                throw BusError(.invalidArgument, "status must be one of \(statuses.joined(separator: ", "))")
            }
            let page = try await store.list(tenant: tenant, limit: limit, after: after,
                                            ruleID: req.ruleID.isEmpty ? nil : req.ruleID,
                                            severity: req.severity.isEmpty ? nil : req.severity,
                                            status: req.status.isEmpty ? nil : req.status,
                                            resource: req.resource, sinceMs: req.sinceMs, untilMs: req.untilMs)
            var resp = CLListFindingsResponse()
            resp.findings = page.findings
            resp.nextPageToken = page.next?.text ?? ""
            return resp
        }
        server.register("getFinding", CLGetFindingRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            guard let finding = try await store.get(id: req.id, tenant: tenant) else {
                throw BusError(.notFound, "finding \(req.id) not found")
            }
            var resp = CLGetFindingResponse()
            resp.finding = finding
            return resp
        }
    }
}
