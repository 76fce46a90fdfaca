import ArgumentParser
import Foundation
import IAMPolicy

extension LintPolicyCommand {
    /// Hand-written JSON with sorted keys (Foundation's serializer took a fifth of the run on large inputs).
    static func json(_ results: [[String: Any]]) -> String {
        var out = ""
        func value(_ v: Any) {
            switch v {
            case let s as String: DetectOutput.str(s, &out)
            case let n as Int: out += String(n)
            case let list as [Any]:
                out += "["
                for (i, x) in list.enumerated() { if i > 0 { out += "," }; value(x) }
                out += "]"
            case let dict as [String: Any]:
                out += "{"
                for (i, k) in dict.keys.sorted().enumerated() {
                    if i > 0 { out += "," }
                    DetectOutput.str(k, &out); out += ":"; value(dict[k]!)
                }
                out += "}"
            default: out += "null"
            }
        }
        value(["results": results] as [String: Any])
        return out
    }
}

struct LintFailure: Error {
    var message: String
}

/// `cloudloom lint-policy FILE...`: validate IAM policy documents and report security findings with a score.
struct LintPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint-policy",
        abstract: "Check IAM policy documents: validity, risky grants, privilege-escalation paths, a 0-100 score.",
        discussion: "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage error, 3 some file unreadable or not a policy.")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case identity, resource, trust, auto }
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
    enum Level: String, ExpressibleByArgument, CaseIterable { case info, low, medium, high, critical }

    @Argument(help: "Policy JSON files.") var files: [String]
    @Option(help: "Policy kind: identity, resource, trust or auto.") var kind: Kind = .auto
    @Option(help: "Output format: table or json.") var format: Format = .table
    @Option(help: "Lowest severity that makes the exit status 1.") var failOn: Level = .low
    @Option(help: "The account that owns the policies (enables cross-account checks).") var accountID: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one policy file") }
    }

    func run() async throws {
        let analyzer = PolicyAnalyzer(options: .init(accountID: accountID))
        var results: [[String: Any]] = []
        var problems: [String] = []
        var failing = false
        let rank: [String: Int] = ["info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4]
        var table: [String] = []
        // Lint on every core; results keep the order of the files given.
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
        let files = self.files
        let kindFilter: PolicyKind? = kind == .auto ? nil : PolicyKind(rawValue: kind.rawValue)
        let outcomes: [(Int, Result<PolicyReport, LintFailure>)] = await withTaskGroup(of: [(Int, Result<PolicyReport, LintFailure>)].self) { group in
            for w in 0..<workers {
                group.addTask {
                    var out: [(Int, Result<PolicyReport, LintFailure>)] = []
                    for i in stride(from: w, to: files.count, by: workers) {
                        guard let data = FileManager.default.contents(atPath: files[i]) else {
                            out.append((i, .failure(LintFailure(message: "cannot read the file"))))
                            continue
                        }
                        do {
                            out.append((i, .success(try analyzer.analyze(json: String(decoding: data, as: UTF8.self), kind: kindFilter))))
                        } catch {
                            out.append((i, .failure(LintFailure(message: "\(error)"))))
                        }
                    }
                    return out
                }
            }
            var all: [(Int, Result<PolicyReport, LintFailure>)] = []
            for await part in group { all += part }
            return all.sorted { $0.0 < $1.0 }
        }
        for (i, outcome) in outcomes {
            let file = files[i]
            let report: PolicyReport
            switch outcome {
            case .failure(let failure):
                problems.append("\(file): \(failure.message)")
                continue
            case .success(let r):
                report = r
            }
            if report.findings.contains(where: { rank[$0.severity.rawValue, default: 0] >= rank[failOn.rawValue]! }) { failing = true }
            results.append([
                "file": file, "kind": report.kind.rawValue, "score": report.score, "grade": report.grade.rawValue,
                "findings": report.findings.map { f -> [String: Any] in
                    ["id": f.id, "category": f.category.rawValue, "severity": f.severity.rawValue,
                     "statement": f.sid ?? f.statementIndex.map { "Statement[\($0)]" } ?? "", "message": f.message,
                     "actions": f.actions, "references": f.references]
                },
            ])
            table.append("\(file): \(report.kind.rawValue) policy, score \(report.score) (\(report.grade.rawValue)), \(report.findings.count) finding(s)")
            for f in report.findings {
                let where_ = f.sid ?? f.statementIndex.map { "Statement[\($0)]" } ?? "document"
                table.append("  \(f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(f.category.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)) \(where_): \(f.message)")
            }
        }
        switch format {
        case .json:
            print(Self.json(results))
        case .table:
            print(table.joined(separator: "\n"))
        }
        for p in problems { FileHandle.standardError.write(Data("cloudloom: \(p)\n".utf8)) }
        if !problems.isEmpty { throw CLIError(message: "\(problems.count) file(s) could not be checked", exitCode: 3) }
        if failing { throw ExitCode(1) }
    }
}
