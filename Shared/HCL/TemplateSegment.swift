/// A piece of a template's meaning, for evaluators: literal text with escapes decoded, heredoc indentation removed
/// and strip markers applied, and the expressions and directives between.
public indirect enum TemplateSegment: Sendable, Hashable {
    case literal(String)
    case interpolation(Expr)
    case conditional(condition: Expr, then: [TemplateSegment], else: [TemplateSegment])
    case loop(keyVariable: String?, valueVariable: String, collection: Expr, body: [TemplateSegment])
}
