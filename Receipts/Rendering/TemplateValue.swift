/// What a layout's placeholders and blocks read: text, flags, lists of scopes and nested scopes.
enum TemplateValue: Hashable, Sendable {
    case text(String)
    case flag(Bool)
    case list([TemplateScope])
    case scope(TemplateScope)

    /// Whether `if NAME` takes its body.
    var isSet: Bool {
        switch self {
        case .text(let text): !text.isEmpty
        case .flag(let flag): flag
        case .list(let items): !items.isEmpty
        case .scope: true
        }
    }
}

typealias TemplateScope = [String: TemplateValue]

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(booleanLiteral value: Bool) { self = .flag(value) }
}

/// The scopes a layout sees, innermost last: inside `each pets`, a pet's names hide the receipt's.
struct TemplateContext {
    var scopes: [TemplateScope]

    /// Looks `a.b.c` up: `a` in the innermost scope that has it, then `b` and `c` inside it.
    func value(_ name: String, at location: LayoutLocation) throws(ReceiptLayoutError) -> TemplateValue {
        let path = name.split(separator: ".").map(String.init)
        guard var value = scopes.reversed().lazy.compactMap({ $0[path[0]] }).first else {
            throw ReceiptLayoutError(location, "unknown placeholder '\(name)'")
        }
        for segment in path.dropFirst() {
            guard case .scope(let scope) = value, let inner = scope[segment] else {
                throw ReceiptLayoutError(location, "unknown placeholder '\(name)'")
            }
            value = inner
        }
        return value
    }

    func text(_ template: TemplateText, at location: LayoutLocation) throws(ReceiptLayoutError) -> String {
        var out = ""
        for part in template.parts {
            switch part {
            case .literal(let text):
                out += text
            case .placeholder(let name):
                switch try value(name, at: location) {
                // Data never carries control characters to the printer: an ESC in a client's name would be a command.
                case .text(let text): out += text.replacingControlCharacters()
                case .flag, .list, .scope:
                    throw ReceiptLayoutError(location, "'{{\(name)}}' is not text; use it with 'if' or 'each'")
                }
            }
        }
        return out
    }
}

extension String {
    func replacingControlCharacters() -> String {
        String(
            String.UnicodeScalarView(
                unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }
            )
        )
    }
}
