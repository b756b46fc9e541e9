import CLibXML2

/// Charts drawn by the tool as inline SVG, built node by node (numbers and labels enter only as
/// attribute values and text). Every chart has `role="img"` and a `<title>`, its accessible name
/// (SVG-AAM); the report also shows the same figures as a table. No `aria-label`: the W3C checker
/// refuses it on `<svg>` in XHTML, and the title already names the chart.
struct Chart: Sendable {
    enum Kind: Sendable {
        /// Horizontal bars, host and container stacked, one per port.
        case stackedBars([(label: String, host: Int64, container: Int64)])
        /// A small line of values over time.
        case sparkline([Int64])
    }

    let kind: Kind
    let title: String

    func draw(into parent: xmlNodePtr) {
        guard let svg = xmlNewDocNode(parent.pointee.doc, nil, "svg", nil) else { return }
        let namespace = xmlNewNs(svg, XMLTree.svgNamespace, nil)
        xmlSetNs(svg, namespace)
        xmlAddChild(parent, svg)
        XMLNode.setAttribute(svg, "role", "img")
        if let titleNode = XMLNode.element("title", like: svg, text: title) { xmlAddChild(svg, titleNode) }
        switch kind {
        case .stackedBars(let bars): drawBars(bars, in: svg)
        case .sparkline(let values): drawSparkline(values, in: svg)
        }
    }

    private func add(_ name: String, to parent: xmlNodePtr, _ attributes: [(String, String)], text: String? = nil) {
        if let node = XMLNode.element(name, like: parent, attributes: attributes, text: text) { xmlAddChild(parent, node) }
    }

    private func drawBars(_ bars: [(label: String, host: Int64, container: Int64)], in svg: xmlNodePtr) {
        let rowHeight = 18, labelWidth = 110, barWidth = 420, valueWidth = 70
        let width = labelWidth + barWidth + valueWidth, height = max(1, bars.count) * rowHeight + 24
        XMLNode.setAttribute(svg, "viewBox", "0 0 \(width) \(height)")
        XMLNode.setAttribute(svg, "class", "chart bars")
        let maximum = max(1, bars.map { $0.host + $0.container }.max() ?? 1)
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight
            let hostWidth = Int((Double(bar.host) / Double(maximum) * Double(barWidth)).rounded())
            let containerWidth = Int((Double(bar.container) / Double(maximum) * Double(barWidth)).rounded())
            add(
                "text", to: svg, [("x", String(labelWidth - 6)), ("y", String(y + 13)), ("text-anchor", "end"), ("class", "label")],
                text: bar.label)
            add(
                "rect", to: svg,
                [
                    ("x", String(labelWidth)), ("y", String(y + 3)), ("width", String(hostWidth)), ("height", String(rowHeight - 6)),
                    ("class", "host")
                ])
            add(
                "rect", to: svg,
                [
                    ("x", String(labelWidth + hostWidth)), ("y", String(y + 3)), ("width", String(containerWidth)),
                    ("height", String(rowHeight - 6)), ("class", "container")
                ])
            add(
                "text", to: svg, [("x", String(labelWidth + hostWidth + containerWidth + 4)), ("y", String(y + 13)), ("class", "value")],
                text: String(bar.host + bar.container))
        }
        let legendY = bars.count * rowHeight + 8
        add("rect", to: svg, [("x", String(labelWidth)), ("y", String(legendY)), ("width", "10"), ("height", "10"), ("class", "host")])
        add("text", to: svg, [("x", String(labelWidth + 14)), ("y", String(legendY + 9)), ("class", "legend")], text: "hosts")
        add(
            "rect", to: svg,
            [("x", String(labelWidth + 70)), ("y", String(legendY)), ("width", "10"), ("height", "10"), ("class", "container")])
        add("text", to: svg, [("x", String(labelWidth + 84)), ("y", String(legendY + 9)), ("class", "legend")], text: "containers")
    }

    private func drawSparkline(_ values: [Int64], in svg: xmlNodePtr) {
        let width = 120, height = 24
        XMLNode.setAttribute(svg, "viewBox", "0 0 \(width) \(height)")
        XMLNode.setAttribute(svg, "class", "chart sparkline")
        XMLNode.setAttribute(svg, "width", String(width))
        XMLNode.setAttribute(svg, "height", String(height))
        guard !values.isEmpty else { return }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let span = Double(max(1, high.saturatingSubtracting(low)))
        let step = values.count > 1 ? Double(width - 4) / Double(values.count - 1) : 0
        // "x,y x,y …" written as bytes: a String per number and per point was nine tenths of the
        // charts' instructions (callgrind, the year's report: 140 sparklines of 60 points).
        var points: [UInt8] = []
        points.reserveCapacity(values.count * 10)
        for (index, value) in values.enumerated() {
            if index > 0 { points.append(UInt8(ascii: " ")) }
            let x = 2 + Double(index) * step
            let y = Double(height - 3) - (Double(value.saturatingSubtracting(low)) / span) * Double(height - 6)
            Decimals.appendFixed(x, places: 1, to: &points)
            points.append(UInt8(ascii: ","))
            Decimals.appendFixed(y, places: 1, to: &points)
        }
        add("polyline", to: svg, [("points", String(decoding: points, as: UTF8.self)), ("class", "line")])
    }
}
