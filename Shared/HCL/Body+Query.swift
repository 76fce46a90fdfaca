extension Body {
    /// The arguments directly in this body, in source order.
    public var attributes: [Attribute] { items.compactMap(\.attribute) }

    /// The blocks directly in this body, in source order.
    public var blocks: [Block] { items.compactMap(\.block) }

    /// The argument named `name` directly in this body.
    public func attribute(named name: String) -> Attribute? {
        for item in items {
            if case .attribute(let attribute) = item, attribute.name.text == name { return attribute }
        }
        return nil
    }

    /// The expression of the argument named `name`.
    public func expression(of name: String) -> Expr? { attribute(named: name)?.expression }

    /// The blocks directly in this body of type `type` whose labels start with `labels`
    /// (`blocks(ofType: "resource", labels: ["aws_s3_bucket"])` lists every S3 bucket resource).
    public func blocks(ofType type: String, labels: [String] = []) -> [Block] {
        items.compactMap { item in
            guard case .block(let block) = item, block.type.text == type, block.labels.count >= labels.count else {
                return nil
            }
            for (label, wanted) in zip(block.labels, labels) where label.value != wanted { return nil }
            return block
        }
    }

    /// The first block directly in this body of type `type` whose labels start with `labels`.
    public func block(ofType type: String, labels: [String] = []) -> Block? {
        blocks(ofType: type, labels: labels).first
    }

    /// Every block at any depth below this body (depth first, in source order) for which `predicate` holds.
    public func descendantBlocks(where predicate: (Block) -> Bool = { _ in true }) -> [Block] {
        var result: [Block] = []
        func walk(_ body: Body) {
            for item in body.items {
                guard case .block(let block) = item else { continue }
                if predicate(block) { result.append(block) }
                walk(block.body)
            }
        }
        walk(self)
        return result
    }

    /// Whether the body has an argument or a block named `name`.
    public func contains(_ name: String) -> Bool {
        items.contains { item in
            switch item {
            case .attribute(let a): a.name.text == name
            case .block(let b): b.type.text == name
            case .unexpected: false
            }
        }
    }
}

extension ConfigFile {
    /// The top-level blocks of type `type` whose labels start with `labels`.
    public func blocks(ofType type: String, labels: [String] = []) -> [Block] { body.blocks(ofType: type, labels: labels) }

    /// The first top-level block of type `type` whose labels start with `labels`.
    public func block(ofType type: String, labels: [String] = []) -> Block? { body.block(ofType: type, labels: labels) }
}
