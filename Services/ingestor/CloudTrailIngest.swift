import Bus
import Wire

/// `cl.rpc.ingestor.ingest`: a body from the gateway's webhook (or the CLI), published through the pipeline.
/// The reply is sent only after JetStream acknowledged every accepted record.
struct CloudTrailIngest: Sendable {
    let pipeline: EventPipeline

    func register(on server: RPCServer) {
        let pipeline = self.pipeline
        server.register("ingest", CLIngestRequest.self) { req, ctx in
            try await pipeline.ingest(body: Array(req.body), contentEncoding: req.contentEncoding, tenant: try ctx.requireTenant(),
                                      source: req.source.isEmpty ? "webhook" : req.source, requestID: req.requestID)
        }
    }
}
