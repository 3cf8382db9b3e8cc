import GRDB
import POSCore
import POSStorage
import Testing

/// Matching decisions in the store: who may make which, one decision in force per item, reversals once, for good.
@Suite struct ReconciliationStoreTests {
    static func match(
        _ left: String,
        _ right: String,
        reason: String = "bank shows both payouts"
    ) throws
        -> ReconciliationDecision
    {
        ReconciliationDecision(
            action: .match,
            left: [try MatchItem(parsing: left)],
            right: [try MatchItem(parsing: right)],
            reason: reason
        )
    }

    @Test func aBookkeeperMatchesAndOnlyAManagerWritesOffOrReverses() async throws {
        let f = try await StoreFixture.make()
        let csrRefusal = try await f.refusal {
            _ = try await f.store.recordReconciliation(
                try Self.match("payout:po_1", "bank:A:1"),
                commandID: f.id(),
                by: f.csr
            )
        }
        #expect(csrRefusal == .notPermitted(employee: "CSR", role: .csr, action: Permission.reconcile.rawValue))

        let matched = try await f.store.recordReconciliation(
            try Self.match("payout:po_1", "bank:A:1"),
            commandID: f.id(),
            by: f.book
        )
        #expect(matched.number == 1 && matched.decidedBy == "BOOK" && matched.action == .match)

        let writeOff = ReconciliationDecision(
            action: .writeOff,
            left: [MatchItem(.bank, "A:2")],
            amount: .cents(-12_00),
            reason: "bank service fee, booked by hand"
        )
        let bookRefusal = try await f.refusal {
            _ = try await f.store.recordReconciliation(writeOff, commandID: f.id(), by: f.book)
        }
        #expect(
            bookRefusal
                == .notPermitted(
                    employee: "BOOK",
                    role: .bookkeeper,
                    action: Permission.overrideReconciliation.rawValue
                )
        )
        let written = try await f.store.recordReconciliation(writeOff, commandID: f.id(), by: f.mgr)
        #expect(written.number == 2 && written.amount == .cents(-12_00))

        let reversal = ReconciliationDecision(action: .reversal, reason: "wrong credit", reverses: 1)
        let reversed = try await f.store.recordReconciliation(reversal, commandID: f.id(), by: f.mgr)
        #expect(try await f.store.reconciliationDecisions().inForce == [written])
        #expect(reversed.reverses == 1)

        // Everything is journaled, and the chain holds.
        let kinds = try await f.store.journalEntries(limit: 1000).map(\.kind)
        #expect(
            kinds.filter { $0.hasPrefix("reconciliation.") }
                == ["reconciliation.match", "reconciliation.writeOff", "reconciliation.reversal"]
        )
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    @Test func anItemIsSettledByOneDecisionAtATime() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.store.recordReconciliation(
            try Self.match("payout:po_1", "bank:A:1"),
            commandID: f.id(),
            by: f.book
        )
        let before = try await f.snapshot()
        let twice = try await f.refusal {
            _ = try await f.store.recordReconciliation(
                try Self.match("payout:po_2", "bank:A:1"),
                commandID: f.id(),
                by: f.book
            )
        }
        expectConflict(twice, "bank:A:1 is already settled by decision 1")
        let reverseMissing = try await f.refusal {
            _ = try await f.store.recordReconciliation(
                ReconciliationDecision(action: .reversal, reason: "typo", reverses: 9),
                commandID: f.id(),
                by: f.mgr
            )
        }
        #expect(reverseMissing == .notFound(what: "reconciliation decision", id: "9"))
        let noReason = try await f.refusal {
            _ = try await f.store.recordReconciliation(
                try Self.match("payout:po_3", "bank:A:3", reason: " "),
                commandID: f.id(),
                by: f.book
            )
        }
        if case .invalid(let field, _, _) = noReason { #expect(field == "reason") } else { Issue.record("\(noReason)") }
        let oneSided = try await f.refusal {
            _ = try await f.store.recordReconciliation(
                ReconciliationDecision(action: .match, left: [MatchItem(.payout, "po_3")], reason: "half"),
                commandID: f.id(),
                by: f.book
            )
        }
        if case .invalid(let field, _, _) = oneSided { #expect(field == "items") } else { Issue.record("\(oneSided)") }
        try await f.expectUnchanged(since: before, "a refused decision changed the database")

        // Reversed once, the item is free again; a second reversal of the same decision is refused.
        let reversal = ReconciliationDecision(action: .reversal, reason: "matched the wrong payout", reverses: 1)
        _ = try await f.store.recordReconciliation(reversal, commandID: f.id(), by: f.mgr)
        let again = try await f.refusal {
            _ = try await f.store.recordReconciliation(reversal, commandID: f.id(), by: f.mgr)
        }
        expectConflict(again, "decision 1 was already reversed by decision 2")
        let rematched = try await f.store.recordReconciliation(
            try Self.match("payout:po_2", "bank:A:1"),
            commandID: f.id(),
            by: f.book
        )
        #expect(rematched.number == 3)
    }

    @Test func aReplayedDecisionIsTheSameDecision() async throws {
        let f = try await StoreFixture.make()
        let id = f.id("match")
        let first = try await f.store.recordReconciliation(
            try Self.match("slip:D-1", "bank:A:9"),
            commandID: id,
            by: f.book
        )
        let before = try await f.snapshot()
        #expect(
            try await f.store.recordReconciliation(try Self.match("slip:D-1", "bank:A:9"), commandID: id, by: f.book)
                == first
        )
        try await f.expectUnchanged(since: before, "a replayed decision changed the database")
        let different = try await f.refusal {
            _ = try await f.store.recordReconciliation(
                try Self.match("slip:D-2", "bank:A:9"),
                commandID: id,
                by: f.book
            )
        }
        expectConflict(different, "already used for a different request")
    }

    @Test func theDatabaseRefusesToEditOrDeleteADecision() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.store.recordReconciliation(
            try Self.match("payout:po_1", "bank:A:1"),
            commandID: f.id(),
            by: f.book
        )
        let raw = try f.rawConnection()
        for sql in [
            "UPDATE reconciliationDecision SET reason = 'other'",
            "DELETE FROM reconciliationDecision",
            "DELETE FROM reconciliationItem",
            "UPDATE reconciliationItem SET item = 'bank:A:2'",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try raw.write { try $0.execute(sql: sql) } }
        }
        #expect(try await f.store.reconciliationDecisions().count == 1)
    }
}
