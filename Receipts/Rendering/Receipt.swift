/// One receipt in the three forms it is sent in: ESC/POS bytes for the printer, fixed-width text for email and logs,
/// and HTML for screens. All three are written from the same laid-out lines, so they say the same thing.
public struct Receipt: Hashable, Sendable {
    /// Characters per line in the printer's normal font.
    public let columns: Int
    /// Starts with `ESC @`; ends with the cut when the layout has one. No drawer kick (see ``ESCPOS/drawerKick``).
    public let escpos: [UInt8]
    /// Lines of at most ``columns`` characters, `\n`-terminated; double-width text is letter-spaced.
    public let text: String
    /// A `<pre>` fragment with its own small style sheet; text is escaped.
    public let html: String

    init(lines: [PrintLine], columns: Int) {
        self.columns = columns
        escpos = Self.escpos(lines, columns: columns)
        text = lines.compactMap { Self.plain($0, columns: columns) }.map { $0 + "\n" }.joined()
        html = Self.html(lines, columns: columns)
    }

    /// The line as it sits on the paper, padded for its alignment; nil for a cut, which prints nothing.
    static func plain(_ line: PrintLine, columns: Int) -> String? {
        switch line.content {
        case .text(let text):
            let factor = line.style.size.widthFactor
            let shown = factor == 2 ? text.map(String.init).joined(separator: " ") : text
            return String(repeating: " ", count: leading(text.count * factor, line.style.alignment, columns)) + shown
        case .rule(let character):
            return String(repeating: character, count: columns)
        case .barcode(let data):
            return String(repeating: " ", count: leading(data.count, .center, columns)) + data
        case .cut:
            return nil
        }
    }

    static func leading(_ width: Int, _ alignment: LineStyle.Alignment, _ columns: Int) -> Int {
        switch alignment {
        case .left: 0
        case .center: max(0, (columns - width) / 2)
        case .right: max(0, columns - width)
        }
    }

    static func escpos(_ lines: [PrintLine], columns: Int) -> [UInt8] {
        var bytes = ESCPOS.initialize
        var current = LineStyle()
        func apply(_ style: LineStyle) {
            if style.alignment != current.alignment { bytes += ESCPOS.align(style.alignment) }
            if style.bold != current.bold { bytes += ESCPOS.bold(style.bold) }
            if style.size != current.size { bytes += ESCPOS.size(style.size) }
            current = style
        }
        for line in lines {
            switch line.content {
            case .text(let text):
                apply(line.style)
                bytes += ESCPOS.printable(text) + [ESCPOS.lineFeed]
            case .rule(let character):
                apply(line.style)
                bytes += ESCPOS.printable(String(repeating: character, count: columns)) + [ESCPOS.lineFeed]
            case .barcode(let data):
                var style = line.style
                style.alignment = .center
                apply(style)
                // Font A is 12 dots wide, so the paper has columns × 12 dots; wider modules scan better when they fit.
                let moduleWidth: UInt8 = ESCPOS.code128Dots(characters: data.count) * 2 <= columns * 12 ? 2 : 1
                bytes += ESCPOS.code128(data, moduleWidth: moduleWidth)
            case .cut:
                bytes += ESCPOS.feedAndCut
            }
        }
        return bytes
    }

    static func html(_ lines: [PrintLine], columns: Int) -> String {
        var out = "<style>.vetpos-receipt{font-family:monospace;line-height:1.25}"
        out += ".vetpos-receipt .double{font-size:200%}.vetpos-receipt .tall{display:inline-block;transform:scaleY(2)}"
        out += "</style>\n"
        out += "<pre class=\"vetpos-receipt\" style=\"width:\(columns)ch\">\n"
        for line in lines {
            switch line.content {
            case .text(let text):
                let factor = line.style.size.widthFactor
                var body = escape(text)
                switch line.style.size {
                case .normal: break
                case .tall: body = "<span class=\"tall\">\(body)</span>"
                case .double: body = "<span class=\"double\">\(body)</span>"
                }
                if line.style.bold { body = "<strong>\(body)</strong>" }
                let padding = leading(text.count * factor, line.style.alignment, columns)
                out += String(repeating: " ", count: padding) + body + "\n"
            case .rule(let character):
                var body = escape(String(repeating: character, count: columns))
                if line.style.bold { body = "<strong>\(body)</strong>" }
                out += body + "\n"
            case .barcode(let data):
                out += String(repeating: " ", count: leading(data.count, .center, columns))
                out += "<span class=\"barcode\" data-code128=\"\(escape(data))\">\(escape(data))</span>\n"
            case .cut:
                continue
            }
        }
        return out + "</pre>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
