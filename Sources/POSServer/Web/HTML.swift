import Foundation
import POSCore

/// A piece of markup that is safe to send. Built by string interpolation, which escapes every interpolated
/// `String` (and anything else that is not itself ``HTML``): `let row: HTML = "<td>\(client.name)</td>"` shows a
/// client named `<script>` as text. Raw markup enters only as another `HTML` value.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    let markup: String

    init(stringLiteral value: String) { markup = value }
    init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }
    init(joining parts: [HTML], separator: String = "\n") {
        markup = parts.map(\.markup).joined(separator: separator)
    }

    var description: String { markup }

    static let empty: HTML = ""
    /// ` selected`, for an `<option>`.
    static let selected: HTML = " selected"

    /// `text` with `& < > " '` escaped, for element content and quoted attribute values alike.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) { markup += literal }
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ parts: [HTML]) { markup += parts.map(\.markup).joined(separator: "\n") }
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        mutating func appendInterpolation(_ text: String?) { markup += HTML.escape(text ?? "") }
        mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            markup += HTML.escape(value.description)
        }
    }
}

extension HTML {
    /// `<option>`s of `choices` (value, label), the one equal to `selected` marked.
    static func options(_ choices: [(value: String, label: String)], selected: String? = nil) -> HTML {
        HTML(
            joining: choices.map { choice in
                choice.value == selected
                    ? "<option value=\"\(choice.value)\" selected>\(choice.label)</option>"
                    : "<option value=\"\(choice.value)\">\(choice.label)</option>"
            }
        )
    }

    /// Any encodable value as nested tables (objects) and lists (arrays), every string escaped: how the reports'
    /// JSON is shown without a template per report.
    static func data(_ value: some Encodable) -> HTML {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) else {
            return "<p class=\"muted\">nothing to show</p>"
        }
        return tree(object)
    }

    private static func tree(_ object: Any) -> HTML {
        switch object {
        case let dictionary as [String: Any]:
            if dictionary.isEmpty { return "<span class=\"muted\">—</span>" }
            let rows = dictionary.sorted { $0.key < $1.key }.map { key, value -> HTML in
                "<tr><th scope=\"row\">\(key)</th><td>\(tree(value))</td></tr>"
            }
            return "<table class=\"data\">\(rows)</table>"
        case let array as [Any]:
            if array.isEmpty { return "<span class=\"muted\">none</span>" }
            return "<ol class=\"data\">\(array.map { item -> HTML in "<li>\(tree(item))</li>" })</ol>"
        case let number as NSNumber:
            return "\(number.description)"
        case let text as String:
            return "\(text)"
        default:
            return "<span class=\"muted\">—</span>"
        }
    }
}
