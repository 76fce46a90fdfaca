import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: AWS query, EC2 and S3 responses are read through this small tree.
///
/// Names are kept as written (AWS responses use a default namespace, so there are no prefixes to strip);
/// `text` is a leaf's character data exactly; for an element with children, its own text without the indentation.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var text: String
    public var children: [XMLElement]

    public init(name: String, attributes: [String: String] = [:], text: String = "", children: [XMLElement] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The first child with this name.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child with this name.
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The element reached by following child names, e.g. `element["ListRolesResult", "Marker"]`.
    public subscript(_ path: String...) -> XMLElement? { descend(path) }

    func descend(_ path: [String]) -> XMLElement? {
        var current = self
        for name in path {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current
    }

    /// The text of the element at the path, or nil when it is absent.
    public func string(_ path: String...) -> String? { descend(path)?.text }

    /// The elements of an AWS list wrapper: `<Roles><member>..</member></Roles>` or EC2's `<item>` lists.
    public func list(_ path: String..., item: String = "member") -> [XMLElement] {
        descend(path)?.children(item) ?? []
    }

    /// Parses a whole document and returns its root element.
    public static func parse(_ bytes: [UInt8]) throws(XMLDocumentError) -> XMLElement {
        guard !bytes.isEmpty else { throw XMLDocumentError(message: "the document is empty", line: 0, column: 0) }
        // FoundationXML force-unwraps element and attribute names it decodes from UTF-8: one invalid byte in a tag
        // name would crash the process, so invalid UTF-8 is refused before the parser sees it.
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw XMLDocumentError(message: "the document is not valid UTF-8", line: 0, column: 0)
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if !ok || builder.failure != nil {
            let reason = builder.failure ?? parser.parserError.map { "\($0.localizedDescription)" } ?? "malformed XML"
            throw XMLDocumentError(message: reason, line: parser.lineNumber, column: parser.columnNumber)
        }
        guard let root = builder.root else {
            throw XMLDocumentError(message: "the document has no root element", line: parser.lineNumber, column: parser.columnNumber)
        }
        return root
    }

    /// Serializes the element (used by tests and for request bodies).
    public var xmlString: String {
        var out = "<\(name)"
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { out += " \(k)=\"\(XMLEscaping.escape(v))\"" }
        if text.isEmpty && children.isEmpty { return out + "/>" }
        out += ">" + XMLEscaping.escape(text)
        for c in children { out += c.xmlString }
        return out + "</\(name)>"
    }
}

/// An XML document could not be read.
public struct XMLDocumentError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int
    public var description: String { "invalid XML at line \(line), column \(column): \(message)" }
}

/// Escapes text for XML character data and attribute values.
public enum XMLEscaping {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// SAX delegate that builds the tree; used by one parse on one thread, then dropped.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElement] = []
    var textStack: [String] = []
    var root: XMLElement?
    var failure: String?
    /// Bounds nesting so a hostile document cannot exhaust the stack of a consumer walking the tree.
    static let maxDepth = 256

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        if root != nil { failure = "content after the root element"; parser.abortParsing(); return }
        if stack.count >= Self.maxDepth { failure = "elements nested deeper than \(Self.maxDepth)"; parser.abortParsing(); return }
        stack.append(XMLElement(name: elementName, attributes: attributeDict))
        textStack.append("")
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !textStack.isEmpty else { return }
        textStack[textStack.count - 1] += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !textStack.isEmpty else { return }
        textStack[textStack.count - 1] += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard var element = stack.popLast(), let text = textStack.popLast() else { return }
        // A leaf keeps its text exactly (S3 keys may end in spaces); an element with children drops the
        // indentation between them.
        element.text = element.children.isEmpty ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil { failure = "\(parseError.localizedDescription)" }
    }
}
