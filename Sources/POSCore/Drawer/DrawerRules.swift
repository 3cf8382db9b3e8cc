/// The checks on each drawer action, before anything is stored.
public enum DrawerRules {
    public static func requireState(
        _ state: DrawerState,
        is expected: DrawerState,
        drawer: String,
        action: String
    ) throws(POSError) {
        guard state == expected else {
            let (now, code) =
                switch state {
                case .open: ("is open", "drawer.stillOpen")
                case .ended: ("has been counted for closing and waits for verification", "drawer.countedForClose")
                case .closed: ("is closed", "drawer.alreadyClosed")
                }
            throw .conflict("cannot \(action): the session of drawer \(drawer) \(now)", code: code)
        }
    }

    /// A paid-in or paid-out: a positive amount, a reason from the clinic's list, and a note for `other`.
    public static func checkPaid(
        amount: Money,
        reason: String,
        note: String?,
        reasons: [String],
        field: String
    ) throws(POSError) {
        guard amount.isPositive else {
            throw .invalid(field: "\(field) amount", reason: "must be positive", code: "movement.amountNotPositive")
        }
        guard reasons.contains(reason) else {
            throw .invalid(
                field: "\(field) reason",
                reason: "'\(reason)' is not one of: \(reasons.joined(separator: ", "))",
                code: "movement.unknownReason"
            )
        }
        if reason == "other" {
            guard let note, !note.trimmingASCIIWhitespace().isEmpty else {
                throw .invalid(
                    field: "\(field) note",
                    reason: "say what 'other' was for",
                    code: "movement.noteRequired"
                )
            }
        }
        if let note { try Identifier.validateText(note, field: "\(field) note") }
    }

    /// Why a paid-out needs a manager's PIN, or nil: above the per-event limit, or taking the session's paid-outs
    /// (`earlier`, as a positive sum) above the session limit.
    public static func paidOutApprovalReason(amount: Money, earlier: Money, policy: DrawerPolicy) -> String? {
        if amount > policy.paidOutApprovalLimit {
            return "a paid-out of \(amount.formatted) is above the \(policy.paidOutApprovalLimit.formatted) limit"
        }
        if earlier + amount > policy.paidOutSessionLimit {
            return "paid-outs of \((earlier + amount).formatted) from this drawer are above the "
                + "\(policy.paidOutSessionLimit.formatted) limit"
        }
        return nil
    }

    /// The keep count the staff confirm at close must come out of what was counted.
    public static func checkKeep(_ keep: CashCount, counted: CashCount, denominations: [Denomination]) throws(POSError)
    {
        try keep.validate(denominations, field: "--keep")
        for denomination in denominations where keep[denomination.code] > counted[denomination.code] {
            throw .invalid(
                field: "--keep, \(denomination.code)",
                reason: "keeps \(keep[denomination.code]) but only \(counted[denomination.code]) were counted",
                code: "drawer.keepExceedsCount"
            )
        }
    }
}
