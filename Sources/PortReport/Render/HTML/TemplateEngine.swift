import CLibXML2

/// A value a template can show: text, a list to repeat over, a record of named values.
indirect enum TemplateValue: Sendable {
    case text(String)
    case bool(Bool)
    case list([TemplateValue])
    case record([String: TemplateValue])
    /// A chart or sparkline drawn by the tool into the tree (see `Charts`).
    case chart(Chart)
    case null

    var isTruthy: Bool {
        switch self {
        case .text(let text): return !text.isEmpty
        case .bool(let flag): return flag
        case .list(let items): return !items.isEmpty
        case .record, .chart: return true
        case .null: return false
        }
    }

    var textValue: String? {
        switch self {
        case .text(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .list(let items): return String(items.count)
        default: return nil
        }
    }
}

/// Fills an XHTML template from values through attribute directives in the namespace
/// `urn:portreport:template` (prefix `t:` by convention), all removed from the output:
///
/// - `t:if="path"` / `t:if="not path"`: keep the element only when the value is non-empty;
/// - `t:repeat="item in path"`: one copy of the element per list item, `item` bound inside;
/// - `t:text="path"`: the element's content becomes the value, as text;
/// - `t:attr="name path; name path"`: attributes set from values (an empty value sets none);
/// - `t:include="name"`: the element's content becomes the named partial template's root content;
/// - `t:chart="path"`: the element's content becomes the chart the value describes (inline SVG);
/// - `t:omit-tag=""`: the element is replaced by its (filled) content, so that one `t:repeat`
///   can make several sibling rows per item (`<div t:repeat="…" t:omit-tag=""><tr>…</tr><tr>…</tr></div>`
///   inside a `<tbody>` gives rows only).
///
/// Paths are dotted names (`row.port`) looked up in the repeat variables, then the root record.
struct TemplateEngine {
    static let namespace = "urn:portreport:template"

    /// Partial templates by name, for `t:include`.
    let partials: [String: [UInt8]]
    /// Dotted paths already split, by expression: a report looks the same few up thousands of
    /// times (once per repeated row).
    private let paths = PathCache()

    init(partials: [String: [UInt8]]) {
        self.partials = partials
    }

    private final class PathCache {
        var parts: [String: [String]] = [:]
    }

    /// Most nodes (elements, text, attributes) that `t:repeat` and `t:include` may create in
    /// one filling. The built-in report has about 30 nodes per ranking row, so a 10,000-port
    /// `--top 10000` report is about 300,000; 750,000 leaves that margin while the process
    /// stays near 150 MB (a million nodes peaked at 194 MB). A `t:repeat` inside another over
    /// the same list multiplies: that used 3.6 GB before the limit.
    static let maximumNodes = 750_000
    /// Most bytes of text that `t:text` and `t:attr` may write from values in one filling.
    static let maximumTextBytes = 64 << 20
    /// Most `name path` pairs in one `t:attr` (an element has a handful of attributes).
    static let maximumAttributePairs = 64
    /// Deepest element nesting a template is processed to.
    static let maximumDepth = 64

    /// What one filling has made so far, against the limits.
    private final class Budget {
        var nodes = 0
        var textBytes = 0
    }

    func fill(_ tree: XMLTree, with root: [String: TemplateValue]) throws(ReportError) {
        guard let element = tree.root else { throw ReportError("\(tree.name): the template has no root element") }
        var scopes = [root]
        try process(element, scopes: &scopes, tree: tree, depth: 0, budget: Budget())
        removeNamespaceDeclarations(element)
    }

    /// Nodes in the subtree of `node` (itself, its attributes, its descendants), counted up to
    /// `limit` (a count past it is as good as any).
    private static func size(of node: xmlNodePtr, limit: Int) -> Int {
        var count = 0
        var stack: [xmlNodePtr] = [node]
        while let current = stack.popLast(), count <= limit {
            count += 1
            var attribute = current.pointee.properties
            while let property = attribute {
                count += 1
                attribute = property.pointee.next
            }
            var child = current.pointee.children
            while let next = child {
                stack.append(next)
                child = next.pointee.next
            }
        }
        return count
    }

    /// Counts `count` more nodes made at `node`; past the limit the filling stops.
    private func spend(nodes count: Int, _ budget: Budget, tree: XMLTree, node: xmlNodePtr, directive: String) throws(ReportError) {
        budget.nodes += count
        guard budget.nodes <= TemplateEngine.maximumNodes else {
            throw fail(
                tree, node,
                "\(directive): the report would have more than \(TemplateEngine.maximumNodes) nodes, the limit for one report (a t:repeat inside another over a long list?): repeat over a shorter list, or do not nest the repeats"
            )
        }
    }

    private func spend(text: String, _ budget: Budget, tree: XMLTree, node: xmlNodePtr, directive: String) throws(ReportError) {
        budget.textBytes += text.utf8.count
        guard budget.textBytes <= TemplateEngine.maximumTextBytes else {
            throw fail(
                tree, node,
                "\(directive): the report would hold more than \(TemplateEngine.maximumTextBytes >> 20) MiB of text from values, the limit for one report (a t:repeat inside another?): repeat over a shorter list"
            )
        }
    }

    private func directive(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetNsProp(node, name, TemplateEngine.namespace) else { return nil }
        defer { portreport_xmlFree(value) }
        return String(cString: value)
    }

    private func removeDirective(_ node: xmlNodePtr, _ name: String) {
        if let attribute = xmlHasNsProp(node, name, TemplateEngine.namespace) { xmlRemoveProp(attribute) }
    }

    private func fail(_ tree: XMLTree, _ node: xmlNodePtr, _ message: String) -> ReportError {
        ReportError("\(tree.name):\(XMLNode.line(node)): \(message)")
    }

    private func lookup(
        _ expression: String, _ scopes: [[String: TemplateValue]], tree: XMLTree, node: xmlNodePtr
    ) throws(ReportError) -> TemplateValue {
        // Split by hand, once per expression: this runs for every directive of every repeated
        // element, and Foundation's trimming was a fifth of a year report's rendering time.
        let parts: [String]
        if let known = paths.parts[expression] {
            parts = known
        } else {
            parts = expression.split(separator: ".").map { part in
                String(part.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
            }
            paths.parts[expression] = parts
        }
        guard let first = parts.first else { throw fail(tree, node, "empty template expression") }
        var value: TemplateValue? = nil
        for scope in scopes.reversed() {
            if let found = scope[first] {
                value = found
                break
            }
        }
        guard var current = value else { throw fail(tree, node, "unknown name '\(first)' in '\(expression)'") }
        for part in parts.dropFirst() {
            guard case .record(let fields) = current else {
                throw fail(tree, node, "'\(expression)': '\(part)' is looked up in something that is not a record")
            }
            guard let next = fields[part] else { throw fail(tree, node, "'\(expression)': no field '\(part)'") }
            current = next
        }
        return current
    }

    private func condition(
        _ expression: String, _ scopes: [[String: TemplateValue]], tree: XMLTree, node: xmlNodePtr
    ) throws(ReportError) -> Bool {
        let trimmed = String(expression.drop(while: { $0 == " " }))
        if trimmed.hasPrefix("not ") {
            return !(try lookup(String(trimmed.dropFirst(4)), scopes, tree: tree, node: node).isTruthy)
        }
        return try lookup(trimmed, scopes, tree: tree, node: node).isTruthy
    }

    static let directives: Set<String> = ["if", "repeat", "attr", "text", "include", "chart", "omit-tag"]

    private static func isTemplateNamespace(_ href: UnsafePointer<xmlChar>) -> Bool {
        namespace.utf8.withContiguousStorageIfAvailable { expected in
            var index = 0
            while index < expected.count {
                if href[index] != expected[index] { return false }
                index += 1
            }
            return href[index] == 0
        } ?? (String(cString: href) == namespace)
    }

    private func process(
        _ node: xmlNodePtr, scopes: inout [[String: TemplateValue]], tree: XMLTree, depth: Int, budget: Budget
    ) throws(ReportError) {
        guard depth < TemplateEngine.maximumDepth else {
            throw fail(
                tree, node,
                "elements nest more than \(TemplateEngine.maximumDepth) levels deep here, the limit for a template: flatten the markup, or look for a t:include that includes itself"
            )
        }
        // Most elements have no directive: one pass over the attributes finds that out without
        // building a string per attribute or asking libxml2 for each directive in turn.
        var hasDirectives = false
        var attribute = node.pointee.properties
        while let property = attribute {
            if let ns = property.pointee.ns, let href = ns.pointee.href, TemplateEngine.isTemplateNamespace(href) {
                let name = property.pointee.name.map { String(cString: $0) } ?? ""
                guard TemplateEngine.directives.contains(name) else {
                    throw fail(
                        tree, node,
                        "unknown directive t:\(name) (known: \(TemplateEngine.directives.sorted().map { "t:" + $0 }.joined(separator: ", ")))"
                    )
                }
                hasDirectives = true
            }
            attribute = property.pointee.next
        }
        guard hasDirectives else {
            for child in XMLNode.children(node) where XMLNode.isElement(child) {
                try process(child, scopes: &scopes, tree: tree, depth: depth + 1, budget: budget)
            }
            return
        }
        if let expression = directive(node, "if") {
            removeDirective(node, "if")
            if !(try condition(expression, scopes, tree: tree, node: node)) {
                xmlUnlinkNode(node)
                xmlFreeNode(node)
                return
            }
        }
        if let expression = directive(node, "repeat") {
            removeDirective(node, "repeat")
            let words = expression.split(separator: " ").map(String.init)
            guard words.count == 3, words[1] == "in" else { throw fail(tree, node, "t:repeat expects 'item in list', not '\(expression)'") }
            guard case .list(let items) = try lookup(words[2], scopes, tree: tree, node: node) else {
                throw fail(tree, node, "t:repeat: '\(words[2])' is not a list")
            }
            let size = TemplateEngine.size(of: node, limit: TemplateEngine.maximumNodes)
            for item in items {
                try spend(nodes: size, budget, tree: tree, node: node, directive: "t:repeat")
                guard let copy = xmlDocCopyNode(node, node.pointee.doc, 1) else { continue }
                xmlAddPrevSibling(node, copy)
                scopes.append([words[0]: item])
                defer { scopes.removeLast() }
                try process(copy, scopes: &scopes, tree: tree, depth: depth + 1, budget: budget)
            }
            xmlUnlinkNode(node)
            xmlFreeNode(node)
            return
        }
        // Read after the repeat, so that each copy keeps the directive and is unwrapped itself.
        let omitTag = directive(node, "omit-tag") != nil
        if omitTag { removeDirective(node, "omit-tag") }
        defer { if omitTag { TemplateEngine.unwrap(node) } }
        if let specification = directive(node, "attr") {
            removeDirective(node, "attr")
            let pairs = specification.split(separator: ";")
            guard pairs.count <= TemplateEngine.maximumAttributePairs else {
                throw fail(
                    tree, node,
                    "t:attr sets \(pairs.count) attributes, over the limit of \(TemplateEngine.maximumAttributePairs) for one element: set fewer"
                )
            }
            for pair in pairs {
                let words = pair.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard words.count == 2 else { throw fail(tree, node, "t:attr expects 'name path; name path', not '\(pair)'") }
                guard !words[0].lowercased().hasPrefix("on"), words[0].lowercased() != "style" else {
                    throw fail(tree, node, "t:attr may not set event handlers or style from data ('\(words[0])')")
                }
                let value = try lookup(words[1], scopes, tree: tree, node: node)
                guard let text = value.textValue else { throw fail(tree, node, "t:attr: '\(words[1])' is not text") }
                // An empty value leaves the attribute out (an optional id, say).
                if !text.isEmpty {
                    try spend(text: text, budget, tree: tree, node: node, directive: "t:attr")
                    XMLNode.setAttribute(node, words[0], text)
                }
            }
        }
        if let expression = directive(node, "text") {
            removeDirective(node, "text")
            let elementName = XMLNode.name(node).lowercased()
            guard elementName != "script", elementName != "style" else {
                throw fail(tree, node, "t:text may not fill <\(elementName)>: data is never written into scripts or styles")
            }
            let value = try lookup(expression, scopes, tree: tree, node: node)
            guard let text = value.textValue ?? (value.isNull ? "" : nil) else {
                throw fail(tree, node, "t:text: '\(expression)' is not text")
            }
            try spend(text: text, budget, tree: tree, node: node, directive: "t:text")
            XMLNode.setText(node, text)
            return
        }
        if let name = directive(node, "include") {
            removeDirective(node, "include")
            guard let bytes = partials[name] else {
                throw fail(tree, node, "t:include: no template named '\(name)' (known: \(partials.keys.sorted().joined(separator: ", ")))")
            }
            if name.hasSuffix(".css") {
                // A stylesheet from the templates folder (never data) becomes the <style> text.
                guard XMLNode.name(node).lowercased() == "style" else {
                    throw fail(tree, node, "t:include of a stylesheet belongs on <style>")
                }
                XMLNode.setText(node, String(decoding: bytes, as: UTF8.self))
                return
            }
            let partial = try XMLTree(parsing: bytes, name: name)
            guard let partialRoot = partial.root else { throw ReportError("\(name): the template has no root element") }
            XMLNode.removeChildren(node)
            for child in XMLNode.children(partialRoot) {
                try spend(
                    nodes: TemplateEngine.size(of: child, limit: TemplateEngine.maximumNodes), budget, tree: tree, node: node,
                    directive: "t:include")
                if let copy = xmlDocCopyNode(child, node.pointee.doc, 1) { xmlAddChild(node, copy) }
            }
        }
        if let expression = directive(node, "chart") {
            removeDirective(node, "chart")
            guard case .chart(let chart) = try lookup(expression, scopes, tree: tree, node: node) else {
                throw fail(tree, node, "t:chart: '\(expression)' is not a chart")
            }
            XMLNode.removeChildren(node)
            chart.draw(into: node)
            return
        }
        for child in XMLNode.children(node) where XMLNode.isElement(child) {
            try process(child, scopes: &scopes, tree: tree, depth: depth + 1, budget: budget)
        }
    }

    /// Puts the children of `node` in its place (in order) and frees it (`t:omit-tag`).
    ///
    /// A `t:repeat` copy declares the namespaces its subtree uses on itself (libxml2's copy does
    /// that), so the children's namespace pointers are moved to the declarations in scope at
    /// their new place before `node` and its declarations are freed.
    private static func unwrap(_ node: xmlNodePtr) {
        for child in XMLNode.children(node) {
            xmlUnlinkNode(child)
            xmlAddPrevSibling(node, child)
            if XMLNode.isElement(child) { xmlReconciliateNs(node.pointee.doc, child) }
        }
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }

    /// Removes leftover `t:` namespace declarations (the directives themselves are gone).
    private func removeNamespaceDeclarations(_ node: xmlNodePtr) {
        var previous: xmlNsPtr? = nil
        var definition = node.pointee.nsDef
        while let current = definition {
            let next = current.pointee.next
            if let href = current.pointee.href, String(cString: href) == TemplateEngine.namespace {
                if let previous { previous.pointee.next = next } else { node.pointee.nsDef = next }
                current.pointee.next = nil
                xmlFreeNs(current)
            } else {
                previous = current
            }
            definition = next
        }
        for child in XMLNode.children(node) where XMLNode.isElement(child) {
            removeNamespaceDeclarations(child)
        }
    }
}

extension TemplateValue {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
