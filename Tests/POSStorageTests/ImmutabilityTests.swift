import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

@Suite struct ImmutabilityTests {
    /// A day with a posted invoice (discount, coupon, payments), a refund and a voided invoice, so every
    /// append-only table has rows.
    static func busyFixture() async throws -> (StoreFixture, InvoiceView) {
        let f = try await StoreFixture.make()
        let posted = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM"), f.line("MIA", "FOOD", by: "TECH")],
            discounts: [
                DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(5))),
                DiscountRequest(discountClass: .coupon, couponCode: "ONCE5"),
            ],
            payments: [f.card(.credit, .dollars("50.00")), f.cash(.dollars("200.00"))]
        )
        let cash = try #require(posted.payments.first { $0.tender == .cash })
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: cash.number, amount: .dollars("5.00"), reason: "Price match"),
            by: f.csr
        )
        let wrong = try await f.checkout(
            "CREDIT",
            [f.line("TOM", "EXAM")],
            payments: [f.card(.debit, .dollars("62.00"))]
        )
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: wrong.number, reason: "Wrong client"), by: f.mgr)
        return (f, posted)
    }

    @Test func theDatabaseRefusesRawChangesToPostedRecords() async throws {
        let (f, posted) = try await Self.busyFixture()
        let n = posted.number
        let statements: [(sql: String, refusal: String)] = [
            ("UPDATE invoice SET total = total + 100", "posted invoices are immutable"),
            ("UPDATE invoice SET status = 'open' WHERE number = \(n)", "posted invoices are immutable"),
            ("DELETE FROM invoice", "posted invoices are immutable"),
            ("UPDATE invoiceLine SET unitPrice = 1, extended = 1", "posted invoices are immutable"),
            ("DELETE FROM invoiceLine WHERE invoiceNumber = \(n) AND lineNumber = 2", "posted invoices are immutable"),
            (
                """
                INSERT INTO invoiceLine (invoiceNumber, lineNumber, patientId, itemCode, description, kind, taxCategory,
                    quantity, unitPrice, extended, discount, taxRatePPM, tax, providerId)
                VALUES (\(n), 9, 'REX', 'TOY', 'Rope toy', 'product', 'CITY', 1000, 749, 749, 0, 98750, 74, 'VET')
                """,
                "posted invoices are immutable"
            ),
            // Nothing may be added to a posted invoice's discounts either: they would no longer match its lines.
            (
                """
                INSERT INTO invoiceDiscount (invoiceNumber, sequence, class, method, target, couponCode, base, amount,
                    appliedBy, approvedBy, reason)
                VALUES (\(n), 9, 'employee', '50%', 'invoice (all)', NULL, 6200, 3100, 'CSR', NULL, NULL)
                """,
                "posted invoices are immutable"
            ),
            (
                "INSERT INTO discountAllocation (invoiceNumber, discountSequence, lineNumber, amount) VALUES (\(n), 1, 2, 100)",
                "posted invoices are immutable"
            ),
            (
                "INSERT INTO couponRedemption (couponCode, invoiceNumber, singleUse) VALUES ('TENOFF', \(n), 0)",
                "posted invoices are immutable"
            ),
            ("UPDATE payment SET amount = amount * 2 WHERE kind = 'payment'", "payment rows are append-only"),
            ("UPDATE payment SET cardLast4 = '0000' WHERE tender = 'credit'", "payment rows are append-only"),
            ("DELETE FROM payment", "payment rows are append-only"),
            ("DELETE FROM payment WHERE kind = 'refund'", "payment rows are append-only"),
            ("UPDATE journal SET payload = '{}' WHERE sequence = 3", "journal rows are append-only"),
            ("DELETE FROM journal", "journal rows are append-only"),
            (
                "DELETE FROM journal WHERE sequence = (SELECT MAX(sequence) FROM journal)",
                "journal rows are append-only"
            ),
            ("UPDATE invoiceDiscount SET amount = 1", "invoiceDiscount rows are append-only"),
            ("DELETE FROM invoiceDiscount", "invoiceDiscount rows are append-only"),
            ("UPDATE discountAllocation SET amount = 1", "discountAllocation rows are append-only"),
            ("DELETE FROM couponRedemption", "couponRedemption rows are append-only"),
            ("UPDATE invoiceVoid SET reason = 'typo'", "invoiceVoid rows are append-only"),
            ("DELETE FROM invoiceVoid", "invoiceVoid rows are append-only"),
            ("UPDATE command SET result = '{}'", "command rows are append-only"),
            ("DELETE FROM command", "command rows are append-only"),
        ]
        let raw = try f.rawConnection()
        let before = try await f.snapshot()
        let viewBefore = try await f.store.invoice(n)
        #expect(viewBefore.credits == .dollars("5.00"))
        #expect(!before.rows("invoiceVoid").isEmpty && !before.rows("couponRedemption").isEmpty)
        #expect(before.rows("payment").count == 5)  // 2 payments, a refund, a debit and its reversal
        for statement in statements {
            let error = await #expect(throws: DatabaseError.self, "\(statement.sql)") {
                try await raw.write { db in try db.execute(sql: statement.sql) }
            }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT, "\(statement.sql)")
            #expect(
                error?.message?.contains(statement.refusal) == true,
                "\(statement.sql): \(String(describing: error?.message))"
            )
            // The Store's own classifier recognises it as the database's refusal.
            #expect(error.flatMap { StoreErrors.refusal($0) }?.contains(statement.refusal) == true)
            try await f.expectUnchanged(since: before, statement.sql)
        }
        #expect(try await f.store.invoice(n) == viewBefore)
        #expect(try await f.store.verifyJournal().problem == nil)
    }
}

