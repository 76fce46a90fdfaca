/// The 0-100 score and A-F grade, computed so that anyone can redo it by hand:
///
/// Start at 100 and subtract, for every finding, the points of its severity:
///
/// | severity | points |
/// |----------|--------|
/// | critical | 40     |
/// | high     | 20     |
/// | medium   | 10     |
/// | low      | 4      |
/// | info     | 0      |
///
/// The score never goes below 0. Grades: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, otherwise F.
public enum PolicyScore {
    public static func points(for severity: Severity) -> Int {
        switch severity {
        case .critical: 40
        case .high: 20
        case .medium: 10
        case .low: 4
        case .info: 0
        }
    }

    /// The score and the deductions that produced it (findings worth 0 points are not listed).
    public static func score(_ findings: [Finding]) -> (score: Int, deductions: [ScoreDeduction]) {
        var score = 100
        var deductions: [ScoreDeduction] = []
        for finding in findings {
            let deduction = Self.points(for: finding.severity)
            guard deduction > 0 else { continue }
            deductions.append(ScoreDeduction(findingID: finding.id, statementIndex: finding.statementIndex,
                                             severity: finding.severity, points: deduction))
            score -= deduction
        }
        return (max(0, score), deductions)
    }

    public static func grade(for score: Int) -> Grade {
        switch score {
        case 90...: .a
        case 80..<90: .b
        case 70..<80: .c
        case 60..<70: .d
        default: .f
        }
    }
}
