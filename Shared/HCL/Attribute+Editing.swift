extension Attribute {
    /// Replaces the value and keeps the trivia around it: the spacing after `=` and a comment after the old value
    /// stay where they were, so only the value changes in a diff.
    public mutating func replaceExpression(with newExpression: Expr) {
        var value = newExpression
        value.leadingTrivia = expression.leadingTrivia
        value.trailingTrivia = expression.trailingTrivia
        expression = value
    }

    /// Replaces the value with `source` parsed as an expression.
    public mutating func replaceExpression(parsing source: String) throws(HCLDiagnostic) {
        replaceExpression(with: try Expr(parsing: source))
    }
}