extension ImmutabilityTests {
    /// A database created before the posted-discount guards existed gets them when the store next opens it.
    @Test func anOlderDatabaseGainsThePostedDiscountGuardsOnOpening() async throws {
        let (f, posted) = try await Self.busyFixture()
        let raw = try f.rawConnection()
        try await raw.write { db in
            for table in ["invoiceDiscount", "discountAllocation", "couponRedemption"] {
                try db.execute(sql: "DROP TRIGGER \(table)PostedNoInsert")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v2:%'")
        }
        let reopened = try Store(path: f.path, pinHasher: StoreFixture.hasher, clock: { f.clock.now })
        #expect(try await reopened.invoice(posted.number) == (try await f.store.invoice(posted.number)))
        let triggers = try await raw.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%PostedNoInsert' ORDER BY name"
            )
        }
        #expect(
            triggers == [
                "couponRedemptionPostedNoInsert", "discountAllocationPostedNoInsert", "invoiceDiscountPostedNoInsert",
                "invoiceLinePostedNoInsert",
            ]
        )
        let error = await #expect(throws: DatabaseError.self) {
            try await raw.write { db in
                try db.execute(
                    sql: "INSERT INTO couponRedemption (couponCode, invoiceNumber, singleUse) VALUES ('TENOFF', ?, 0)",
                    arguments: [posted.number]
                )
            }
        }
        #expect(error?.message == "posted invoices are immutable")
        // The store itself still posts discounts and coupons (they are stored before the invoice is posted).
        let view = try await reopened.checkout(
            CheckoutRequest(
                id: f.id(),
                client: "OWNER",
                lines: [f.line("REX", "EXAM")],
                discounts: [DiscountRequest(discountClass: .coupon, couponCode: "TENOFF")]
            ),
            by: f.csr
        )
        #expect(view.discountTotal == .dollars("6.20"))
    }
}

