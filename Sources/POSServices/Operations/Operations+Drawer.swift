import Foundation
import POSCore
import POSStorage

/// The cash drawer of the clerk's terminal: the opening count, paid in and out, safe drops, no-sales, the shift
/// change, the blind close count, the one recount, verification with reduce-to-float, and a manager's adjustment.
extension Operations {
    public func openDrawer(count: CashCount, commandID: String) async throws -> DrawerReport {
        try await store.openDrawer(count: count, commandID: commandID, by: clerk)
    }

    /// Cash put in or taken out for a non-sale reason (one of the clinic's); the drawer opens for it.
    public func paidInOrOut(
        _ kind: DrawerEventKind,
        amount: Money,
        reason: String,
        note: String?,
        approval: ApprovalRequest?,
        commandID: String
    ) async throws -> DrawerEvent {
        guard kind == .paidIn || kind == .paidOut else {
            throw POSError.invalid(field: "kind", reason: "is paid-in or paid-out", code: "drawer.movementKind")
        }
        return try await committing(commandID) {
            try await store.recordDrawerMovement(
                kind,
                amount: amount,
                reason: reason,
                note: note,
                approval: approval,
                commandID: commandID,
                by: clerk
            )
        } then: { _, hardware in
            await hardware.kickDrawer(for: kind == .paidIn ? .paidIn : .paidOut)
        }
    }

    /// Cash taken to the safe mid-shift, counted by denomination.
    public func safeDrop(count: CashCount, reason: String, commandID: String) async throws -> DrawerEvent {
        try await store.recordDrawerMovement(.safeDrop, count: count, reason: reason, commandID: commandID, by: clerk)
    }

    /// Opens the drawer without a sale: recorded (permission-checked, with who and why) before it opens.
    public func noSale(reason: String, commandID: String) async throws -> DrawerEvent {
        try await committing(commandID) {
            try await store.recordDrawerMovement(.noSale, reason: reason, commandID: commandID, by: clerk)
        } then: { _, hardware in
            await hardware.kickDrawer(for: .noSale)
        }
    }

    /// The shift change: the outgoing cashier's count, signed by the incoming one.
    public func handOver(
        count: CashCount,
        to incoming: ApprovalRequest,
        approval: ApprovalRequest?,
        commandID: String
    ) async throws -> CountResult {
        try await store.handOverDrawer(count: count, to: incoming, approval: approval, commandID: commandID, by: clerk)
    }

    /// The blind close count: cash by denomination, the checks and each terminal's card slip total.
    public func closeCount(
        count: CashCount,
        checks: [String],
        cardSlips: [String: Money],
        commandID: String
    ) async throws -> DrawerCloseResult {
        try await store.countDrawerForClose(
            count: count,
            checks: checks,
            cardSlips: cardSlips,
            commandID: commandID,
            by: clerk
        )
    }

    /// The one recount after a close count.
    public func recount(count: CashCount, commandID: String) async throws -> DrawerCloseResult {
        try await store.recountDrawer(count: count, commandID: commandID, by: clerk)
    }

    /// A second employee verifies the close; what stays as the float is kept, the rest goes to the deposit.
    public func verifyClose(
        keep: CashCount?,
        note: String?,
        approval: ApprovalRequest?,
        commandID: String
    ) async throws -> DrawerReport {
        try await store.closeDrawer(keep: keep, note: note, approval: approval, commandID: commandID, by: clerk)
    }

    /// A manager's later correction of a drawer, as a new event.
    public func adjustDrawer(
        amount: Money,
        reason: String,
        corrects: Int64?,
        commandID: String
    ) async throws
        -> DrawerEvent
    {
        try await store.adjustDrawer(
            amount: amount,
            reason: reason,
            corrects: corrects,
            commandID: commandID,
            by: clerk
        )
    }
}
