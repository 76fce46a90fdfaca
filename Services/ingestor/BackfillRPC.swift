import AWS
import Bus
import CloudTrail
import Foundation
import Wire

/// `cl.rpc.ingestor.backfill`: reads a connected account's CloudTrail delivery files for a time range from its
/// bucket. Files already processed (bucket, key, ETag) are skipped; a file that cannot be read is reported by name and
/// the rest go on.
struct BackfillRPC: Sendable {
    let accounts: AccountStore
    let files: DeliveryFiles
    let base: AWSClient
    /// The longest range one call may cover.
    static let maxRangeMs: Int64 = 31 * 24 * 3600 * 1000
    /// A delivery file holds events from up to about 15 minutes before its name's time.
    static let slackMs: Int64 = 20 * 60 * 1000

    func register(on server: RPCServer) {
        let accounts = self.accounts, files = self.files, base = self.base
        server.register("backfill", CLBackfillRequest.self) { req, ctx in
            let tenant = try ctx.requireTenant()
            guard let conn = try await accounts.connection(id: req.id, tenant: tenant) else {
                throw BusError(.notFound, "account \(req.id) not found")
            }
            let account = conn.account
            guard !account.cloudtrailBucket.isEmpty else {
                throw BusError(.failedPrecondition, "account \(req.id) has no cloudtrail_bucket to read delivery files from")
            }
            guard req.sinceMs > 0, req.untilMs >= req.sinceMs else {
                throw BusError(.invalidArgument, "give since and until (until not before since)")
            }
            guard req.untilMs - req.sinceMs <= Self.maxRangeMs else { throw BusError(.invalidArgument, "a backfill covers at most 31 days per call") }
            let regions = req.regions.isEmpty ? account.regions : req.regions
            for r in regions where !AccountStore.isRegion(r) { throw BusError(.invalidArgument, "\"\(r)\" is not an AWS region name") }
            let client = AccountStore.client(for: conn, base: base)
            let s3 = S3(client)
            var resp = CLBackfillResponse()
            for prefix in DeliveryFiles.dayPrefixes(prefix: account.cloudtrailPrefix, accountID: account.accountID, regions: regions,
                                                    sinceMs: req.sinceMs, untilMs: req.untilMs) {
                let listing: [S3.Object]
                do { listing = try await s3.listObjectsV2(bucket: account.cloudtrailBucket, prefix: prefix).collect() } catch {
                    // One day or region that cannot be listed does not lose the others; it is named in the errors.
                    resp.failedObjects += 1
                    var e = CLIngestError()
                    e.index = -1
                    e.message = "cannot list s3://\(account.cloudtrailBucket)/\(prefix): \(error)"
                    if resp.errors.count < 100 { resp.errors.append(e) }
                    continue
                }
                for object in listing where object.key.hasSuffix(".json.gz") || object.key.hasSuffix(".json") {
                    if let t = DeliveryFiles.deliveryTimeMs(key: object.key),
                       t < req.sinceMs || t > req.untilMs + Self.slackMs { continue }
                    do {
                        let outcome = try await files.process(bucket: account.cloudtrailBucket, key: object.key, etag: object.etag,
                                                              accountUUID: account.id, tenant: tenant, s3: s3, source: "s3")
                        if outcome.skipped { resp.skipped += 1; continue }
                        resp.objects += 1
                        resp.accepted += outcome.response.accepted
                        resp.duplicates += outcome.response.duplicates
                        resp.rejected += outcome.response.rejected
                        resp.errors += outcome.response.errors.prefix(max(0, 100 - resp.errors.count))
                    } catch {
                        resp.failedObjects += 1
                        var e = CLIngestError()
                        e.index = -1
                        e.message = "s3://\(account.cloudtrailBucket)/\(object.key): \(error)"
                        if resp.errors.count < 100 { resp.errors.append(e) }
                    }
                }
            }
            return resp
        }
    }
}
