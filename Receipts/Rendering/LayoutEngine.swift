/// One physical line of a receipt, laid out for the paper's width: the model every output is written from.
struct PrintLine: Hashable, Sendable {
    enum Content: Hashable, Sendable {
        /// Text that fits the line; rows are already padded so their amounts end at the right edge.
        case text(String)
        /// The character repeated across the line.
        case rule(Character)
        /// CODE128 data, printed as bars with the text under them.
        case barcode(String)
        case cut
    }

    var content: Content
    var style: LineStyle
}

/// Turns a layout and its data into lines of at most `columns` characters (double-width characters count double).
struct LayoutEngine {
    let columns: Int

    /// The longest data a CODE128 barcode may carry on the receipt (GS k takes up to 255 bytes; paper is narrower).
    static let barcodeLimit = 20

    func lay(out layout: ReceiptLayout, _ scope: TemplateScope) throws(ReceiptLayoutError) -> [PrintLine] {
        var lines: [PrintLine] = []
        try lay(out: layout.nodes, TemplateContext(scopes: [scope]), into: &lines)
        return lines
    }

    private func lay(
        out nodes: [LayoutNode],
        _ context: TemplateContext,
        into lines: inout [PrintLine]
    ) throws(ReceiptLayoutError) {
        for node in nodes {
            switch node {
            case .each(let name, let body, let location):
                guard case .list(let items) = try context.value(name, at: location) else {
                    throw ReceiptLayoutError(location, "'each \(name)' needs a list")
                }
                for item in items {
                    try lay(out: body, TemplateContext(scopes: context.scopes + [item]), into: &lines)
                }
            case .when(let name, let negated, let body, let location):
                if try context.value(name, at: location).isSet != negated {
                    try lay(out: body, context, into: &lines)
                }
            case .line(let command, let style, let fields, let location):
                let texts = try fields.map { field throws(ReceiptLayoutError) in
                    try context.text(field, at: location)
                }
                lines += try line(command, style, texts, location)
            }
        }
    }

    private func line(
        _ command: LayoutNode.Command,
        _ style: LineStyle,
        _ fields: [String],
        _ location: LayoutLocation
    ) throws(ReceiptLayoutError) -> [PrintLine] {
        switch command {
        case .text:
            let cells = columns / style.size.widthFactor
            return Self.wrap(fields[0], width: cells, indent: style.indent).map {
                PrintLine(content: .text($0), style: style)
            }
        case .row:
            return row(label: fields[0], value: fields[1].trimming(" "), style).map {
                PrintLine(content: .text($0), style: style)
            }
        case .rule:
            return [PrintLine(content: .rule(fields.first?.first ?? "-"), style: style)]
        case .blank:
            return [PrintLine(content: .text(""), style: style)]
        case .barcode:
            let data = fields[0]
            guard (1...Self.barcodeLimit).contains(data.count),
                data.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) })
            else {
                throw ReceiptLayoutError(
                    location,
                    "barcode data '\(data)' must be 1 to \(Self.barcodeLimit) printable ASCII characters"
                )
            }
            return [PrintLine(content: .barcode(data), style: style)]
        case .cut:
            return [PrintLine(content: .cut, style: style)]
        }
    }

    /// A label and an amount: the amount ends at the right edge of the label's first line; the label wraps in the
    /// room left of it, continuation lines indented two more spaces. An amount too wide for a label beside it gets
    /// its own line.
    func row(label: String, value: String, _ style: LineStyle) -> [String] {
        guard !value.isEmpty else { return Self.wrap(label, width: columns, indent: style.indent) }
        let room = columns - value.count - 1
        guard room - style.indent >= 8 else {
            let labels = label.isEmpty ? [] : Self.wrap(label, width: columns, indent: style.indent)
            return labels + Self.wrap(value, width: columns, indent: 0).map { Self.padLeft($0, to: columns) }
        }
        var lines = Self.wrap(label, width: room, indent: style.indent)
        lines[0] = lines[0] + String(repeating: " ", count: columns - lines[0].count - value.count) + value
        return lines
    }

    /// Words wrapped to `width`; never splits a word unless it alone is wider than the line.
    static func wrap(_ text: String, width: Int, indent: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth: Int { max(1, width - indent - (lines.isEmpty ? 0 : 2)) }
        for piece in text.split(separator: " ") {
            var word = String(piece)
            if !line.isEmpty {
                if line.count + 1 + word.count <= lineWidth {
                    line += " " + word
                    continue
                }
                lines.append(line)
                line = ""
            }
            while word.count > lineWidth {
                lines.append(String(word.prefix(lineWidth)))
                word = String(word.dropFirst(lineWidth))
            }
            line = word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines.enumerated().map { index, text in
            text.isEmpty ? text : String(repeating: " ", count: indent + (index == 0 ? 0 : 2)) + text
        }
    }

    static func padLeft(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
