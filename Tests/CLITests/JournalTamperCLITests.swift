import Foundation
import GRDB
import Testing

/// Issue 13 through the real binary: what sqlite3 alone could do to a database, and `vetpos journal verify` finding it.
@Suite struct JournalTamperCLITests {
    static func sale(_ sandbox: Sandbox, id: String, amount: String) async throws {
        try sandbox.write(
            "\(id).json",
            #"{"id": "\#(id)", "client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}], "payments": [{"tender": "cash", "amount": "\#(amount)"}]}"#
        )
        try await sandbox.ok(["checkout", "--db", sandbox.db, "\(id).json"], as: Clinic.csr)
    }

    static func raw(_ sandbox: Sandbox, _ body: @escaping @Sendable (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: sandbox.db)
        try queue.writeWithoutTransaction { db in try body(db) }
        try queue.close()
    }

    @Test func anEditedPaymentBehindADroppedTriggerFailsAndIsNeverBackedUp() async throws {
        let sandbox = try await SeededTemplate.copy("tamper-payment")
        defer { sandbox.remove() }
        try await Self.sale(sandbox, id: "tamper-sale-1", amount: "200.00")
        try await Self.sale(sandbox, id: "tamper-sale-2", amount: "62.00")
        try await sandbox.ok(["journal", "verify", "--db", sandbox.db])
        try Self.raw(sandbox) { db in
            try db.execute(sql: "DROP TRIGGER paymentNoUpdate")
            try db.execute(
                sql: "UPDATE payment SET tendered = tendered - 1000, amount = amount - 1000 WHERE tendered = 20000"
            )
        }
        let verify = try await sandbox.run(["journal", "verify", "--db", sandbox.db])
        #expect(verify.status == 5, "\(verify)")
        #expect(
            verify.stderrLines.contains {
                $0.contains("payment ") && $0.contains(", amount: the table says ") && $0.contains(" journal entry ")
            },
            "\(verify)"
        )
        #expect(verify.stderr.contains("trigger paymentNoUpdate is missing"), "\(verify)")
        #expect(verify.stderrLines.allSatisfy { $0.hasPrefix("vetpos: journal does NOT verify: ") }, "\(verify)")
        let backup = try await sandbox.run(["backup", "--db", sandbox.db, sandbox.path("copy.sqlite")])
        #expect(backup.status == 5, "\(backup)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("copy.sqlite")))
    }

    @Test func cutEntriesFailAndALostLastAnchorStillVerifies() async throws {
        let sandbox = try await SeededTemplate.copy("tamper-cut")
        defer { sandbox.remove() }
        for index in 1...3 { try await Self.sale(sandbox, id: "tamper-cut-\(index)", amount: "62.00") }
        // A crash between a commit and its anchor: the file is one head behind, and that verifies.
        let anchors = sandbox.db + ".anchors"
        let lines = try String(contentsOfFile: anchors, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: anchors, atomically: false, encoding: .utf8)
        try await sandbox.ok(["journal", "verify", "--db", sandbox.db])
        try Self.raw(sandbox) { db in
            try db.execute(sql: "DROP TRIGGER journalNoDelete")
            try db.execute(sql: "DELETE FROM journal WHERE sequence > (SELECT MAX(sequence) - 5 FROM journal)")
        }
        let verify = try await sandbox.run(["journal", "verify", "--db", sandbox.db])
        #expect(verify.status == 5, "\(verify)")
        #expect(verify.stderr.contains("entries were removed"), "\(verify)")
        #expect(verify.stderr.contains("the journal ends at entry "), "\(verify)")
    }
}
