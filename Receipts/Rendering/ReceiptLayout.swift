import Foundation

/// Where a layout line came from, for error messages: `sale.layout:14`.
public struct LayoutLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// A layout that cannot be read or rendered, with the file and line at fault.
public struct ReceiptLayoutError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: LayoutLocation
    public var message: String

    public init(_ location: LayoutLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// How a printed line looks: where it sits, whether it is bold, and its character size.
struct LineStyle: Hashable, Sendable {
    enum Alignment: Hashable, Sendable { case left, center, right }
    enum Size: Hashable, Sendable {
        case normal
        /// Double height only: the line keeps its full width, so rows of amounts may use it.
        case tall
        /// Double width and height: half as many characters fit on the line.
        case double

        var widthFactor: Int { self == .double ? 2 : 1 }
    }

    var alignment: Alignment = .left
    var bold = false
    var size: Size = .normal
    /// Spaces before the text (and two more before its wrapped continuation lines).
    var indent = 0
}

/// Text with `{{placeholders}}`, split once when the layout is read.
struct TemplateText: Hashable, Sendable {
    enum Part: Hashable, Sendable {
        case literal(String)
        case placeholder(String)
    }

    var parts: [Part]
}

/// One line of layout markup, or a block of them.
indirect enum LayoutNode: Hashable, Sendable {
    enum Command: String, Hashable, Sendable {
        case text, row, rule, blank, barcode, cut
    }

    case line(Command, LineStyle, [TemplateText], LayoutLocation)
    /// The body once per element of a list, each element's names in scope.
    case each(String, [LayoutNode], LayoutLocation)
    /// The body when the name is set (a true flag, non-empty text or list), or unset when `negated`.
    case when(String, negated: Bool, [LayoutNode], LayoutLocation)
}

/// A receipt layout read from its markup (see Receipts/README.md).
///
/// Each line is `command [options] | field | field`; `each NAME`, `if NAME`, `unless NAME` and `end` make blocks,
/// `include NAME` inserts a partial, `#` starts a comment. Mistakes are reported with the file and line.
public struct ReceiptLayout: Hashable, Sendable {
    public let name: String
    let nodes: [LayoutNode]

    /// Reads a layout.
    ///
    /// - Parameters:
    ///   - name: The file name, used in error messages.
    ///   - source: The markup.
    ///   - partials: Layouts that `include NAME` may insert, by name without extension.
    /// - Throws: ``ReceiptLayoutError`` naming the line at fault.
    public init(name: String, source: String, partials: [String: ReceiptLayout] = [:]) throws(ReceiptLayoutError) {
        self.name = name
        var parser = LayoutParser(file: name, partials: partials)
        nodes = try parser.parse(source)
    }
}

private struct LayoutParser {
    let file: String
    let partials: [String: ReceiptLayout]

    private struct OpenBlock {
        var keyword: String
        var name: String
        var location: LayoutLocation
        var body: [LayoutNode] = []
    }

    mutating func parse(_ source: String) throws(ReceiptLayoutError) -> [LayoutNode] {
        var stack = [OpenBlock(keyword: "", name: "", location: LayoutLocation(file: file, line: 0))]
        for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let location = LayoutLocation(file: file, line: index + 1)
            let line = rawLine.trimming(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let head = line.prefix { $0 != "|" }
            let words = head.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            let keyword = words[0]
            switch keyword {
            case "each", "if", "unless":
                guard words.count == 2, !line.contains("|"), Self.isName(words[1]) else {
                    throw ReceiptLayoutError(location, "'\(keyword)' takes one name, as in '\(keyword) pets'")
                }
                stack.append(OpenBlock(keyword: keyword, name: words[1], location: location))
            case "end":
                guard words.count == 1, !line.contains("|") else {
                    throw ReceiptLayoutError(location, "'end' takes nothing after it")
                }
                guard stack.count > 1, let block = stack.popLast() else {
                    throw ReceiptLayoutError(location, "'end' without an open 'each', 'if' or 'unless'")
                }
                let node: LayoutNode =
                    block.keyword == "each"
                    ? .each(block.name, block.body, block.location)
                    : .when(block.name, negated: block.keyword == "unless", block.body, block.location)
                stack[stack.count - 1].body.append(node)
            case "include":
                guard words.count == 2, !line.contains("|") else {
                    throw ReceiptLayoutError(location, "'include' takes one layout name, as in 'include header'")
                }
                guard let partial = partials[words[1]] else {
                    throw ReceiptLayoutError(location, "no layout '\(words[1])' to include")
                }
                stack[stack.count - 1].body.append(contentsOf: partial.nodes)
            default:
                stack[stack.count - 1].body.append(try command(keyword, options: words.dropFirst(), line, location))
            }
        }
        guard stack.count == 1, let root = stack.first else {
            let open = stack[stack.count - 1]
            throw ReceiptLayoutError(open.location, "'\(open.keyword) \(open.name)' has no matching 'end'")
        }
        return root.body
    }

    private func command(
        _ keyword: String,
        options: ArraySlice<String>,
        _ line: String,
        _ location: LayoutLocation
    ) throws(ReceiptLayoutError) -> LayoutNode {
        guard let command = LayoutNode.Command(rawValue: keyword) else {
            throw ReceiptLayoutError(
                location,
                "unknown command '\(keyword)' (commands: text, row, rule, blank, barcode, cut, each, if, unless, end, "
                    + "include)"
            )
        }
        var style = LineStyle()
        for option in options {
            switch option {
            case "left": style.alignment = .left
            case "center": style.alignment = .center
            case "right": style.alignment = .right
            case "bold": style.bold = true
            case "tall": style.size = .tall
            case "double": style.size = .double
            case "indent": style.indent += 2
            default:
                throw ReceiptLayoutError(
                    location,
                    "unknown option '\(option)' (options: left, center, right, bold, tall, double, indent)"
                )
            }
        }
        if style.size == .double && command != .text {
            throw ReceiptLayoutError(location, "'double' is for text lines only; use 'tall' to keep the full width")
        }
        let pieces = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
        let fields = try pieces.map { piece throws(ReceiptLayoutError) in
            try Self.template(piece.trimming(" \t"), location)
        }
        let expected: ClosedRange<Int> =
            switch command {
            case .text, .barcode: 1...1
            case .row: 2...2
            case .rule: 0...1
            case .blank, .cut: 0...0
            }
        guard expected.contains(fields.count) else {
            let usage =
                switch command {
                case .text: "text [options] | words"
                case .row: "row [options] | label | amount"
                case .rule: "rule [| character]"
                case .blank: "blank"
                case .barcode: "barcode | data"
                case .cut: "cut"
                }
            throw ReceiptLayoutError(location, "'\(keyword)' takes \(expected.upperBound) field(s): \(usage)")
        }
        if command == .rule, let field = fields.first, field.parts.count != 1 || field.literalCharacter == nil {
            throw ReceiptLayoutError(location, "a rule's field is the one character it repeats, as in 'rule | ='")
        }
        return .line(command, style, fields, location)
    }

    static func template(_ text: String, _ location: LayoutLocation) throws(ReceiptLayoutError) -> TemplateText {
        var parts: [TemplateText.Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ReceiptLayoutError(location, "'{{' without a closing '}}'")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimming(" ")
            guard isName(name) else {
                throw ReceiptLayoutError(location, "'{{\(name)}}' is not a placeholder name (letters, digits, dots)")
            }
            parts.append(.placeholder(name))
            rest = rest[close.upperBound...]
        }
        if rest.contains("}}") { throw ReceiptLayoutError(location, "'}}' without an opening '{{'") }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return TemplateText(parts: parts)
    }

    /// `pets`, `invoice.number`: letters and digits, dot-separated.
    static func isName(_ text: String) -> Bool {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        return !text.isEmpty
            && segments.allSatisfy { segment in
                guard let first = segment.first, first.isASCII, first.isLetter else { return false }
                return segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
    }
}

extension TemplateText {
    /// The single character of a literal such as `=`, or nil.
    var literalCharacter: Character? {
        guard parts.count == 1, case .literal(let text) = parts[0], text.count == 1 else { return nil }
        return text.first
    }
}

extension StringProtocol {
    func trimming(_ set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
