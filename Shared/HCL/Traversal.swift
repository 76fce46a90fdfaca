/// A static reference: a root variable name followed by attribute names and constant indexes, such as
/// `aws_s3_bucket.logs.id`, `var.subnets[0]` or `local.tags["team"]`.
public struct Traversal: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        case attribute(String)
        case index(HCLValue)
    }

    public var root: String
    public var steps: [Step]
    public var range: SourceRange

    public init(root: String, steps: [Step] = [], range: SourceRange = .zero) {
        self.root = root
        self.steps = steps
        self.range = range
    }

    /// The root and the attribute names up to the first index: `["aws_s3_bucket", "logs", "id"]`.
    public var names: [String] {
        var result = [root]
        for step in steps {
            guard case .attribute(let name) = step else { break }
            result.append(name)
        }
        return result
    }

    /// `root.a[0].b`
    public var description: String {
        var out = root
        for step in steps {
            switch step {
            case .attribute(let name): out += ".\(name)"
            case .index(let key): out += "[\(key)]"
            }
        }
        return out
    }
}
