import ArgumentParser
import CLCrypto
import CloudTrail
import Detection
import Foundation
import Wire

/// `cloudloom detect PATH...`: judge CloudTrail files offline with the same rules as the service.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find threats and risky changes in CloudTrail log files (no server needed).",
        discussion: """
            Reads files and folders (recursively): .json and .json.gz, as delivery files ({"Records":[...]}), \
            JSON arrays, NDJSON or EventBridge envelopes. Exit status: 0 no finding at or above --fail-on, \
            1 findings, 2 usage error, 3 some input could not be read (the rest is still processed).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
    enum Level: String, ExpressibleByArgument, CaseIterable {
        case info, low, medium, high, critical
        var severity: CLSeverity { [.info, .low, .medium, .high, .critical][Self.allCases.firstIndex(of: self)!] }
    }

    @Argument(help: "CloudTrail files or folders.") var paths: [String]
    @Option(help: "Output format: table or json.") var format: Format = .table
    @Option(help: "Lowest severity that makes the exit status 1.") var failOn: Level = .low
    @Option(help: "Worker threads (default: one per core).") var jobs: Int?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        var problems: [String] = []
        let files = FileCollector.collect(paths, problems: &problems)
        let workers = max(1, min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, max(1, files.count)))
        let engine = RuleEngine()
        let results = await withTaskGroup(of: DetectWorker.Result.self) { group in
            for w in 0..<workers {
                let mine = stride(from: w, to: files.count, by: workers).map { files[$0] }
                group.addTask { DetectWorker(engine: engine).run(mine) }
            }
            var all: [DetectWorker.Result] = []
            for await r in group { all.append(r) }
            return all
        }
        var aggregator = FindingAggregator()
        var events = 0
        var rejected = 0
        var stateful: [CLCloudTrailEvent] = []
        for r in results {
            aggregator.merge(r.aggregator)
            events += r.events
            rejected += r.rejected
            problems += r.problems
            stateful += r.statefulEvents
        }
        // Stateful rules need one timeline: replay the events they listen to in event-time order.
        stateful.sort { ($0.eventTimeMs, $0.eventID) < ($1.eventTimeMs, $1.eventID) }
        var state = DetectionState()
        for e in stateful {
            for d in engine.evaluateStateful(e, state: &state) { aggregator.add(d) }
        }
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        let findings = aggregator.sorted
        switch format {
        case .json: print(DetectOutput.json(findings, files: files.count, events: events, rejected: rejected, seconds: seconds))
        case .table: print(DetectOutput.table(findings, files: files.count, events: events, rejected: rejected, seconds: seconds))
        }
        for p in problems { FileHandle.standardError.write(Data("cloudloom: \(p)\n".utf8)) }
        if !problems.isEmpty { throw CLIError(message: "\(problems.count) input problem(s)", exitCode: 3) }
        if findings.contains(where: { $0.detection.rule.severity.rawValue >= failOn.severity.rawValue }) {
            throw ExitCode(1)
        }
    }
}

/// Expands paths into CloudTrail files.
enum FileCollector {
    static func isCloudTrailFile(_ name: String) -> Bool {
        name.hasSuffix(".json") || name.hasSuffix(".json.gz") || name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl")
            || name.hasSuffix(".ndjson.gz") || name.hasSuffix(".jsonl.gz")
    }

    static func collect(_ paths: [String], problems: inout [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                problems.append("\(path): no such file or folder")
                continue
            }
            if !isDir.boolValue {
                out.append(path)
                continue
            }
            guard let walker = fm.enumerator(atPath: path) else {
                problems.append("\(path): cannot read the folder")
                continue
            }
            var found: [String] = []
            while let rel = walker.nextObject() as? String {
                if isCloudTrailFile(rel) { found.append((path as NSString).appendingPathComponent(rel)) }
            }
            out += found.sorted()
        }
        return out
    }
}

/// One thread's share of the files: single-event rules run here; events for stateful rules are set aside.
struct DetectWorker: Sendable {
    let engine: RuleEngine

    struct Result: Sendable {
        var aggregator = FindingAggregator()
        var events = 0
        var rejected = 0
        var problems: [String] = []
        var statefulEvents: [CLCloudTrailEvent] = []
    }

    func run(_ files: [String]) -> Result {
        var result = Result()
        // One buffer per worker, reused for every file: fresh 1 MB allocations per file cost more in page faults
        // than the decoding itself.
        var scratch: [UInt8] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                result.problems.append("\(file): cannot read the file")
                continue
            }
            do {
                let length: Int = try data.withUnsafeBytes { raw in
                    if raw.count >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
                        return try Gzip.decompress(raw, into: &scratch, maxOutputBytes: 2 << 30)
                    }
                    if scratch.count < raw.count { scratch.append(contentsOf: repeatElement(0, count: raw.count - scratch.count)) }
                    scratch.withUnsafeMutableBytes { $0.copyMemory(from: raw) }
                    return raw.count
                }
                let events = try scratch.withUnsafeBufferPointer { all in
                    try self.events(in: UnsafeBufferPointer(rebasing: all[0..<length]), file: file, result: &result)
                }
                for var event in events {
                    for d in engine.evaluate(event) { result.aggregator.add(d) }
                    if engine.hasStatefulRules(for: event) {
                        event.raw = Data()
                        result.statefulEvents.append(event)
                    }
                }
            } catch {
                result.problems.append("\(file): \(error)")
            }
        }
        return result
    }

    /// The events of one file that some rule could care about: a fast structural scan picks them out of delivery
    /// files, and only those (and malformed-looking records, so their problem is reported) get the strict parse.
    func events(in buf: UnsafeBufferPointer<UInt8>, file: String, result: inout Result) throws -> [CLCloudTrailEvent] {
        var events: [CLCloudTrailEvent] = []
        if let summaries = RecordScanner.scanDeliveryFile(buf, names: false) {
            result.events += summaries.count
            for (index, s) in summaries.enumerated()
            where !s.complete || engine.mightMatch(keyHash: s.keyHash, hasError: s.hasError, isRoot: s.isRoot) {
                let one = try CloudTrailNormalizer.normalize(Array(buf[s.range]), tenant: "local", source: "cli", receivedAtMs: 0)
                for r in one.rejections {
                    result.rejected += 1
                    result.events -= 1
                    result.problems.append("\(file): record \(index): \(r.message)")
                }
                events += one.events
            }
        } else {
            let normalized = try CloudTrailNormalizer.normalize(Array(buf), tenant: "local", source: "cli", receivedAtMs: 0)
            result.rejected += normalized.rejections.count
            for r in normalized.rejections { result.problems.append("\(file): record \(r.index): \(r.message)") }
            result.events += normalized.events.count
            events = normalized.events
        }
        return events
    }
}

/// Renders detect results.
enum DetectOutput {
    static func references(_ refs: [CLReference]) -> [String: [String]] {
        var out: [String: [String]] = ["cis_aws": [], "fsbp": [], "mitre_attack": [], "stratus": []]
        for r in refs {
            switch r.framework {
            case let f where f.hasPrefix("CIS-AWS"): out["cis_aws", default: []].append(r.id)
            case "AWS-SECURITY-HUB": out["fsbp", default: []].append(r.id)
            case "MITRE-ATTACK": out["mitre_attack", default: []].append(r.id)
            case "STRATUS": out["stratus", default: []].append(r.id)
            default: out[r.framework.lowercased(), default: []].append(r.id)
            }
        }
        return out
    }

    static func severityName(_ s: CLSeverity) -> String {
        switch s {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        default: "unspecified"
        }
    }

    /// Hand-written JSON (keys in sorted order, as before): Foundation's serializer spent longer on a large
    /// result than the whole scan.
    static func json(_ findings: [FindingAggregator.Aggregate], files: Int, events: Int, rejected: Int, seconds: Double) -> String {
        var out = "{\"findings\":["
        out.reserveCapacity(findings.count * 800)
        for (i, a) in findings.enumerated() {
            let d = a.detection
            if i > 0 { out += "," }
            out += "{\"account\":"; str(Fields.ownAccount(d.event), &out)
            out += ",\"actor\":"; str(d.event.userIdentity.arn, &out)
            out += ",\"category\":"; str(d.rule.category, &out)
            out += ",\"count\":\(a.count)"
            out += ",\"event_ids\":["
            for (j, id) in a.eventIDs.enumerated() {
                if j > 0 { out += "," }
                str(id, &out)
            }
            out += "],\"evidence\":{"
            for (j, key) in d.match.evidence.keys.sorted().enumerated() {
                if j > 0 { out += "," }
                str(key, &out); out += ":"; str(d.match.evidence[key]!, &out)
            }
            out += "},\"first_seen\":"; str(ISO8601.format(milliseconds: a.firstSeenMs), &out)
            out += ",\"id\":"; str(ContentID.uuid(d.dedupKey), &out)
            out += ",\"last_seen\":"; str(ISO8601.format(milliseconds: a.lastSeenMs), &out)
            out += ",\"references\":{"
            let refs = references(d.rule.references)
            for (j, key) in refs.keys.sorted().enumerated() {
                if j > 0 { out += "," }
                str(key, &out); out += ":["
                for (k, v) in refs[key]!.enumerated() {
                    if k > 0 { out += "," }
                    str(v, &out)
                }
                out += "]"
            }
            out += "},\"region\":"; str(d.event.awsRegion, &out)
            out += ",\"resource\":"; str(d.match.resourceID, &out)
            out += ",\"rule_id\":"; str(d.rule.id, &out)
            out += ",\"severity\":"; str(severityName(d.rule.severity), &out)
            out += ",\"title\":"; str(d.match.title ?? d.rule.title, &out)
            out += "}"
        }
        out += "],\"stats\":{\"events\":\(events),\"files\":\(files),\"rejected\":\(rejected),\"seconds\":"
        out += String(format: "%.3f", seconds) + "}}"
        return out
    }

    static func str(_ s: String, _ out: inout String) { JSONString.append(s, to: &out) }

    static func table(_ findings: [FindingAggregator.Aggregate], files: Int, events: Int, rejected: Int, seconds: Double) -> String {
        var lines = ["SEVERITY  RULE       COUNT  RESOURCE / ACTOR                                      TITLE"]
        for a in findings {
            let d = a.detection
            let subject = d.match.resourceID.isEmpty ? d.event.userIdentity.arn : d.match.resourceID
            lines.append(pad(severityName(d.rule.severity), 9) + " " + pad(d.rule.id, 10) + " " + pad(String(a.count), 6) + " "
                         + pad(String(subject.prefix(52)), 53) + " " + (d.match.title ?? d.rule.title))
        }
        lines.append("")
        lines.append("\(findings.count) finding(s) from \(events) event(s) in \(files) file(s); \(rejected) record(s) rejected; "
                     + String(format: "%.3f s", seconds))
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
