import AWS
import ArgumentParser
import CloudTrail
import Foundation
import HTTP

/// `cloudloom ingest PATH|s3://bucket/prefix ...`: send CloudTrail files from disk or S3 to a tenant's gateway.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Send CloudTrail files from disk or S3 to the gateway (tenant API key).",
        discussion: """
            Reads files and folders (recursively) of .json, .json.gz and .ndjson, and s3://bucket/prefix locations \
            (every CloudTrail delivery file under the prefix; digest files are skipped). Each file goes as one \
            gzip-compressed request; a file over the gateway's body limit is sent in batches of whole records. \
            S3 objects already sent with the same ETag are skipped (see --state). --since/--until filter S3 delivery \
            files by the time in their names; local files are not filtered. Exit status: 0 every file was taken, \
            2 usage error, 3 some input could not be read or some records were rejected (the rest was sent), \
            4 the gateway refused or failed.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Argument(help: "Files, folders or s3://bucket/prefix locations.") var sources: [String]
    @OptionGroup var gateway: GatewayOptions
    @Option(help: "The tenant's API key (default: $CL_API_KEY).") var apiKey: String?
    @Option(help: "Output format: table or json.") var format: Format = .table
    @Option(help: "Send S3 calls to this base URL, for example a moto server (default: $CL_AWS_ENDPOINT, else AWS).")
    var endpoint: String?
    @Option(help: "The region for s3:// sources (default: $AWS_REGION or us-east-1).") var region: String?
    @Option(help: "Only S3 delivery files delivered at or after this RFC 3339 time (read from the file name).")
    var since: String?
    @Option(help: "Only S3 delivery files delivered before this RFC 3339 time (read from the file name).")
    var until: String?
    @Option(help: "Uploads in flight at once.") var jobs: Int = 4
    @Option(name: .customLong("state"),
            help: "The file of S3 objects already sent (default: $XDG_STATE_HOME/cloudloom/ingest-state.json or ~/.local/state/cloudloom/ingest-state.json).")
    var stateFile: String?
    @Flag(help: "Neither read nor write the state file: send every S3 object.") var noState = false

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give at least one file, folder or s3://bucket/prefix") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if stateFile != nil && noState { throw ValidationError("--state and --no-state exclude each other") }
        let from = try Self.time(since, flag: "--since")
        let to = try Self.time(until, flag: "--until")
        if let from, let to, from >= to { throw ValidationError("--since must be earlier than --until") }
        for source in sources where source.hasPrefix("s3://") { _ = try S3Location(source) }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let key = apiKey ?? env["CL_API_KEY"], !key.isEmpty else {
            throw CLIError(message: "no API key: pass --api-key or set CL_API_KEY", exitCode: 2)
        }
        let sinceMs = try Self.time(since, flag: "--since")
        let untilMs = try Self.time(until, flag: "--until")
        let locations = try sources.filter { $0.hasPrefix("s3://") }.map { try S3Location($0) }
        var report = IngestReport()
        var work: [IngestItem] = []
        var queued = Set<String>()

        for path in sources where !path.hasPrefix("s3://") {
            var problems: [String] = []
            for file in FileCollector.collect([path], problems: &problems) where queued.insert(file).inserted {
                work.append(.local(file))
            }
            for p in problems {
                report.inputError(file: path, message: p.hasPrefix(path + ": ") ? String(p.dropFirst(path.count + 2)) : p)
            }
        }

        var state: IngestStateFile?
        var s3: S3?
        let http = HTTPClient(.init(threads: jobs, maxResponseBytes: 1 << 30))
        if !locations.isEmpty {
            do throws(AWSError) {
                _ = try await EnvironmentCredentialProvider().credentials()
            } catch {
                await http.shutdown()
                throw CLIError(message: "no AWS credentials for \(locations[0].uri): \(error.message)", exitCode: 2)
            }
            if !noState {
                do {
                    state = try IngestStateFile.load(stateFile ?? IngestStateFile.defaultPath(env))
                } catch {
                    await http.shutdown()
                    throw error
                }
            }
            let endpointURL = (endpoint ?? env["CL_AWS_ENDPOINT"]).flatMap { $0.isEmpty ? nil : $0 }
            let regionName = region ?? env["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
            // The client shares our HTTP threads and does not own them: `http.shutdown()` below stops both.
            let aws = AWSClient(credentials: EnvironmentCredentialProvider(),
                                configuration: .init(region: regionName, endpoint: endpointURL), http: http)
            let client = S3(aws)
            s3 = client
            for location in locations {
                let objects: [S3.Object]
                do {
                    objects = try await client.listObjectsV2(bucket: location.bucket,
                                                             prefix: location.prefix.isEmpty ? nil : location.prefix).collect()
                } catch {
                    report.inputError(file: location.uri, message: "cannot list the objects: \(error)")
                    continue
                }
                for object in objects where Self.isDeliveryFile(object.key) {
                    if sinceMs != nil || untilMs != nil {
                        guard let t = Self.deliveryTimeMs(object.key) else { continue }
                        if let sinceMs, t < sinceMs { continue }
                        if let untilMs, t >= untilMs { continue }
                    }
                    let item = IngestItem.s3(bucket: location.bucket, key: object.key, etag: object.etag)
                    guard queued.insert(item.name).inserted else { continue }
                    if let state, !object.etag.isEmpty, state.entries[item.name] == object.etag {
                        report.skipped += 1
                        continue
                    }
                    work.append(item)
                }
            }
        }

        var base = gateway.url
        while base.hasSuffix("/") { base.removeLast() }
        let uploader = IngestUploader(http: http, gatewayURL: base, apiKey: key, s3: s3)
        var warnings: [String] = []
        var pendingState: [String: String] = [:]
        func saveState() {
            guard !pendingState.isEmpty, state != nil else { return }
            do {
                try state?.record(pendingState)
            } catch {
                // Losing the state only means resending (the gateway answers duplicates), so it is a warning.
                warnings.append("cannot write the state file \(state?.path ?? ""): \(error)")
            }
            pendingState = [:]
        }
        let workers = min(jobs, work.count)
        await withTaskGroup(of: IngestOutcome.self) { group in
            var next = 0
            while next < workers {
                let item = work[next]
                group.addTask { await uploader.process(item) }
                next += 1
            }
            while let outcome = await group.next() {
                report.add(outcome)
                if let stateKey = outcome.stateKey, let etag = outcome.etag, !etag.isEmpty { pendingState[stateKey] = etag }
                // Saved as it goes, so an interrupted backfill does not start over.
                if pendingState.count >= 50 { saveState() }
                // After a fatal answer (the key refused, the gateway gone) nothing else can succeed: start nothing new.
                if report.fatal == nil && next < work.count {
                    let item = work[next]
                    group.addTask { await uploader.process(item) }
                    next += 1
                }
            }
        }
        saveState()
        await http.shutdown()

        switch format {
        case .json: print(report.json)
        case .table: print(report.table)
        }
        for w in warnings { FileHandle.standardError.write(Data("cloudloom: warning: \(w)\n".utf8)) }
        if let error = report.exitError { throw error }
    }

    /// Milliseconds since 1970 of an RFC 3339 flag value.
    static func time(_ text: String?, flag: String) throws -> Int64? {
        guard let text else { return nil }
        guard let ms = ISO8601.parseMilliseconds(text) else {
            throw ValidationError("\(flag) \(text) is not an RFC 3339 time such as 2026-11-22T00:00:00Z")
        }
        return ms
    }

    /// Whether an S3 key is a CloudTrail delivery file: `.json.gz` or `.json`, not a digest. Under AWS's own layout
    /// (`AWSLogs/<account>/<service>/...`) only the `CloudTrail` folder holds trail records: Config, CloudTrail-Insight
    /// and other services write `.json.gz` files beside it.
    static func isDeliveryFile(_ key: String) -> Bool {
        guard key.hasSuffix(".json.gz") || key.hasSuffix(".json"), !key.contains("CloudTrail-Digest") else { return false }
        if key.hasPrefix("AWSLogs/") || key.contains("/AWSLogs/") { return key.contains("/CloudTrail/") }
        return true
    }

    /// The delivery time in a CloudTrail file name, `<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz`.
    static func deliveryTimeMs(_ key: String) -> Int64? {
        let name = key.split(separator: "/").last ?? ""
        let digits = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
        for part in name.split(separator: "_") {
            let b = Array(part.utf8)
            guard b.count == 14, b[8] == UInt8(ascii: "T"), b[13] == UInt8(ascii: "Z"),
                  digits.allSatisfy({ b[$0] >= 48 && b[$0] <= 57 }) else { continue }
            let s = String(decoding: b, as: UTF8.self)
            let iso = "\(s.prefix(4))-\(s.dropFirst(4).prefix(2))-\(s.dropFirst(6).prefix(2))T\(s.dropFirst(9).prefix(2)):\(s.dropFirst(11).prefix(2)):00Z"
            return ISO8601.parseMilliseconds(iso)
        }
        return nil
    }
}

/// `s3://bucket/prefix`.
struct S3Location: Sendable {
    var bucket: String
    var prefix: String
    var uri: String { "s3://\(bucket)/\(prefix)" }

    init(_ uri: String) throws {
        let rest = uri.dropFirst("s3://".count)
        if let slash = rest.firstIndex(of: "/") {
            bucket = String(rest[..<slash])
            prefix = String(rest[rest.index(after: slash)...])
        } else {
            bucket = String(rest)
            prefix = ""
        }
        guard S3.isValidBucketName(bucket) else {
            throw ValidationError("\(uri): \"\(bucket)\" is not a valid S3 bucket name")
        }
    }
}

/// One file to send.
enum IngestItem: Sendable {
    case local(String)
    case s3(bucket: String, key: String, etag: String)

    /// The path, or `s3://bucket/key`: how the file is named in the output and the state file.
    var name: String {
        switch self {
        case .local(let path): path
        case .s3(let bucket, let key, _): "s3://\(bucket)/\(key)"
        }
    }
}

/// A problem with one file or one record, as the output lists it.
struct IngestErrorEntry: Sendable {
    var file: String
    /// The record's position in the file; nil when the file as a whole failed.
    var index: Int?
    var eventID: String?
    var message: String
}

/// What became of one file.
struct IngestOutcome: Sendable {
    var file: String
    var accepted = 0
    var duplicates = 0
    var rejected = 0
    var errors: [IngestErrorEntry] = []
    /// The file, or part of it, could not be read (or the gateway found it unusable).
    var inputProblem = false
    /// The gateway failed or refused part of the file.
    var serverFailure = false
    /// A failure that ends the run: the key refused, the gateway unreachable.
    var fatal: String?
    /// `s3://bucket/key` and its ETag, to remember once the object was sent in full.
    var stateKey: String?
    var etag: String?

    init(file: String) { self.file = file }

    mutating func failInput(_ message: String) {
        inputProblem = true
        errors.append(IngestErrorEntry(file: file, index: nil, eventID: nil, message: message))
    }

    mutating func failServer(_ message: String, index: Int? = nil, eventID: String? = nil) {
        serverFailure = true
        errors.append(IngestErrorEntry(file: file, index: index, eventID: eventID, message: message))
    }

    /// Adds a gateway answer for a body whose records start at `offset` in the file.
    mutating func add(_ counts: IngestUploader.Counts, offset: Int) {
        accepted += counts.accepted
        duplicates += counts.duplicates
        rejected += counts.rejected
        for e in counts.errors {
            errors.append(IngestErrorEntry(file: file, index: e.index.map { $0 + offset }, eventID: e.eventID, message: e.message))
        }
    }
}

/// Sends files to `POST /v1/events/cloudtrail`, splitting one into batches of records when the gateway answers 413.
struct IngestUploader: Sendable {
    let http: HTTPClient
    /// The gateway's base URL, without a trailing slash.
    let gatewayURL: String
    let apiKey: String
    let s3: S3?

    /// How many times a request that may succeed later (429, 5xx, transport failure) is sent.
    static let attempts = 3
    /// The largest file the CLI inflates to split it.
    static let maxFileBytes = 2 << 30

    /// The gateway's answer counts.
    struct Counts: Sendable {
        struct RecordError: Sendable {
            var index: Int?
            var eventID: String?
            var message: String
        }
        var accepted: Int
        var duplicates: Int
        var rejected: Int
        var errors: [RecordError]
    }

    enum Answer: Sendable {
        case counts(Counts)
        /// 413: the body is over the gateway's limit.
        case tooLarge
        /// 400/415/422: the body cannot be used.
        case invalid(String)
        /// Anything else that failed for this body.
        case failed(String)
        /// Ends the run.
        case fatal(String)
    }

    func process(_ item: IngestItem) async -> IngestOutcome {
        var out = IngestOutcome(file: item.name)
        let bytes: [UInt8]
        switch item {
        case .local(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                out.failInput("cannot read the file")
                return out
            }
            bytes = [UInt8](data)
        case .s3(let bucket, let key, let listedETag):
            guard let s3 else {
                out.failInput("no S3 client")
                return out
            }
            do {
                let object = try await s3.getObject(bucket: bucket, key: key)
                bytes = object.body
                out.etag = object.etag.isEmpty ? listedETag : object.etag
            } catch {
                out.failInput("cannot download the object: \(error)")
                return out
            }
            out.stateKey = item.name
        }
        await send(bytes, name: item.name, into: &out)
        // Only an object sent in full is remembered; anything else is tried again next time.
        if out.fatal != nil || out.serverFailure || out.inputProblem { out.stateKey = nil }
        return out
    }

    /// Sends one file as one body; on 413, in batches.
    func send(_ bytes: [UInt8], name: String, into out: inout IngestOutcome) async {
        let gzipped = Gzip.isGzip(bytes)
        let body = gzipped ? bytes : Gzip.compress(bytes)
        switch await post(body, contentType: Self.contentType(for: name)) {
        case .counts(let counts): out.add(counts, offset: 0)
        case .tooLarge: await sendInBatches(bytes, gzipped: gzipped, refusedSize: body.count, into: &out)
        case .invalid(let message): out.failInput(message)
        case .failed(let message): out.failServer(message)
        case .fatal(let message): out.fatal = message
        }
    }

    /// Splits the file into its records and sends them as `{"Records":[...]}` bodies that fit: a batch the gateway
    /// refuses as too large is halved (by bytes) until it fits. A body at least as large as one already refused is
    /// split without being sent, since the limit is on the body's size.
    func sendInBatches(_ bytes: [UInt8], gzipped: Bool, refusedSize: Int, into out: inout IngestOutcome) async {
        var raw = bytes
        if gzipped {
            do { raw = try Gzip.decompress(bytes, maxOutputBytes: Self.maxFileBytes) } catch {
                out.failInput("\(error)")
                return
            }
        }
        let records: [Range<Int>]
        do { records = try Self.recordRanges(raw) } catch {
            out.failInput("\(error)")
            return
        }
        guard !records.isEmpty else {
            out.failInput("the file holds no CloudTrail records")
            return
        }
        var refused = refusedSize
        // The whole file was just refused: start from its halves.
        var pending = [0..<records.count]
        if records.count > 1 {
            let mid = Self.middle(of: 0..<records.count, records)
            pending = [mid..<records.count, 0..<mid]
        }
        while let chunk = pending.popLast() {
            let body = Gzip.compress(Self.deliveryFile(records[chunk], in: raw))
            if body.count < refused {
                let label = "records \(chunk.lowerBound)-\(chunk.upperBound - 1)"
                switch await post(body, contentType: "application/json") {
                case .counts(let counts):
                    out.add(counts, offset: chunk.lowerBound)
                    continue
                case .tooLarge:
                    refused = min(refused, body.count)
                case .invalid(let message):
                    out.failInput("\(label): \(message)")
                    continue
                case .failed(let message):
                    out.failServer("\(label): \(message)")
                    continue
                case .fatal(let message):
                    out.fatal = message
                    return
                }
            }
            guard chunk.count > 1 else {
                let id = (try? JSONParser.parse(Array(raw[records[chunk.lowerBound]])))?.value["eventID"]?.string
                out.failServer("the record alone is larger than the gateway's body limit (HTTP 413)", index: chunk.lowerBound, eventID: id)
                continue
            }
            let mid = Self.middle(of: chunk, records)
            // Pushed right half first, so the file is sent in order.
            pending.append(mid..<chunk.upperBound)
            pending.append(chunk.lowerBound..<mid)
        }
    }

    /// The byte ranges of a body's records, read the way `CloudTrailNormalizer` reads them: the items of a delivery
    /// file's `Records` array or of a JSON array, each document of NDJSON, or the one document.
    static func recordRanges(_ raw: [UInt8]) throws -> [Range<Int>] {
        let documents = try JSONParser.parseSequence(raw)
        guard documents.count == 1 else { return documents.map(\.range) }
        let doc = documents[0]
        switch doc.value {
        case .array(let items):
            return items.map(\.range)
        case .object:
            guard let list = doc.value.node("Records") else { return [doc.range] }
            guard case .array(let items) = list.value else {
                throw IngestBodyError("\"Records\" must be an array of CloudTrail records")
            }
            return items.map(\.range)
        default:
            return [doc.range]
        }
    }

    /// `{"Records":[...]}` of the records' exact bytes.
    static func deliveryFile(_ ranges: ArraySlice<Range<Int>>, in raw: [UInt8]) -> [UInt8] {
        var json: [UInt8] = Array("{\"Records\":[".utf8)
        json.reserveCapacity(ranges.reduce(16) { $0 + $1.count + 1 })
        for (i, r) in ranges.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: raw[r])
        }
        json.append(contentsOf: Array("]}".utf8))
        return json
    }

    /// Where to cut a batch of at least two records so both halves hold about as many bytes.
    static func middle(of chunk: Range<Int>, _ records: [Range<Int>]) -> Int {
        let total = records[chunk].reduce(0) { $0 + $1.count }
        var sum = 0
        for i in chunk {
            sum += records[i].count
            if sum * 2 >= total { return min(max(i + 1, chunk.lowerBound + 1), chunk.upperBound - 1) }
        }
        return chunk.lowerBound + chunk.count / 2
    }

    static func contentType(for name: String) -> String {
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return base.hasSuffix(".ndjson") || base.hasSuffix(".jsonl") ? "application/x-ndjson" : "application/json"
    }

    /// Posts one gzip body, retrying what may succeed later. Ingesting is idempotent (the gateway dedups by event
    /// id), so a retry after a lost answer cannot count a record twice.
    func post(_ body: [UInt8], contentType: String) async -> Answer {
        let request = HTTPRequest(method: "POST", url: gatewayURL + "/v1/events/cloudtrail",
                                  headers: [("Authorization", "Bearer \(apiKey)"), ("Content-Type", contentType),
                                            ("Content-Encoding", "gzip"), ("Accept", "application/json")],
                                  body: body, timeout: .seconds(120))
        var attempt = 0
        while true {
            attempt += 1
            let problem: String
            do {
                let response = try await http.execute(request)
                switch response.status {
                case 200:
                    guard let counts = Self.parseCounts(response) else {
                        return .failed("the gateway answered HTTP 200 with an unreadable body")
                    }
                    return .counts(counts)
                case 413:
                    return .tooLarge
                case 400, 415, 422:
                    return .invalid(Self.message(response))
                case 401, 403:
                    return .fatal("the gateway refused the API key (HTTP \(response.status): \(Self.message(response)))")
                case 429, 500, 502, 503, 504:
                    problem = "HTTP \(response.status): \(Self.message(response))"
                default:
                    return .failed("HTTP \(response.status): \(Self.message(response))")
                }
            } catch let error as HTTPClientError where error.code == .invalidRequest {
                return .fatal("cannot send to the gateway: \(error.message)")
            } catch let error as HTTPClientError where error.code == .connect {
                if attempt >= Self.attempts { return .fatal("cannot reach the gateway: \(error.message)") }
                problem = "\(error)"
            } catch {
                problem = "no answer from the gateway: \(error)"
            }
            if attempt >= Self.attempts || Task.isCancelled { return .failed(problem) }
            try? await Task.sleep(for: .milliseconds(500 << (attempt - 1)))
        }
    }

    /// `{"accepted","duplicates","rejected","errors":[{"index","event_id","message"}]}`.
    static func parseCounts(_ response: HTTPResponse) -> Counts? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let accepted = o["accepted"] as? Int, let duplicates = o["duplicates"] as? Int,
              let rejected = o["rejected"] as? Int else { return nil }
        let errors = ((o["errors"] as? [[String: Any]]) ?? []).map {
            Counts.RecordError(index: $0["index"] as? Int, eventID: $0["event_id"] as? String, message: $0["message"] as? String ?? "")
        }
        return Counts(accepted: accepted, duplicates: duplicates, rejected: rejected, errors: errors)
    }

    /// The message of a gateway error answer `{"error":{"code","message"}}`, else the status.
    static func message(_ response: HTTPResponse) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return ((object?["error"] as? [String: Any])?["message"] as? String) ?? "HTTP \(response.status)"
    }
}

/// The run's totals and problems, and the exit status they mean.
struct IngestReport {
    var files = 0
    var skipped = 0
    var accepted = 0
    var duplicates = 0
    var rejected = 0
    var errors: [IngestErrorEntry] = []
    /// Files or sources that could not be read, in whole or in part.
    var inputProblems = 0
    /// Files the gateway failed or refused, in whole or in part.
    var serverFailures = 0
    var fatal: String?

    mutating func inputError(file: String, message: String) {
        inputProblems += 1
        errors.append(IngestErrorEntry(file: file, index: nil, eventID: nil, message: message))
    }

    mutating func add(_ o: IngestOutcome) {
        files += 1
        accepted += o.accepted
        duplicates += o.duplicates
        rejected += o.rejected
        errors += o.errors
        if o.inputProblem { inputProblems += 1 }
        if o.serverFailure { serverFailures += 1 }
        // The first fatal answer is listed once; files in flight at that moment failed the same way.
        if fatal == nil, let f = o.fatal {
            fatal = f
            errors.append(IngestErrorEntry(file: o.file, index: nil, eventID: nil, message: f))
        }
    }

    var sortedErrors: [IngestErrorEntry] {
        errors.sorted { ($0.file, $0.index ?? -1) < ($1.file, $1.index ?? -1) }
    }

    var json: String {
        var list: [[String: Any]] = []
        for e in sortedErrors {
            var entry: [String: Any] = ["file": e.file, "message": e.message, "index": NSNull(), "event_id": NSNull()]
            if let index = e.index { entry["index"] = index }
            if let id = e.eventID { entry["event_id"] = id }
            list.append(entry)
        }
        let object: [String: Any] = ["files": files, "skipped": skipped, "accepted": accepted, "duplicates": duplicates,
                                     "rejected": rejected, "errors": list]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    var table: String {
        let pad = DetectOutput.pad
        var lines = ["FILES  SKIPPED  ACCEPTED  DUPLICATES  REJECTED",
                     pad("\(files)", 6) + " " + pad("\(skipped)", 8) + " " + pad("\(accepted)", 9) + " " + pad("\(duplicates)", 11)
                         + " " + "\(rejected)"]
        if !errors.isEmpty {
            lines.append("")
            lines.append("\(errors.count) error(s):")
            for e in sortedErrors {
                var place = e.file
                if let index = e.index { place += ": record \(index)" }
                if let id = e.eventID, !id.isEmpty { place += " (\(id))" }
                lines.append("  \(place): \(e.message)")
            }
        }
        return lines.joined(separator: "\n")
    }

    var exitError: CLIError? {
        if let fatal { return CLIError(message: fatal, exitCode: 4) }
        if serverFailures > 0 {
            return CLIError(message: "the gateway did not take \(serverFailures) file(s) in full", exitCode: 4)
        }
        var parts: [String] = []
        if inputProblems > 0 { parts.append("\(inputProblems) input(s) could not be read") }
        if rejected > 0 { parts.append("\(rejected) record(s) rejected") }
        guard !parts.isEmpty else { return nil }
        return CLIError(message: parts.joined(separator: ", ") + "; the rest was sent", exitCode: 3)
    }
}

/// The S3 objects already sent, as a JSON object `{"s3://bucket/key": "etag", ...}`.
struct IngestStateFile {
    let path: String
    private(set) var entries: [String: String]

    /// `$XDG_STATE_HOME/cloudloom/ingest-state.json`, else `~/.local/state/cloudloom/ingest-state.json`.
    static func defaultPath(_ env: [String: String]) -> String {
        if let xdg = env["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/cloudloom/ingest-state.json" }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/cloudloom/ingest-state.json"
    }

    /// The file's entries; none when it does not exist yet. An unreadable file is a usage error: overwriting it
    /// would silently resend everything it listed.
    static func load(_ path: String) throws -> IngestStateFile {
        guard FileManager.default.fileExists(atPath: path) else { return IngestStateFile(path: path, entries: [:]) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(message: "cannot read the state file \(path): pass another --state or --no-state", exitCode: 2)
        }
        guard let entries = parse(data) else {
            throw CLIError(message: "the state file \(path) is not a JSON object of s3://bucket/key to ETag: fix or delete it, or pass --no-state",
                           exitCode: 2)
        }
        return IngestStateFile(path: path, entries: entries)
    }

    static func parse(_ data: Data) -> [String: String]? {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: String]
    }

    /// Adds `updates` and writes the file (atomically). What is on disk now is merged in first, so two runs that
    /// share the file do not drop each other's entries.
    mutating func record(_ updates: [String: String]) throws {
        if let data = FileManager.default.contents(atPath: path), let disk = Self.parse(data) {
            entries.merge(disk) { _, onDisk in onDisk }
        }
        entries.merge(updates) { _, new in new }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
