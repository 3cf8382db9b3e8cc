import Foundation
import GRDB
import POSCore
import POSReports

extension Store {
    /// Records a person's matching decision: a match (bookkeeper or manager), a write-off or a reversal (manager).
    ///
    /// The caller has checked that the items exist and what they add up to (matching sees the imported files; the
    /// store does not); the store refuses a decision about an item that another decision in force already settles,
    /// and a reversal of a reversal or of a decision reversed before. Journaled; idempotent per command id.
    public func recordReconciliation(
        _ decision: ReconciliationDecision,
        commandID: String,
        by clerk: Operator
    ) async throws -> ReconciliationDecision {
        try clerk.require(decision.action == .match ? .reconcile : .overrideReconciliation)
        try Identifier.validateText(decision.reason, field: "reason")
        guard Set(decision.items).count == decision.items.count else {
            throw POSError.invalid(field: "items", reason: "an item is named twice")
        }
        switch decision.action {
        case .match:
            guard !decision.left.isEmpty, !decision.right.isEmpty else {
                throw POSError.invalid(field: "items", reason: "a match needs items on both sides")
            }
        case .writeOff:
            guard !decision.left.isEmpty, decision.right.isEmpty else {
                throw POSError.invalid(field: "items", reason: "name the items to write off")
            }
        case .reversal:
            guard decision.items.isEmpty, decision.reverses != nil else {
                throw POSError.invalid(field: "reverses", reason: "name the decision to reverse")
            }
        }
        let at = now()
        var request = decision
        request.decidedBy = clerk.employee.id
        return try await once(id: commandID, kind: "reconciliation.\(decision.action.rawValue)", request: request) {
            db in
            if let target = decision.reverses {
                guard
                    let row = try Row.fetchOne(
                        cached: db,
                        sql: """
                            SELECT d.action, (SELECT number FROM reconciliationDecision r WHERE r.reverses = d.number) AS reversedBy
                            FROM reconciliationDecision d WHERE d.number = ?
                            """,
                        arguments: [target]
                    )
                else { throw POSError.notFound(what: "reconciliation decision", id: "\(target)") }
                guard (row["action"] as String) != "reversal" else {
                    throw POSError.conflict(
                        "decision \(target) is itself a reversal; record the decision again instead",
                        code: "decision.isReversal"
                    )
                }
                if let by = row["reversedBy"] as Int64? {
                    throw POSError.conflict(
                        "decision \(target) was already reversed by decision \(by)",
                        code: "decision.alreadyReversed"
                    )
                }
            }
            for item in decision.items {
                if let other = try Self.decisionInForce(about: item, db) {
                    throw POSError.conflict(
                        "\(item) is already settled by decision \(other); reverse that one first",
                        code: "decision.alreadySettled"
                    )
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try db.executeCached(
                sql: """
                    INSERT INTO reconciliationDecision
                        (action, leftItems, rightItems, amount, reason, reverses, decidedBy, decidedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    decision.action.rawValue,
                    String(decoding: try encoder.encode(decision.left.sorted()), as: UTF8.self),
                    String(decoding: try encoder.encode(decision.right.sorted()), as: UTF8.self),
                    decision.amount.minorUnits, decision.reason, decision.reverses, clerk.employee.id, at,
                ]
            )
            let number = db.lastInsertedRowID
            for item in decision.items {
                try db.executeCached(
                    sql: "INSERT INTO reconciliationItem (item, decision) VALUES (?, ?)",
                    arguments: [item.description, number]
                )
            }
            let recorded = try Self.reconciliationDecision(number, db)
            try self.journal(
                db,
                kind: "reconciliation.\(decision.action.rawValue)",
                by: clerk,
                subject: "decision \(number)",
                at: at,
                payload: recorded
            )
            return recorded
        }
    }

    /// Every matching decision, in the order made (reversals included; `inForce` drops what they undo).
    public func reconciliationDecisions() async throws -> [ReconciliationDecision] {
        try await read { db in
            try Int64.fetchAll(cached: db, sql: "SELECT number FROM reconciliationDecision ORDER BY number")
                .map { try Self.reconciliationDecision($0, db) }
        }
    }

    /// Closed card batches of every business day up to `through`, oldest first (matching carries leftovers forward).
    public func cardBatches(through day: BusinessDate, viewer: Operator) async throws -> [CardBatch] {
        try Self.requireReportReader(viewer, action: "see card batches")
        return try await read { db in
            try String.fetchAll(
                cached: db,
                sql: """
                    SELECT id FROM cardBatch WHERE businessDate <= ? AND status = 'closed'
                    ORDER BY businessDate, terminal, sequence
                    """,
                arguments: [day.text]
            ).map { try Self.cardBatchRecord($0, db) }
        }
    }

    /// Deposits made up on every business day up to `through`, oldest first.
    public func deposits(through day: BusinessDate, viewer: Operator) async throws -> [DepositSlip] {
        try Self.requireReportReader(viewer, action: "see deposits")
        return try await read { db in
            try String.fetchAll(
                cached: db,
                sql:
                    "SELECT id FROM deposit WHERE businessDate <= ? AND status = 'recorded' ORDER BY businessDate, sequence",
                arguments: [day.text]
            ).map { try Self.depositRecord($0, db) }
        }
    }

    // MARK: - Inside transactions

    static func decisionInForce(about item: MatchItem, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(
            cached: db,
            sql: """
                SELECT d.number FROM reconciliationItem i JOIN reconciliationDecision d ON d.number = i.decision
                WHERE i.item = ? AND NOT EXISTS (SELECT 1 FROM reconciliationDecision r WHERE r.reverses = d.number)
                """,
            arguments: [item.description]
        )
    }

    static func reconciliationDecision(_ number: Int64, _ db: Database) throws -> ReconciliationDecision {
        guard
            let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT * FROM reconciliationDecision WHERE number = ?",
                arguments: [number]
            )
        else { throw POSError.notFound(what: "reconciliation decision", id: "\(number)") }
        let decoder = JSONDecoder()
        return ReconciliationDecision(
            number: row["number"],
            // safe: the schema's CHECK constraint admits only these values
            action: ReconciliationDecision.Action(rawValue: row["action"])!,
            left: try decoder.decode([MatchItem].self, from: Data((row["leftItems"] as String).utf8)),
            right: try decoder.decode([MatchItem].self, from: Data((row["rightItems"] as String).utf8)),
            amount: Money(minorUnits: row["amount"]),
            reason: row["reason"],
            reverses: row["reverses"],
            decidedBy: row["decidedBy"],
            decidedAt: row["decidedAt"]
        )
    }
}
