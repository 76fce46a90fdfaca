import AWS
import Bus
import CloudTrail
import Foundation
import Logging
import Store
import Wire

/// Reads CloudTrail delivery files (`.json.gz`) from S3 and publishes their records. A file already processed
/// (same bucket, key and ETag) is skipped, so notifications that repeat and backfills that overlap cost nothing.
struct DeliveryFiles: Sendable {
    let database: Database
    let pipeline: EventPipeline
    let maxObjectBytes: Int
    let logger: Logger

    struct Outcome: Sendable {
        var skipped = false
        var response = CLIngestResponse()
    }

    func alreadyProcessed(bucket: String, key: String, etag: String, tenant: String) async throws -> Bool {
        !(try await database.query("""
            SELECT 1 FROM ingestor.processed_objects WHERE bucket = \(bucket) AND key = \(key) AND etag = \(etag)
            """, tenant: tenant)).isEmpty
    }

    /// Fetches, decodes and publishes one object; `etag` (from a listing or notification) lets a known file be
    /// skipped before it is downloaded.
    func process(bucket: String, key: String, etag: String?, accountUUID: String, tenant: String, s3: S3, source: String) async throws -> Outcome {
        var outcome = Outcome()
        if let etag, !etag.isEmpty, try await alreadyProcessed(bucket: bucket, key: key, etag: etag, tenant: tenant) {
            outcome.skipped = true
            return outcome
        }
        let object = try await s3.getObject(bucket: bucket, key: key, timeout: .seconds(120))
        if etag == nil || etag!.isEmpty, try await alreadyProcessed(bucket: bucket, key: key, etag: object.etag, tenant: tenant) {
            outcome.skipped = true
            return outcome
        }
        guard object.body.count <= maxObjectBytes else {
            throw BusError(.invalidArgument, "s3://\(bucket)/\(key) is \(object.body.count) bytes, over the \(maxObjectBytes)-byte limit")
        }
        var body = object.body
        if Gzip.isGzip(body) {
            do { body = try Gzip.decompress(body) } catch {
                throw BusError(.invalidArgument, "s3://\(bucket)/\(key): \(error.message)")
            }
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result: CloudTrailNormalizer.Result
        do {
            result = try CloudTrailNormalizer.normalize(body, tenant: tenant, source: source, receivedAtMs: now)
        } catch {
            throw BusError(.invalidArgument, "s3://\(bucket)/\(key): \(error.message)")
        }
        outcome.response = try await pipeline.publish(result, tenant: tenant, source: source, requestID: "s3://\(bucket)/\(key)")
        let records = result.events.count + result.rejections.count
        _ = try await database.withTransaction(tenant: tenant) { conn in
            try conn.query("""
                INSERT INTO ingestor.processed_objects (tenant_id, account_uuid, bucket, key, etag, records)
                VALUES (\(tenant)::uuid, \(accountUUID)::uuid, \(bucket), \(key), \(object.etag), \(records))
                ON CONFLICT DO NOTHING
                """)
        }
        return outcome
    }

    /// The key prefixes CloudTrail delivers to for one account, region and day:
    /// `[prefix/]AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/`.
    static func dayPrefixes(prefix: String, accountID: String, regions: [String], sinceMs: Int64, untilMs: Int64) -> [String] {
        var out: [String] = []
        let base = prefix.isEmpty ? "" : (prefix.hasSuffix("/") ? prefix : prefix + "/")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var day = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(sinceMs) / 1000))
        let end = Date(timeIntervalSince1970: Double(untilMs) / 1000)
        while day <= end {
            let c = calendar.dateComponents([.year, .month, .day], from: day)
            let path = String(format: "%04d/%02d/%02d/", c.year!, c.month!, c.day!)
            for region in regions { out.append("\(base)AWSLogs/\(accountID)/CloudTrail/\(region)/\(path)") }
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        return out
    }

    /// The delivery time in a CloudTrail file name (`..._20261122T0135Z_...json.gz`), in ms.
    static func deliveryTimeMs(key: String) -> Int64? {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        for part in name.split(separator: "_") where part.count == 14 && part.hasSuffix("Z") && part.dropFirst(8).first == "T" {
            var c = DateComponents()
            let s = Array(part.utf8)
            func n(_ r: Range<Int>) -> Int? { Int(String(decoding: s[r], as: UTF8.self)) }
            guard let y = n(0..<4), let mo = n(4..<6), let d = n(6..<8), let h = n(9..<11), let mi = n(11..<13) else { continue }
            c.year = y; c.month = mo; c.day = d; c.hour = h; c.minute = mi
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            if let date = calendar.date(from: c) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        return nil
    }
}
