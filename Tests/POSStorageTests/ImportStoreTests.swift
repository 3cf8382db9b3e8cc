import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Settlement and bank lines as the import commands hand them to the store (the readers are tested in
/// POSReportsTests; these tests check what the store does with what it is given, and that it trusts none of it).
enum ImportLines {
    static let payout = "po_1Mvet0000000000B0314"

    static func settlement(
        _ id: String,
        _ type: SettlementLineType = .charge,
        gross: String,
        fee: String = "0.00",
        net: String? = nil,
        payout: String? = ImportLines.payout,
        date: String = "2025-03-14",
        currency: String = "USD",
        last4: String? = nil,
        line: Int
    ) -> SettlementLine {
        let grossMoney = Money.dollars(gross)
        let feeMoney = Money.dollars(fee)
        return SettlementLine(
            processor: "stripe",
            id: id,
            payoutID: payout,
            date: BusinessDate(date)!,
            payoutDate: BusinessDate("2025-03-17"),
            type: type,
            category: type.rawValue,
            gross: grossMoney,
            fee: feeMoney,
            net: net.map(Money.dollars) ?? grossMoney - feeMoney,
            currency: currency,
            cardBrand: .visa,
            cardLast4: last4,
            description: "entry \(id)",
            line: line
        )
    }

    /// The worked example's card batch as Stripe entries: gross 1,240.00, fees 36.23, net 1,203.77.
    static let batch = [
        settlement("txn_1", gross: "450.00", fee: "13.35", line: 2),
        settlement("txn_2", gross: "310.00", fee: "9.29", line: 3),
        settlement("txn_3", gross: "525.00", fee: "13.59", line: 4),
        settlement("txn_4", .refund, gross: "-45.00", line: 5),
        settlement("txn_5", .payout, gross: "-1203.77", payout: payout, date: "2025-03-17", line: 6),
    ]

    static func bank(
        _ id: String,
        _ amount: String,
        date: String = "2025-03-14",
        account: String = "000111222",
        line: Int
    ) -> BankLine {
        let money = Money.dollars(amount)
        return BankLine(
            account: account,
            id: id,
            date: BusinessDate(date)!,
            amount: money,
            currency: "USD",
            type: money.isNegative ? "DEBIT" : "CREDIT",
            description: "bank line \(id)",
            line: line
        )
    }

    static let statement = [
        bank("MVC-CHK-20250314-CASH", "420.00", line: 43),
        bank("MVC-CHK-20250314-CHK-1042", "185.50", line: 51),
        bank("MVC-CHK-20250317-BATCH-B0314", "1203.77", date: "2025-03-17", line: 60),
    ]

    /// A file as the CLI describes it: its name, the SHA-256 of its content, its format.
    static func source(_ name: String, content: String? = nil, format: String = "stripe") -> Store.ImportSource {
        Store.ImportSource(name: name, digest: SHA256.hexDigest(content ?? name), format: format)
    }
}

@Suite struct ImportStoreTests {
    @Test func aSettlementFileIsStoredWholeAndJournaledOnce() async throws {
        let f = try await StoreFixture.make()
        let journalBefore = try await f.count("journal")
        let result = try await f.store.importSettlement(
            ImportLines.batch,
            from: ImportLines.source("stripe.csv"),
            commandID: f.id("import"),
            by: f.book
        )
        #expect(result.lines == 5 && result.added == 5 && result.alreadyImported == 0)
        #expect(!result.fileAlreadyImported && result.kind == "settlement" && result.importedBy == "BOOK")
        let stored = try await f.store.settlementLines(processor: "stripe", payoutID: ImportLines.payout)
        #expect(stored.sorted { $0.id < $1.id } == ImportLines.batch)
        let entries = stored.filter { $0.type != .payout }
        #expect(entries.map(\.net).sum() == .dollars("1203.77"))
        #expect(entries.map(\.fee).sum() == .dollars("36.23"))
        #expect(try await f.store.settlementLines(from: BusinessDate("2025-03-15")).map(\.id) == ["txn_5"])
        #expect(try await f.store.importedFiles() == [result])
        #expect(try await f.count("journal") == journalBefore + 1)
        let entry = try #require(try await f.store.journalEntries(limit: 1000).last)
        #expect(entry.kind == "import.settlement" && entry.employee == "BOOK")
        #expect(entry.payload.contains("\"added\":5") && entry.payload.contains("stripe.csv"))
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    @Test func theSameFileAgainAddsNothingAndSaysSo() async throws {
        let f = try await StoreFixture.make()
        let source = ImportLines.source("stripe.csv")
        let commandID = f.id("import")
        let first = try await f.store.importSettlement(
            ImportLines.batch,
            from: source,
            commandID: commandID,
            by: f.book
        )
        let before = try await f.snapshot()
        // Under a new command id (another person, another day): said so, and nothing written, not even the command.
        let again = try await f.store.importSettlement(ImportLines.batch, from: source, commandID: f.id(), by: f.mgr)
        #expect(again.fileAlreadyImported)
        #expect(again.added == first.added && again.importedBy == "BOOK" && again.importedAt == first.importedAt)
        try await f.expectUnchanged(since: before, "re-importing the same file changed the database")
        // The same command sent again: its first answer.
        #expect(
            try await f.store.importSettlement(ImportLines.batch, from: source, commandID: commandID, by: f.book)
                == first
        )
        try await f.expectUnchanged(since: before, "a replayed import changed the database")
        #expect(try await f.count("settlementLine") == 5)
    }

    @Test func linesAlreadyImportedFromAnotherFileAreNotStoredTwice() async throws {
        let f = try await StoreFixture.make()
        let monday = Array(ImportLines.batch.prefix(3))
        _ = try await f.store.importSettlement(
            monday,
            from: ImportLines.source("monday.csv"),
            commandID: f.id(),
            by: f.book
        )
        // Tuesday's download overlaps Monday's: txn_2 and txn_3 again (on other lines of another file), then new ones.
        let tuesday = ImportLines.batch.dropFirst().enumerated().map { offset, line in
            var moved = line
            moved.line = 10 + offset
            return moved
        }
        let result = try await f.store.importSettlement(
            tuesday,
            from: ImportLines.source("tuesday.csv"),
            commandID: f.id(),
            by: f.book
        )
        #expect(result.lines == 4 && result.added == 2 && result.alreadyImported == 2)
        let stored = try await f.store.settlementLines()
        #expect(stored.count == 5)
        // Each line keeps the file and line it first came from.
        #expect(stored.first { $0.id == "txn_2" }?.line == 3)
        #expect(try await f.store.importedFiles().map(\.added) == [3, 2])
    }

    @Test func aLineThatDiffersFromTheSameLineInAnotherFileRefusesTheWholeFile() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.store.importSettlement(
            Array(ImportLines.batch.prefix(2)),
            from: ImportLines.source("monday.csv"),
            commandID: f.id(),
            by: f.book
        )
        // Everything new but the last line, which says txn_2 was 311.00: nothing of the file is stored.
        var lines = Array(ImportLines.batch.suffix(3))
        lines.append(ImportLines.settlement("txn_2", gross: "311.00", fee: "9.29", line: 9))
        let error = try await f.refusal {
            _ = try await f.store.importSettlement(
                lines,
                from: ImportLines.source("tuesday.csv"),
                commandID: f.id(),
                by: f.book
            )
        }
        expectConflict(
            error,
            "tuesday.csv line 9",
            "stripe entry txn_2 was imported from monday.csv line 3",
            "gross 310.00",
            "this file says charge gross 311.00"
        )
    }

    static let malformedSettlements: [(String, SettlementLine, String, String)] = [
        (
            "a duplicate id",
            ImportLines.settlement("txn_1", gross: "1.00", line: 7), "file.csv line 7, id",
            "'txn_1' is already on line 2"
        ),
        (
            "net that is not gross − fee",
            ImportLines.settlement("txn_9", gross: "10.00", fee: "0.30", net: "9.80", line: 7), "file.csv line 7, net",
            "gross 10.00 − fee 0.30 = 9.70, but net is 9.80"
        ),
        (
            "a negative charge",
            ImportLines.settlement("txn_9", gross: "-10.00", line: 7), "file.csv line 7, gross",
            "a charge must be positive"
        ),
        (
            "a positive refund",
            ImportLines.settlement("txn_9", .refund, gross: "10.00", line: 7), "file.csv line 7, gross",
            "a refund must be negative"
        ),
        (
            "a lower-case currency",
            ImportLines.settlement("txn_9", gross: "10.00", currency: "usd", line: 7), "file.csv line 7, currency",
            "'usd' is not an ISO 4217 code"
        ),
        (
            "a full card number",
            ImportLines.settlement("txn_9", gross: "10.00", last4: "4242424242424242", line: 7),
            "file.csv line 7, card last 4", "is not 4 digits"
        ),
        (
            "an empty id",
            ImportLines.settlement("", gross: "10.00", line: 7), "file.csv line 7, id", "is not an id"
        ),
    ]

    @Test(arguments: 0..<malformedSettlements.count)
    func malformedSettlementLinesAreRefusedWithTheirLine(index: Int) async throws {
        let (name, line, field, reason) = Self.malformedSettlements[index]
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.store.importSettlement(
                ImportLines.batch + [line],
                from: ImportLines.source("file.csv"),
                commandID: f.id(),
                by: f.book
            )
        }
        expectInvalid(error, field: field, reason: reason)
        #expect(error.description.contains(field), "\(name): \(error)")
    }

    @Test("a card number in a bank line's text is kept masked to its last 4 digits")
    func cardNumbersInImportedTextAreMasked() async throws {
        let f = try await StoreFixture.make()
        var line = ImportLines.bank("REFUND-1", "-12.00", line: 7)
        line.description = "CARD REFUND 4111 1111 1111 1111 CLINIC"
        _ = try await f.store.importBankStatement(
            [line],
            from: ImportLines.source("refund.ofx", format: "ofx"),
            commandID: f.id(),
            by: f.book
        )
        let stored = try await f.store.bankLines(account: "000111222")
        #expect(stored.map(\.description) == ["CARD REFUND **** **** **** 1111 CLINIC"])
    }

    @Test func aBankStatementIsStoredWholeAndOverlappingDownloadsAreNotDuplicated() async throws {
        let f = try await StoreFixture.make()
        let first = try await f.store.importBankStatement(
            ImportLines.statement,
            from: ImportLines.source("march.ofx", format: "ofx"),
            commandID: f.id(),
            by: f.book
        )
        #expect(first.added == 3 && first.kind == "bank" && first.format == "ofx")
        // The next download repeats the 03-17 line and adds a fee debit.
        let next = [
            ImportLines.bank("MVC-CHK-20250317-BATCH-B0314", "1203.77", date: "2025-03-17", line: 12),
            ImportLines.bank("FEE-0318", "-36.23", date: "2025-03-18", line: 20),
        ]
        let second = try await f.store.importBankStatement(
            next,
            from: ImportLines.source("march-2.ofx", format: "ofx"),
            commandID: f.id(),
            by: f.mgr
        )
        #expect(second.added == 1 && second.alreadyImported == 1)
        let lines = try await f.store.bankLines(account: "000111222")
        #expect(lines.map(\.id) == ImportLines.statement.map(\.id) + ["FEE-0318"])
        #expect(lines.map(\.amount).sum() == .dollars("1773.04"))
        #expect(
            try await f.store.bankLines(from: BusinessDate("2025-03-17"), through: BusinessDate("2025-03-17")).count
                == 1
        )
        // The same line with another amount in a third file: the whole file is refused.
        let error = try await f.refusal {
            _ = try await f.store.importBankStatement(
                [
                    ImportLines.bank("NEW-1", "5.00", line: 3),
                    ImportLines.bank("FEE-0318", "-36.32", date: "2025-03-18", line: 4),
                ],
                from: ImportLines.source("march-3.ofx", format: "ofx"),
                commandID: f.id(),
                by: f.book
            )
        }
        expectConflict(error, "march-3.ofx line 4", "imported from march-2.ofx line 20 as -36.23", "says -36.32")
    }

    @Test func malformedBankLinesAreRefusedWithTheirLine() async throws {
        let f = try await StoreFixture.make()
        let source = ImportLines.source("bank.bai2", format: "bai2")
        let duplicate = try await f.refusal {
            _ = try await f.store.importBankStatement(
                ImportLines.statement + [ImportLines.bank("MVC-CHK-20250314-CASH", "1.00", line: 70)],
                from: source,
                commandID: f.id(),
                by: f.book
            )
        }
        expectInvalid(duplicate, field: "bank.bai2 line 70, id", reason: "of account 000111222 is already on line 43")
        var badCurrency = ImportLines.bank("X1", "1.00", line: 5)
        badCurrency.currency = "US"
        let currency = try await f.refusal {
            _ = try await f.store.importBankStatement([badCurrency], from: source, commandID: f.id(), by: f.book)
        }
        expectInvalid(currency, field: "bank.bai2 line 5, currency", reason: "'US' is not an ISO 4217 code")
        let account = try await f.refusal {
            _ = try await f.store.importBankStatement(
                [ImportLines.bank("X1", "1.00", account: "", line: 6)],
                from: source,
                commandID: f.id(),
                by: f.book
            )
        }
        expectInvalid(account, field: "bank.bai2 line 6, account", reason: "is not an id")
        let digest = try await f.refusal {
            _ = try await f.store.importBankStatement(
                ImportLines.statement,
                from: Store.ImportSource(name: "bank.bai2", digest: "abc", format: "bai2"),
                commandID: f.id(),
                by: f.book
            )
        }
        expectInvalid(digest, field: "digest", reason: "not a lower-case SHA-256")
    }

    @Test(arguments: ["CSR", "TECH", "VET"])
    func onlyTheBookkeeperOrAManagerImports(employee: String) async throws {
        let f = try await StoreFixture.make()
        let clerk = [f.csr, f.tech, f.vet].first { $0.employee.id == employee }!
        let error = try await f.refusal {
            _ = try await f.store.importBankStatement(
                ImportLines.statement,
                from: ImportLines.source("bank.ofx", format: "ofx"),
                commandID: f.id(),
                by: clerk
            )
        }
        guard case .notPermitted(let who, _, let action) = error else {
            Issue.record("expected .notPermitted, got \(error)")
            return
        }
        #expect(who == employee && action == "export data")
    }

    @Test func theDatabaseRefusesRawChangesToImports() async throws {
        let f = try await StoreFixture.make()
        let source = ImportLines.source("stripe.csv")
        _ = try await f.store.importSettlement(ImportLines.batch, from: source, commandID: f.id(), by: f.book)
        _ = try await f.store.importBankStatement(
            ImportLines.statement,
            from: ImportLines.source("bank.ofx", format: "ofx"),
            commandID: f.id(),
            by: f.book
        )
        let statements: [(sql: String, refusal: String)] = [
            ("UPDATE settlementLine SET net = net + 1, gross = gross + 1", "settlementLine rows are append-only"),
            ("DELETE FROM settlementLine WHERE id = 'txn_4'", "settlementLine rows are append-only"),
            ("UPDATE bankLine SET amount = 0", "bankLine rows are append-only"),
            ("DELETE FROM bankLine", "bankLine rows are append-only"),
            ("UPDATE importFile SET name = 'other.csv'", "importFile rows are append-only"),
            ("DELETE FROM importFile", "importFile rows are append-only"),
            (
                """
                INSERT INTO settlementLine (processor, id, file, sourceLine, type, category, date, currency, gross, fee,
                    net, description)
                VALUES ('stripe', 'txn_x', '\(source.digest)', 9, 'charge', 'charge', '2025-03-14', 'USD', 1000, 30,
                    990, '')
                """,
                "CHECK constraint failed"
            ),
            (
                """
                INSERT INTO settlementLine (processor, id, file, sourceLine, type, category, date, currency, gross, fee,
                    net, description)
                VALUES ('stripe', 'txn_y', '\(source.digest)', 9, 'charge', 'charge', '2025-03-14', 'USD', -1000, 0,
                    -1000, '')
                """,
                "CHECK constraint failed"
            ),
        ]
        let raw = try f.rawConnection()
        let before = try await f.snapshot()
        for statement in statements {
            let error = await #expect(throws: DatabaseError.self, "\(statement.sql)") {
                try await raw.write { db in try db.execute(sql: statement.sql) }
            }
            #expect(
                error?.message?.contains(statement.refusal) == true,
                "\(statement.sql): \(String(describing: error?.message))"
            )
            try await f.expectUnchanged(since: before, statement.sql)
        }
    }
}
