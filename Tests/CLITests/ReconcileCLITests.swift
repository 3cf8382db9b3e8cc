import Foundation
import Testing

/// `vetpos reconcile`: leftovers carried forward with their age, written off by a manager with a reason, reversed,
/// and every refusal leaves the database as it was.
@Suite struct ReconcileCLITests {
    struct ReconcileJSON: Decodable {
        struct Finding: Decodable {
            var kind: String
            var item: String?
            var since: String?
            var amount: String?
        }
        struct Decision: Decodable {
            var number: Int64
            var left: [String]
            var amount: String
            var reason: String
            var decidedBy: String
        }
        var findings: [Finding]
        var writtenOff: [Decision]
    }

    static func reconcile(_ sandbox: Sandbox, to day: String = "2025-03-18") async throws -> ReconcileJSON {
        let output = try await sandbox.ok(
            ["report", "reconcile", "--db", sandbox.db, "--from", "2025-03-14", "--to", day, "--format", "json"],
            as: Clinic.bookkeeper
        ).stdout
        return try JSONDecoder().decode(ReconcileJSON.self, from: Data(output.utf8))
    }

    @Test func aLeftoverIsCarriedForwardUntilAManagerWritesItOffAndAReversalReopensIt() async throws {
        let sandbox = try await SeededTemplate.copy("reconcile")
        defer { sandbox.remove() }
        try sandbox.write("bank.bai2", try ImportInput.bai2.text())
        try await sandbox.ok(["import", "bank", "--db", sandbox.db, "bank.bai2"], as: Clinic.bookkeeper)

        // Three bank credits and nothing of VetPOS's to match them with: each is listed with the day it waits from.
        let open = try await Self.reconcile(sandbox)
        let credits = open.findings.filter { $0.kind == "unmatched" }
        #expect(credits.count == 3, "\(open.findings)")
        let settlement = try #require(credits.first { $0.amount == "1203.77" })
        let item = try #require(settlement.item)
        #expect(item.hasPrefix("bank:000111222:") && settlement.since == "2025-03-17")
        let text = try await sandbox.ok(
            ["report", "reconcile", "--db", sandbox.db, "--from", "2025-03-14", "--to", "2025-03-19"],
            as: Clinic.bookkeeper
        ).stdout
        #expect(text.contains("$1,203.77 — bank credit 'CARD PROCESSOR SETTLEMENT"), "\(text)")
        #expect(text.contains("[open 2 days]"), "\(text)")

        // Refusals: a malformed item, an unknown one, a match that does not add up, a bookkeeper's write-off.
        let writeOff = ["reconcile", "write-off", "--db", sandbox.db, item, "--reason", "owner's transfer, not sales"]
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["reconcile", "write-off", "--db", sandbox.db, "cheque:1042", "--reason", "x"],
            as: Clinic.manager,
            status: 2,
            mentions: ["'cheque:1042' is not KIND:ID"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["reconcile", "write-off", "--db", sandbox.db, "bank:000111222:nope", "--reason", "x"],
            as: Clinic.manager,
            status: 2,
            mentions: ["bank", "000111222:nope"]
        )
        let others = credits.compactMap(\.item).filter { $0 != item }
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["reconcile", "match", "--db", sandbox.db, "--left", "payout:po_x", "--right", others[0], "--reason", "x"],
            as: Clinic.bookkeeper,
            status: 2,
            mentions: ["payout", "po_x"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            writeOff,
            as: Clinic.bookkeeper,
            status: 3,
            mentions: ["employee BOOK", "not permitted to write off unmatched items"]
        )

        // The manager writes it off: it leaves the leftovers and is listed, with who and why.
        let written = try await sandbox.ok(writeOff + ["--id", "write-off-0001"], as: Clinic.manager).stdout
        #expect(written == "decision 1: write-off \(item) $1,203.77 by MGR — owner's transfer, not sales\n")
        let replay = try await sandbox.ok(writeOff + ["--id", "write-off-0001"], as: Clinic.manager).stdout
        #expect(replay == written)
        let after = try await Self.reconcile(sandbox)
        #expect(!after.findings.contains { $0.item == item })
        #expect(after.writtenOff.map(\.left) == [[item]] && after.writtenOff[0].decidedBy == "MGR")
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            writeOff,
            as: Clinic.manager,
            status: 4,
            mentions: ["\(item) is already settled by decision 1"]
        )

        // Reversed, it is open again; a second reversal is refused.
        let reverse = ["reconcile", "reverse", "--db", sandbox.db, "1", "--reason", "it was a card settlement"]
        #expect(
            try await sandbox.ok(reverse, as: Clinic.manager).stdout.hasPrefix("decision 2: reversal of decision 1")
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            reverse,
            as: Clinic.manager,
            status: 4,
            mentions: ["decision 1 was already reversed by decision 2"]
        )
        #expect(try await Self.reconcile(sandbox).findings.contains { $0.item == item })
        let decisions = try await sandbox.ok(["reconcile", "decisions", "--db", sandbox.db], as: Clinic.bookkeeper)
        #expect(decisions.stdout.split(separator: "\n").count == 2)
        try await sandbox.ok(["journal", "verify", "--db", sandbox.db])
    }
}