@Suite struct JournalTests {
    static func activity(_ f: StoreFixture) async throws {
        let first = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("100.00"))])
        let second = try await f.checkout(
            "CREDIT",
            [f.line("TOM", "RABIES", by: "TECH")],
            payments: [f.account(.dollars("24.99"))]
        )
        let third = try await f.checkout(
            "OWNER",
            [f.line("MIA", "DENTAL")],
            payments: [f.card(.credit, .dollars("100.00"))]
        )
        _ = try await f.store.pay(
            PaymentRequest(id: f.id(), invoice: third.number, payments: [f.check(.dollars("289.00"))]),
            by: f.csr
        )
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: first.payments[0].number, amount: .dollars("10.00"), reason: "Goodwill"),
            by: f.csr
        )
        _ = try await f.store.void(VoidRequest(id: f.id(), invoice: second.number, reason: "Duplicate"), by: f.mgr)
    }

    @Test func journalVerifiesAfterActivity() async throws {
        let f = try await StoreFixture.make()
        try await Self.activity(f)
        let verifier = try await f.store.verifyJournal()
        #expect(verifier.problem == nil)
        let entries = try await f.store.journalEntries(limit: 1000)
        #expect(verifier.count == Int64(entries.count))
        #expect(entries.map(\.sequence) == Array(1...Int64(entries.count)))
        #expect(entries.first?.previousHash == JournalChain.genesis)
        #expect(verifier.lastHash == entries.last?.hash)
        let kinds = entries.map(\.kind)
        for kind in [
            "clinic.setup", "employee.added", "catalog.item", "client.saved", "coupon.added", "invoice.posted",
            "payment.received", "payment.refunded", "payment.reversed", "invoice.voided",
        ] {
            #expect(kinds.contains(kind), "no \(kind) entry")
        }
    }

    @Test func anAlteredPayloadIsDetectedAtItsEntry() async throws {
        let f = try await StoreFixture.make()
        try await Self.activity(f)
        let entries = try await f.store.journalEntries(limit: 1000)
        let target = try #require(entries.first { $0.kind == "payment.received" })
        let raw = try f.rawConnection()
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER journalNoUpdate")
            try db.execute(
                sql: "UPDATE journal SET payload = replace(payload, '100.00', '10.00') WHERE sequence = ?",
                arguments: [target.sequence]
            )
        }
        let altered = try #require(try await f.store.journalEntries(limit: 1, after: target.sequence - 1).first)
        #expect(altered.payload != target.payload)
        let problem = try #require(try await f.store.verifyJournal().problem)
        #expect(problem.hasPrefix("entry \(target.sequence):"), "\(problem)")
        #expect(problem.contains("altered"))
    }

    @Test func anEntryRewrittenWithItsOwnHashIsDetectedAtTheNextEntry() async throws {
        let f = try await StoreFixture.make()
        try await Self.activity(f)
        let entries = try await f.store.journalEntries(limit: 1000)
        let target = try #require(entries.first { $0.kind == "payment.refunded" })
        var forged = target
        forged.payload = target.payload.replacingOccurrences(of: "-10.00", with: "-1.00")
        #expect(forged.payload != target.payload)
        forged.hash = JournalChain.seal(forged)
        let raw = try f.rawConnection()
        let rewritten = forged
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER journalNoUpdate")
            try db.execute(
                sql: "UPDATE journal SET payload = ?, hash = ? WHERE sequence = ?",
                arguments: [rewritten.payload, rewritten.hash, rewritten.sequence]
            )
        }
        let problem = try #require(try await f.store.verifyJournal().problem)
        #expect(problem.hasPrefix("entry \(target.sequence + 1):"), "\(problem)")
        #expect(problem.contains("previous hash"))
    }

    @Test func aDeletedMiddleEntryIsDetected() async throws {
        let f = try await StoreFixture.make()
        try await Self.activity(f)
        let entries = try await f.store.journalEntries(limit: 1000)
        let middle = entries[entries.count / 2]
        let raw = try f.rawConnection()
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER journalNoDelete")
            try db.execute(sql: "DELETE FROM journal WHERE sequence = ?", arguments: [middle.sequence])
        }
        #expect(try await f.count("journal") == entries.count - 1)
        let problem = try #require(try await f.store.verifyJournal().problem)
        #expect(problem.hasPrefix("entry \(middle.sequence + 1):"), "\(problem)")
        #expect(problem.contains("missing"))
    }
}
