import CLibXML2

/// Reads HTML back with libxml2's HTML parser, to check what the renderers wrote.
enum HTMLCheck {
    /// One message of the HTML parser.
    struct Message: Sendable, Equatable, CustomStringConvertible {
        let line: Int
        let code: Int
        let text: String
        var description: String { "line \(line): \(text)" }

        /// libxml2 2.9 knows HTML 4 elements only: inline SVG (valid HTML5) is "invalid" to it.
        /// An inline SVG element or an HTML5 element (`details`, `summary`) unknown to libxml2 2.9:
        /// valid HTML5, "invalid" to its HTML 4 parser.
        var isUnknownHTML5Tag: Bool {
            isUnknownSVGTag
                || (code == Int(XML_HTML_UNKNOWN_TAG.rawValue)
                    && HTMLCheck.html5Elements.contains(where: { text.contains("Tag \($0) invalid") }))
        }

        var isUnknownSVGTag: Bool {
            code == Int(XML_HTML_UNKNOWN_TAG.rawValue)
                && HTMLCheck.svgElements.contains(where: { text.contains("Tag \($0) invalid") })
        }
    }

    static let svgElements = ["svg", "title", "rect", "text", "polyline", "line", "g", "path", "circle"]
    /// HTML5 elements the full report uses that libxml2 2.9's HTML 4 parser does not know.
    static let html5Elements = ["details", "summary"]

    private final class Collector {
        var messages: [Message] = []
    }

    /// Parses `bytes` as HTML; returns the parser's errors and warnings, and calls `visit` with
    /// the document while it is alive.
    static func parse(_ bytes: [UInt8], visit: (htmlDocPtr) -> Void = { _ in }) -> [Message] {
        xmlInitParser()
        let collector = Collector()
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }
        xmlSetStructuredErrorFunc(context.toOpaque()) { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<Collector>.fromOpaque(userData).takeUnretainedValue()
            let text = error.pointee.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            collector.messages.append(Message(line: Int(error.pointee.line), code: Int(error.pointee.code), text: text))
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let options = Int32(HTML_PARSE_NONET.rawValue)
        let document: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    htmlReadMemory($0, Int32(buffer.count), "report.html", "UTF-8", options)
                }
            }
        }
        if let document {
            visit(document)
            xmlFreeDoc(document)
        } else {
            collector.messages.append(Message(line: 0, code: -1, text: "the HTML parser returned no document"))
        }
        return collector.messages
    }

    /// Every element of a document, depth first.
    static func elements(_ document: htmlDocPtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        func walk(_ node: xmlNodePtr?) {
            var current = node
            while let element = current {
                if XMLNode.isElement(element) { result.append(element) }
                walk(element.pointee.children)
                current = element.pointee.next
            }
        }
        walk(xmlDocGetRootElement(document))
        return result
    }

    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { portreport_xmlFree(value) }
        return String(cString: value)
    }
}

/// The rules an HTML email must keep to be read alike in mail clients: tables for layout, every
/// style inline on its element, no SVG, no `data:` images, no scripts, no links, under 100 KB.
public enum EmailCheck {
    static let sizeLimit = 100 * 1024

    /// What in `html` breaks those rules (empty when it keeps them).
    public static func problems(_ html: [UInt8]) -> [String] {
        var problems: [String] = []
        if html.count >= sizeLimit {
            problems.append("the email HTML is \(html.count) bytes, over \(sizeLimit) (mail clients clip long messages): lower --top")
        }
        let messages = HTMLCheck.parse(html) { document in
            var seen = Set<String>()
            for element in HTMLCheck.elements(document) {
                let name = XMLNode.name(element).lowercased()
                if ["svg", "script", "style", "link", "iframe", "object", "embed", "form", "a"].contains(name), seen.insert(name).inserted {
                    problems.append("the email HTML contains <\(name)>, which mail clients drop or block")
                }
                if name == "td", HTMLCheck.attribute(element, "style")?.isEmpty ?? true, seen.insert("td-style").inserted {
                    problems.append("a table cell has no inline style (line \(XMLNode.line(element))): mail clients ignore style sheets")
                }
                var property = element.pointee.properties
                while let attribute = property {
                    if let child = attribute.pointee.children, let content = child.pointee.content,
                        String(cString: content).lowercased().contains("data:"), seen.insert("data").inserted
                    {
                        problems.append("the email HTML uses a data: URI (line \(XMLNode.line(element))), which mail clients block")
                    }
                    property = attribute.pointee.next
                }
            }
        }
        for message in messages where !message.isUnknownSVGTag {
            problems.append("the email HTML does not parse cleanly: \(message)")
        }
        return problems
    }
}
