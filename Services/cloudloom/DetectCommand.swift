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
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                result.problems.append("\(file): cannot read the file")
                continue
            }
            var bytes = [UInt8](data)
            do {
                if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, maxOutputBytes: 2 << 30) }
                var events: [CLCloudTrailEvent] = []
                if let summaries = RecordScanner.scanDeliveryFile(bytes) {
                    // Fast path: only records some rule could care about (or that look malformed) get the full parse.
                    result.events += summaries.count
                    for (index, s) in summaries.enumerated()
                    where !s.complete || engine.mightMatch(source: s.eventSource, name: s.eventName, hasError: s.hasError, isRoot: s.isRoot) {
                        let one = try CloudTrailNormalizer.normalize(Array(bytes[s.range]), tenant: "local", source: "cli", receivedAtMs: 0)
                        for r in one.rejections {
                            result.rejected += 1
                            result.events -= 1
                            result.problems.append("\(file): record \(index): \(r.message)")
                        }
                        events += one.events
                    }
                } else {
                    let normalized = try CloudTrailNormalizer.normalize(bytes, tenant: "local", source: "cli", receivedAtMs: 0)
                    result.rejected += normalized.rejections.count
                    for r in normalized.rejections { result.problems.append("\(file): record \(r.index): \(r.message)") }
                    result.events += normalized.events.count
                    events = normalized.events
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

    static func json(_ findings: [FindingAggregator.Aggregate], files: Int, events: Int, rejected: Int, seconds: Double) -> String {
        let list: [[String: Any]] = findings.map { a in
            let d = a.detection
            return [
                "id": ContentID.uuid(d.dedupKey),
                "rule_id": d.rule.id,
                "title": d.match.title ?? d.rule.title,
                "severity": severityName(d.rule.severity),
                "category": d.rule.category,
                "count": a.count,
                "event_ids": a.eventIDs,
                "actor": d.event.userIdentity.arn,
                "resource": d.match.resourceID,
                "account": Fields.ownAccount(d.event),
                "region": d.event.awsRegion,
                "first_seen": ISO8601.format(milliseconds: a.firstSeenMs),
                "last_seen": ISO8601.format(milliseconds: a.lastSeenMs),
                "evidence": d.match.evidence,
                "references": references(d.rule.references),
            ]
        }
        let doc: [String: Any] = ["findings": list,
                                  "stats": ["events": events, "files": files, "rejected": rejected,
                                            "seconds": (seconds * 1000).rounded() / 1000]]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

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
