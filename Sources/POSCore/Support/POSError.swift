/// Every failure a user can cause, each with one line that says what went wrong and where.
///
/// `field` is a path into the input (`lines[2].item`, `payments[1].idNumber`, `catalog.csv line 14, price`),
/// so a person can find the mistake without reading code.
public enum POSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is malformed or breaks a rule of the clinic.
    case invalid(field: String, reason: String)
    /// A referenced record does not exist.
    case notFound(what: String, id: String)
    /// The signed-in employee's role does not allow the action.
    case notPermitted(employee: String, role: Role, action: String)
    /// The action needs a manager's approval that was not given or does not suffice.
    case approvalRequired(field: String, reason: String)
    /// The action conflicts with the current state (a posted invoice, a reused command id, …).
    case conflict(String)
    /// Wrong employee id or PIN.
    case authenticationFailed(employee: String)
    /// Too many wrong PINs for this employee from this terminal or address (``PINBackoff``): the PIN was not checked.
    case throttled(employee: String, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .notFound(let what, let id): "\(what) '\(id)' not found"
        case .notPermitted(let employee, let role, let action):
            "employee \(employee) (\(role.rawValue)) is not permitted to \(action)"
        case .approvalRequired(let field, let reason): "\(field): \(reason)"
        case .conflict(let message): message
        case .authenticationFailed(let employee): "sign-in failed for employee \(employee): wrong id or PIN"
        case .throttled(let employee, let seconds):
            "too many wrong PINs for employee \(employee) here; try again in \(seconds) seconds"
        }
    }
}

extension POSError {
    /// The same error, with `place` (such as `checkouts.jsonl line 7`) in front of where it happened.
    public func located(at place: String) -> POSError {
        switch self {
        case .invalid(let field, let reason): .invalid(field: "\(place), \(field)", reason: reason)
        case .approvalRequired(let field, let reason): .approvalRequired(field: "\(place), \(field)", reason: reason)
        case .notFound(let what, let id): .invalid(field: place, reason: "\(what) '\(id)' not found")
        case .conflict(let message): .conflict("\(place): \(message)")
        case .notPermitted, .authenticationFailed, .throttled: self
        }
    }
}
