/// Every failure a user can cause, each with a stable code and one line that says what went wrong and where.
///
/// `field` is a path into the input (`lines[2].item`, `payments[1].idNumber`, `catalog.csv line 14, price`),
/// so a person can find the mistake without reading code. `code` (such as `check.idRequired` or `drawer.notOpen`) is
/// what programs and tests rely on: the wording may change, the code does not. A refusal thrown without a code gets
/// one derived from its field (`payments.idNumber.invalid`).
public enum POSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is malformed or breaks a rule of the clinic.
    case invalid(field: String, reason: String, code: String = "")
    /// A referenced record does not exist.
    case notFound(what: String, id: String)
    /// The signed-in employee's role does not allow the action.
    case notPermitted(employee: String, role: Role, action: String)
    /// The action needs a manager's approval that was not given or does not suffice.
    case approvalRequired(field: String, reason: String, code: String = "")
    /// The action conflicts with the current state (a posted invoice, a reused command id, …).
    case conflict(String, code: String = "")
    /// Wrong employee id or PIN.
    case authenticationFailed(employee: String)
    /// Too many wrong PINs for this employee from this terminal or address (``PINBackoff``): the PIN was not checked.
    case throttled(employee: String, retryAfterSeconds: Int)

    /// The one line, never longer than ``maximumLength``: a refusal that quotes a huge value keeps its start and
    /// end, so a person sees what and where without a megabyte of input echoed back.
    public var description: String { Self.shortened(fullDescription) }

    /// The longest line a refusal prints.
    public static let maximumLength = 600

    /// `text` cut in the middle to at most ``maximumLength`` characters.
    public static func shortened(_ text: String) -> String {
        guard text.count > maximumLength else { return text }
        let omitted = text.count - maximumLength + 40
        return text.prefix(maximumLength - 120) + " … (\(omitted) characters left out) … " + text.suffix(80)
    }

    private var fullDescription: String {
        switch self {
        case .invalid(let field, let reason, _): "\(field): \(reason)"
        case .notFound(let what, let id): "\(what) '\(id)' not found"
        case .notPermitted(let employee, let role, let action):
            "employee \(employee) (\(role.rawValue)) is not permitted to \(action)"
        case .approvalRequired(let field, let reason, _): "\(field): \(reason)"
        case .conflict(let message, _): message
        case .authenticationFailed(let employee): "sign-in failed for employee \(employee): wrong id or PIN"
        case .throttled(let employee, let seconds):
            "too many wrong PINs for employee \(employee) here; try again in \(seconds) seconds"
        }
    }

    /// The stable code of this refusal: `area.what` in lower camel case.
    public var code: String {
        switch self {
        case .invalid(let field, _, let code): code.isEmpty ? Self.code(forField: field, "invalid") : code
        case .notFound(let what, _): Self.code(forField: what, "notFound")
        case .notPermitted: "permission.denied"
        case .approvalRequired(let field, _, let code):
            code.isEmpty ? Self.code(forField: field, "approvalRequired") : code
        case .conflict(_, let code): code.isEmpty ? "state.conflict" : code
        case .authenticationFailed: "signIn.failed"
        case .throttled: "signIn.throttled"
        }
    }

    /// Where in the input the problem is, when the refusal is about one place.
    public var field: String? {
        switch self {
        case .invalid(let field, _, _), .approvalRequired(let field, _, _): field
        default: nil
        }
    }

    /// `lines[2].item` → `lines.item.invalid`; `catalog.csv line 14, price` → `price.invalid`; `--date` →
    /// `date.invalid`; `query from` → `query.from.invalid`; `body, cardSlips.PAX-1` → `cardSlips.invalid`. Indexes, line numbers and file names are left out so that the
    /// code is the same wherever the input comes from.
    static func code(forField field: String, _ suffix: String) -> String {
        // A located field (`file line 3, amount`): the part after the place.
        let path = field.split(separator: ", ").last ?? Substring(field)
        var words: [String] = []
        var word = ""
        var bracket = false
        for character in path {
            if character == "[" { bracket = true }
            if bracket {
                if character == "]" { bracket = false }
                continue
            }
            if character.isLetter || character.isNumber {
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        // A file name and its line (`test.csv line 3`) name no field: the code is the file's.
        if words.count >= 2, words[words.count - 2] == "line", words.last?.allSatisfy(\.isNumber) == true {
            words = ["file"]
        }
        // Only names of fields (lower camel case, ASCII): a key the input chose (a terminal `PAX-1`, a denomination, any
        // text) never becomes part of a code.
        words = words.filter { word in
            guard let first = word.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return word.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            }
        }
        guard !words.isEmpty else { return "input.\(suffix)" }
        return (words.prefix(4) + [suffix]).joined(separator: ".")
    }
}

extension POSError {
    /// The same error, with `place` (such as `checkouts.jsonl line 7`) in front of where it happened; the code stays.
    public func located(at place: String) -> POSError {
        switch self {
        case .invalid(let field, let reason, _): .invalid(field: "\(place), \(field)", reason: reason, code: code)
        case .approvalRequired(let field, let reason, _):
            .approvalRequired(field: "\(place), \(field)", reason: reason, code: code)
        case .notFound(let what, let id): .invalid(field: place, reason: "\(what) '\(id)' not found", code: code)
        case .conflict(let message, _): .conflict("\(place): \(message)", code: code)
        case .notPermitted, .authenticationFailed, .throttled: self
        }
    }
}
