import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Issue 13: a journal that cannot be quietly cut or rewritten with sqlite3 alone.
@Suite struct JournalAuditTests {
    /// Real sales, a refund, a void and drawer movements.
    static func day(_ f: StoreFixture) async throws {
        try await JournalTests.activity(f)
        _ = try await f.movement(.paidOut, "12.34", reason: "postage")
        _ = try await f.movement(.paidIn, "20.00", reason: "change from the bank")
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("124.00"))])
    }

    static func anchorLines(_ f: StoreFixture) throws -> [String] {
        try String(contentsOfFile: f.path + ".anchors", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func anUntamperedDayVerifiesAndEveryCommandIsAnchored() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let audit = try await f.store.auditJournal()
        #expect(audit.findings == [])
        #expect(audit.warnings == [])
        let lines = try Self.anchorLines(f)
        #expect(audit.anchorsChecked == lines.count)
        #expect(lines.last?.hasPrefix("\(audit.lastSequence) \(audit.head) ") == true)
        let mode = try FileManager.default.attributesOfItem(atPath: f.path + ".anchors")[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func aCrashBetweenCommitAndAnchorStillVerifies() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let lines = try Self.anchorLines(f)
        try (lines.dropLast().joined(separator: "\n") + "\n").write(
            toFile: f.path + ".anchors",
            atomically: false,
            encoding: .utf8
        )
        #expect(try await f.store.auditJournal().findings == [])
    }

    @Test func removingTheLastEntriesIsFound() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let before = try await f.store.auditJournal()
        let raw = try f.rawConnection()
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER journalNoDelete")
            try db.execute(sql: "DELETE FROM journal WHERE sequence > ?", arguments: [before.lastSequence - 5])
        }
        let audit = try await f.store.auditJournal()
        #expect(audit.verified == false)
        #expect(
            audit.findings.contains {
                $0.hasPrefix("the journal ends at entry \(before.lastSequence - 5) but entry \(before.lastSequence)")
                    && $0.hasSuffix("entries were removed")
            },
            "\(audit.findings)"
        )
        #expect(audit.findings.contains { $0.contains("trigger journalNoDelete is missing") })
        // The backup of such a database is never "verified".
        await #expect(throws: BackupVerificationError.self) {
            _ = try await f.store.backup(into: f.path + "-backups")
        }
    }

    @Test func aRehashedChainIsFound() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let entries = try await f.store.journalEntries(limit: 1000)
        let target = try #require(entries.last { $0.kind == "payment.received" && $0.payload.contains("124.00") })
        // The reviewer's attack: the payment's amount, its journal entry rewritten to match and the chain recomputed.
        let raw = try f.rawConnection()
        try await raw.write { db in
            for trigger in ["journalNoUpdate", "paymentNoUpdate"] { try db.execute(sql: "DROP TRIGGER \(trigger)") }
            for (index, entry) in entries.enumerated() where entry.sequence >= target.sequence {
                var forged = entry
                if entry.sequence == target.sequence {
                    forged.payload = entry.payload.replacingOccurrences(of: "124.00", with: "1.00")
                }
                if index > 0, entry.sequence > target.sequence {
                    forged.previousHash =
                        try String.fetchOne(
                            db,
                            sql: "SELECT hash FROM journal WHERE sequence = ?",
                            arguments: [entry.sequence - 1]
                        ) ?? ""
                }
                forged.hash = JournalChain.hash(
                    sequence: forged.sequence,
                    atMillis: forged.atMillis,
                    kind: forged.kind,
                    employee: forged.employee,
                    terminal: forged.terminal,
                    subject: forged.subject,
                    payload: forged.payload,
                    previousHash: forged.previousHash
                )
                try db.execute(
                    sql: "UPDATE journal SET payload = ?, previousHash = ?, hash = ? WHERE sequence = ?",
                    arguments: [forged.payload, forged.previousHash, forged.hash, forged.sequence]
                )
            }
            try db.execute(
                sql: "UPDATE payment SET amount = 100, tendered = 100 + change WHERE tendered = 12400"
            )
        }
        // The chain alone verifies again: only the anchors and the triggers tell.
        #expect(try await f.store.verifyJournal().problem == nil)
        let audit = try await f.store.auditJournal()
        #expect(
            audit.findings.contains {
                $0.hasPrefix("entry \(target.sequence)'s hash differs from the one recorded on")
                    || $0.contains("'s hash differs from the one recorded on")
            },
            "\(audit.findings)"
        )
        #expect(audit.findings.contains { $0.contains("trigger paymentNoUpdate is missing") })
    }

    @Test func anEditedPaymentRowIsNamedWithItsColumnAndBothValues() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let (payment, amount) = try #require(
            try await f.rawConnection().read { db in
                try Row.fetchOne(db, sql: "SELECT number, amount FROM payment WHERE tendered = 12400").map {
                    ($0["number"] as Int64, $0["amount"] as Int64)
                }
            }
        )
        let raw = try f.rawConnection()
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER paymentNoUpdate")
            try db.execute(
                sql: "UPDATE payment SET amount = amount - 1000, tendered = tendered - 1000 WHERE number = ?",
                arguments: [payment]
            )
        }
        #expect(try await f.store.verifyJournal().problem == nil)
        let audit = try await f.store.auditJournal()
        #expect(
            audit.findings.contains {
                $0.hasPrefix(
                    "payment \(payment), amount: the table says \(Money(minorUnits: amount - 1000)), journal entry "
                ) && $0.hasSuffix(" says \(Money(minorUnits: amount))")
            },
            "\(audit.findings)"
        )
        #expect(audit.findings.contains { $0.hasPrefix("trigger paymentNoUpdate is missing") })
        let status = try await f.store.databaseStatus()
        #expect(status.journalVerified == false)
        await #expect(throws: BackupVerificationError.self) {
            _ = try await f.store.backup(into: f.path + "-backups")
        }
    }

    @Test func anEditedDrawerEventAndAnUnjournaledPaymentAreFound() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let raw = try f.rawConnection()
        let (session, sequence) = try #require(
            try await raw.read { db in
                try Row.fetchOne(db, sql: "SELECT session, sequence FROM drawerEvent WHERE kind = 'paidOut'").map {
                    ($0["session"] as Int64, $0["sequence"] as Int64)
                }
            }
        )
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER drawerEventNoUpdate")
            try db.execute(
                sql: "UPDATE drawerEvent SET amount = -11234 WHERE session = ? AND sequence = ?",
                arguments: [session, sequence]
            )
            // A payment inserted behind the program's back: no journal entry states it.
            try db.execute(
                sql: """
                    INSERT INTO payment (invoiceNumber, clientId, kind, tender, amount, tendered, change, employeeId,
                        terminal, at, businessDate)
                    SELECT invoiceNumber, clientId, kind, tender, 500, 500, 0, employeeId, terminal, at, businessDate
                    FROM payment WHERE tender = 'account' AND kind = 'payment' LIMIT 1
                    """
            )
        }
        let audit = try await f.store.auditJournal()
        #expect(
            audit.findings.contains {
                $0.hasPrefix("drawerEvent session \(session) event \(sequence), amount: the table says -112.34")
                    && $0.hasSuffix("says -12.34")
            },
            "\(audit.findings)"
        )
        #expect(audit.findings.contains { $0.hasSuffix("(amount 5.00): no journal entry records it") })
        #expect(audit.findings.contains { $0.hasPrefix("trigger drawerEventNoUpdate is missing") })
    }

    @Test func theZReportCarriesTheJournalHead() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let entries = try await f.store.journalEntries(limit: 1000)
        let audit = try await f.store.auditJournal()
        #expect(entries.last?.hash == audit.head)
        let head = JournalHead(sequence: audit.lastSequence, hash: audit.head)
        #expect(head.text == "entry \(audit.lastSequence) · \(audit.head.prefix(4))…\(audit.head.suffix(2))")
    }

    @Test func aRestoreStartsAFreshAnchorFileAndKeepsTheOldAside() async throws {
        let f = try await StoreFixture.make()
        try await Self.day(f)
        let folder = f.path + "-backups"
        let record = try await f.store.backup(into: folder)
        let target = StoreFixture.temporaryPath("restored")
        _ = try Backups.restore(backup: folder + "/" + record.file, to: target, force: false, now: f.clock.now)
        let fresh = try String(contentsOfFile: target + ".anchors", encoding: .utf8)
        #expect(fresh.hasPrefix("\(record.lastJournalSequence) \(record.lastJournalHash) "))
        let restored = try Store(path: target, pinHasher: StoreFixture.hasher)
        #expect(try await restored.auditJournal(backupRecord: folder + "/" + record.file).findings == [])
        for suffix in ["", "-wal", "-shm", ".anchors"] { try? FileManager.default.removeItem(atPath: target + suffix) }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
