import POSCore

/// Text for the desk's receipt printer: 42 columns (80 mm paper, font A), plain ASCII rules, amounts right-aligned.
enum SlipText {
    static let width = 42

    /// `label` and `value` on one line, the value flush right; a label too long is cut, never the amount.
    static func row(_ label: String, _ value: String) -> String {
        guard !value.isEmpty else { return fit(label) }
        let room = max(0, width - value.count - 1)
        let cut = label.count > room ? String(label.prefix(room)) : label
        return cut + String(repeating: " ", count: width - cut.count - value.count) + value
    }

    static func rule(_ character: Character = "-") -> String { String(repeating: character, count: width) }

    static func center(_ text: String) -> String {
        let cut = fit(text)
        return String(repeating: " ", count: (width - cut.count) / 2) + cut
    }

    /// Cut to the paper's width.
    static func fit(_ text: String) -> String { text.count > width ? String(text.prefix(width)) : text }

    /// Words wrapped to the paper's width: the first line indented by `first` spaces, the others by `indent`.
    static func wrap(_ text: String, first: Int = 0, indent: Int = 2) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(repeating: " ", count: lines.isEmpty ? first : indent) + word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(fit(line))
                line = String(repeating: " ", count: indent) + word
            }
        }
        if !line.isEmpty { lines.append(fit(line)) }
        return lines
    }

    /// Free text as it may be printed: control characters (TAB, CR, LF included) become spaces.
    static func clean(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }
            )
        )
    }

    static func time(_ millis: Int64, _ calendar: BusinessCalendar) -> String {
        "\(calendar.businessDate(atMillis: millis)) \(calendar.timeOfDay(atMillis: millis))"
    }
}

/// CSV as reports write it: RFC 4180 with CR LF line ends, UTF-8 without a byte-order mark, amounts as `-?digits.dd`,
/// and free text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) prefixed with `'`.
enum ReportCSV {
    static func document(header: [String], rows: [[String]]) -> String {
        CSV.format(rows: [header] + rows).split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\r\n")
    }

    /// A free-text cell: control characters dropped, formula starters neutralised.
    static func text(_ value: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(value.unicodeScalars.filter { $0.properties.generalCategory != .control })
        )
        guard let first = cleaned.first, "=+-@".contains(first) else { return cleaned }
        return "'" + cleaned
    }

    static func amount(_ money: Money) -> String { money.description }
}
