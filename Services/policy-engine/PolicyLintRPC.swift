import Bus
import IAMPolicy
import Wire

/// `cl.rpc.policy-engine.lintPolicies`: the IAM analyzer as a service, for the gateway's
/// `POST /v1/iam/policies/lint`. A document that does not parse fails the call with its index and JSON path.
struct PolicyLintRPC: Sendable {
    static let maxDocuments = 100
    static let maxDocumentBytes = 128 * 1024

    func register(on server: RPCServer) {
        server.register("lintPolicies", CLLintPoliciesRequest.self) { req, ctx in
            _ = try ctx.requireTenant()
            guard !req.documents.isEmpty else { throw BusError(.invalidArgument, "no policy documents given") }
            guard req.documents.count <= Self.maxDocuments else {
                throw BusError(.invalidArgument, "at most \(Self.maxDocuments) policies per request")
            }
            let kind: PolicyKind?
            switch req.kind {
            case "", "auto": kind = nil
            default:
                guard let k = PolicyKind(rawValue: req.kind) else {
                    throw BusError(.invalidArgument, "kind must be identity, resource, trust or auto")
                }
                kind = k
            }
            let analyzer = PolicyAnalyzer(options: .init(accountID: req.accountID.isEmpty ? nil : req.accountID))
            var response = CLLintPoliciesResponse()
            for (index, text) in req.documents.enumerated() {
                guard text.utf8.count <= Self.maxDocumentBytes else {
                    throw BusError(.invalidArgument, "policies[\(index)] is larger than \(Self.maxDocumentBytes) bytes")
                }
                let report: PolicyReport
                do { report = try analyzer.analyze(json: text, kind: kind) } catch {
                    throw BusError(.invalidArgument, "policies[\(index)]: \(error)")
                }
                var result = CLPolicyLintResult()
                result.index = Int32(index)
                result.kind = report.kind.rawValue
                result.score = Int32(report.score)
                result.grade = report.grade.rawValue
                result.findings = report.findings.map { f in
                    var p = CLPolicyFinding()
                    p.id = f.id
                    p.category = f.category.rawValue
                    p.severity = f.severity.rawValue
                    p.statement = f.sid ?? f.statementIndex.map { "Statement[\($0)]" } ?? ""
                    p.message = f.message
                    p.actions = f.actions
                    p.references = f.references.mapValues { $0.joined(separator: ",") }
                    return p
                }
                response.results.append(result)
            }
            return response
        }
    }
}
