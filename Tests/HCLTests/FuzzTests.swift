import Testing
@testable import HCL

@Suite("Fuzzing")
struct FuzzTests {
    /// Fragments that tend to produce interesting structure when spliced in.
    static let fragments = [
        "{", "}", "[", "]", "(", ")", "\"", "\\", "${", "%{", "~}", "<<EOT\n", "<<-EOT\n", "\nEOT\n", "EOT", "\n",
        "\r\n", "\r", "#", "//", "/*", "*/", "=", "==", "=>", "...", ".", ".*", "[*]", "?", ":", ",", "for", "in",
        "if", "endif", "else", "endfor", "%{ if x }", "%{ endif }", "%{ for a in b }", "%{ endfor }", "$${", "%%{",
        "\\u00", "\\U0001F600", "::", "-", "!", "&&", "||", "0.0", "1e", "resource \"a\" \"b\" {", "dynamic \"x\" {",
        "\u{0}", "\t", "é", "😀", "\u{FEFF}", "\u{A0}", String(repeating: "(", count: 40), String(repeating: "[", count: 300),
    ]

    static func mutate(_ input: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &rng)
        for _ in 0..<rounds where !bytes.isEmpty {
            let position = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0:
                bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                bytes.remove(at: position)
            case 2, 3:
                let fragment = fragments[Int.random(in: 0..<fragments.count, using: &rng)]
                bytes.insert(contentsOf: Array(fragment.utf8), at: position)
            case 4:
                let end = min(bytes.count, position + Int.random(in: 1...80, using: &rng))
                bytes.removeSubrange(position..<end)
            case 5:
                let end = min(bytes.count, position + Int.random(in: 1...120, using: &rng))
                let slice = Array(bytes[position..<end])
                bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &rng))
            default:
                // Swap two bytes: turns `{` `}` around, moves quotes.
                let other = Int.random(in: 0..<bytes.count, using: &rng)
                bytes.swapAt(position, other)
            }
        }
        return bytes
    }

    /// Mutates the corpus files 3,000 times. Every parse must finish without trapping, and because the tree keeps
    /// every token (skipped ones included), printing must give back exactly the mutated bytes whenever they are
    /// valid UTF-8, whatever the diagnostics.
    @Test func mutatedTerraformNeverCrashesAndAlwaysRoundTrips() {
        // Seeds: each corpus file, cut into pieces of at most about 2 KB so each parse stays fast.
        var seeds: [[UInt8]] = []
        for (_, source) in TerraformCorpus.files {
            var chunk = ""
            for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
                chunk += line + "\n"
                if chunk.utf8.count > 2_000, line.isEmpty {
                    seeds.append(Array(chunk.utf8))
                    chunk = ""
                }
            }
            if !chunk.isEmpty { seeds.append(Array(chunk.utf8)) }
        }
        var rng = SplitMix64(seed: 0x4843_4C20_4655_5A5A)
        var clean = 0
        var broken = 0
        var previous = seeds[0]
        for iteration in 0..<3_000 {
            let base = iteration % 5 == 0 ? previous : seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            let input = Self.mutate(base, rng: &rng)
            previous = input
            let result = HCLParser().parse(bytes: input, fileName: "fuzz.tf")
            if result.hasErrors { broken += 1 } else { clean += 1 }
            let isUTF8 = !result.diagnostics.contains { $0.code == .invalidUTF8 }
            if isUTF8 {
                #expect(HCLPrinter.bytes(result.file) == input, "iteration \(iteration) did not round-trip")
            }
            #expect(result.diagnostics.allSatisfy { $0.description.count < 400 })
            #expect(result.diagnostics.allSatisfy { $0.range.start.offset <= input.count })
            // Queries and analysis never trap on whatever was parsed.
            for block in result.file.body.descendantBlocks() {
                for attribute in block.body.attributes {
                    _ = attribute.literalValue
                    _ = attribute.expression.references
                    if case .template(let t) = attribute.expression { _ = t.segments }
                }
            }
        }
        #expect(clean + broken == 3_000)
        #expect(clean > 100, "the mutator should leave many files valid (\(clean))")
        #expect(broken > 1_000, "and break most of them (\(broken))")
    }

    /// Random token soup: sequences of tokens with no structure at all.
    @Test func randomTokenSequencesNeverCrash() {
        let pieces = ["a", "b", "=", "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "}", "~}", ",", ".", "*", "?", ":",
                      "for", "in", "if", "=>", "...", "1", "\n", " ", "<<EOT\n", "EOT\n", "#c\n", "/*", "*/", "-", "!"]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<1_000 {
            var source = ""
            for _ in 0..<Int.random(in: 1...60, using: &rng) {
                source += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            }
            let result = HCLParser().parse(source)
            #expect(HCLPrinter.print(result.file) == source, "\(source.debugDescription)")
        }
    }

    @Test func pathologicalInputsFinish() {
        let inputs = [
            String(repeating: "{", count: 100_000),
            String(repeating: "}", count: 100_000),
            String(repeating: "\"", count: 100_001),
            String(repeating: "\"${", count: 30_000),
            String(repeating: "a = ", count: 30_000),
            String(repeating: "<<EOT\n", count: 30_000),
            String(repeating: "/*", count: 50_000),
            String(repeating: "a.", count: 50_000),
            String(repeating: "x ", count: 50_000),
            String(repeating: "%{ if x }", count: 20_000),
            String(repeating: "\u{0}", count: 50_000),
        ]
        for input in inputs {
            let result = HCLParser().parse(input)
            #expect(result.hasErrors)
            #expect(HCLPrinter.print(result.file) == input)
        }
    }
}
