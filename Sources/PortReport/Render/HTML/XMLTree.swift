import CLibXML2

/// A libxml2 document: parsed safely from a template, edited as a tree, written as HTML5 or
/// XHTML. Data only ever enters as text nodes and attribute values, which libxml2 escapes when
/// it writes the tree; nothing is parsed from data.
final class XMLTree {
    let document: xmlDocPtr
    let name: String

    static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"
    static let svgNamespace = "http://www.w3.org/2000/svg"

    /// Parses a template: no network, no entity substitution, no DTD loading; a template that
    /// declares entities (or has any internal subset beyond `<!DOCTYPE html>`) is refused, so
    /// nothing from a DTD can reach the output.
    init(parsing bytes: [UInt8], name: String) throws(ReportError) {
        self.name = name
        xmlInitParser()
        guard let context = xmlNewParserCtxt() else { throw ReportError("\(name): libxml2 could not start a parser") }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    xmlCtxtReadMemory(context, pointer, Int32(buffer.count), name, "UTF-8", options)
                }
            }
        }
        guard let document = parsed, context.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            let error = xmlCtxtGetLastError(context)
            let line = error.map { Int($0.pointee.line) } ?? 0
            let message =
                error.flatMap { $0.pointee.message.map { String(cString: $0) } }?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? "not well-formed XML"
            // libxml2 words its depth limit for its C API (XML_PARSE_HUGE): say it for the file.
            if message.hasPrefix("Excessive depth in document") {
                throw ReportError("\(name):\(line): elements nest more than 256 levels deep, the limit for a template: flatten the markup")
            }
            throw ReportError("\(name):\(line): the template is not well-formed XHTML: \(message)")
        }
        if let subset = document.pointee.intSubset {
            if subset.pointee.entities != nil || subset.pointee.pentities != nil || subset.pointee.children != nil
                || subset.pointee.ExternalID != nil || subset.pointee.SystemID != nil
            {
                xmlFreeDoc(document)
                throw ReportError(
                    "\(name): templates may not declare entities or a DTD (use <!DOCTYPE html> and numeric character references such as &#160;)"
                )
            }
        }
        self.document = document
    }

    deinit { xmlFreeDoc(document) }

    var root: xmlNodePtr? { xmlDocGetRootElement(document) }

    // MARK: Writing

    /// XHTML: well-formed XML, served as application/xhtml+xml.
    func xhtml() -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { return [] }
        defer { xmlBufferFree(buffer) }
        let options = Int32(XML_SAVE_FORMAT.rawValue | XML_SAVE_XHTML.rawValue)
        guard let save = xmlSaveToBuffer(buffer, "UTF-8", options) else { return [] }
        xmlSaveDoc(save, document)
        xmlSaveClose(save)
        guard let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
    }

    /// HTML5: the libxml2 HTML writer applies HTML rules (void elements, raw-text elements) only
    /// to elements without a namespace, so namespaces are cleared first and the DOCTYPE becomes
    /// `<!DOCTYPE html>`. (This changes the tree: call it last.)
    func html() -> [UInt8] {
        if let root { XMLTree.dropNamespaces(root) }
        if let subset = xmlGetIntSubset(document) {
            xmlUnlinkNode(UnsafeMutableRawPointer(subset).assumingMemoryBound(to: xmlNode.self))
            xmlFreeDtd(subset)
        }
        xmlCreateIntSubset(document, "html", nil, nil)
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        htmlDocDumpMemoryFormat(document, &memory, &size, 1)
        guard let memory else { return [] }
        defer { portreport_xmlFree(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }

    private static func dropNamespaces(_ node: xmlNodePtr) {
        var current: xmlNodePtr? = node
        while let element = current {
            if element.pointee.type == XML_ELEMENT_NODE {
                element.pointee.ns = nil
                if let definitions = element.pointee.nsDef {
                    element.pointee.nsDef = nil
                    xmlFreeNsList(definitions)
                }
                var attribute = element.pointee.properties
                while let property = attribute {
                    property.pointee.ns = nil
                    attribute = property.pointee.next
                }
                if let child = element.pointee.children { dropNamespaces(child) }
            }
            current = element.pointee.next
        }
    }
}

/// Small helpers over libxml2's node API.
enum XMLNode {
    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    static func isElement(_ node: xmlNodePtr) -> Bool { node.pointee.type == XML_ELEMENT_NODE }

    static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            result.append(current)
            child = current.pointee.next
        }
        return result
    }

    /// Replaces the children of `node` with one text node (escaped when written).
    static func setText(_ node: xmlNodePtr, _ text: String) {
        removeChildren(node)
        if let textNode = xmlNewDocText(node.pointee.doc, xmlText(text)) { xmlAddChild(node, textNode) }
    }

    static func removeChildren(_ node: xmlNodePtr) {
        for child in children(node) {
            xmlUnlinkNode(child)
            xmlFreeNode(child)
        }
    }

    /// Sets an attribute (its value is escaped when written; `&` in data stays data).
    static func setAttribute(_ node: xmlNodePtr, _ name: String, _ value: String) {
        xmlSetProp(node, name, xmlText(value))
    }

    /// A new element in the namespace of `namespaceOf` (SVG inside SVG, XHTML inside XHTML).
    static func element(
        _ name: String, like namespaceOf: xmlNodePtr, attributes: [(String, String)] = [], text: String? = nil
    ) -> xmlNodePtr? {
        guard let node = xmlNewDocNode(namespaceOf.pointee.doc, namespaceOf.pointee.ns, name, nil) else { return nil }
        for (key, value) in attributes { xmlSetProp(node, key, xmlText(value)) }
        if let text, let textNode = xmlNewDocText(namespaceOf.pointee.doc, xmlText(text)) { xmlAddChild(node, textNode) }
        return node
    }

    static func line(_ node: xmlNodePtr) -> Int { Int(xmlGetLineNo(node)) }

    /// `text` with the characters XML 1.0 cannot hold (C0 controls but tab, line feed and
    /// carriage return; U+FFFE, U+FFFF) written visibly as `\u{1b}`, as the terminal shows
    /// them: an ESC or a NUL from an input would otherwise make the XHTML not well-formed, or
    /// cut the value short (a C string ends at NUL).
    static func xmlText(_ text: String) -> String {
        func allowed(_ value: UInt32) -> Bool {
            value >= 0x20 ? value != 0xFFFE && value != 0xFFFF : value == 0x09 || value == 0x0A || value == 0x0D
        }
        guard !text.unicodeScalars.allSatisfy({ allowed($0.value) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if allowed(scalar.value) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return result
    }
}
