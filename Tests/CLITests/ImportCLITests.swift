import Foundation
import GRDB
import Testing

/// The import files the CLI tests use: POSReportsTests' import fixtures and the samples of the package's TestTools.
enum ImportInput {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    enum Base: Sendable {
        /// A file of `Tests/POSReportsTests/Fixtures/import/`.
        case fixture(String)
        /// A file of `TestTools/` (`samples/…`, `validators/examples/…`).
        case testTools(String)

        var url: URL {
            switch self {
            case .fixture(let name):
                ImportInput.packageRoot.appendingPathComponent("Tests/POSReportsTests/Fixtures/import/\(name)")
            case .testTools(let path):
                ImportInput.packageRoot.appendingPathComponent("TestTools/\(path)")
            }
        }

        func text() throws -> String {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw HarnessError("\(url.path) is missing (the import tests read the fixtures and TestTools)")
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    static let stripe = Base.testTools("validators/examples/csv/good-stripe-balance-change.csv")
    static let square = Base.fixture("square-transactions.csv")
    static let deposits = Base.fixture("processor-deposits.csv")
    static let bai2 = Base.testTools("validators/examples/bai2/good-deposit.bai2")
    static let ofx = Base.testTools("validators/examples/ofx/good-deposit-v102.ofx")
    static let bankCSV = Base.fixture("bank-checking.csv")

    /// Writes the mapping fixture into the sandbox and returns `--mapping` and its path.
    static func mappingArguments(_ mapping: String?, in sandbox: Sandbox) throws -> [String] {
        guard let mapping else { return [] }
        return ["--mapping", try sandbox.write(mapping, try Base.fixture(mapping).text())]
    }
}

/// `text` with the first `old` replaced by `new`; a test whose `old` is missing fails rather than testing the good file.
func importVariant(_ text: String, _ old: String, _ new: String) -> String {
    guard let range = text.range(of: old) else { return "the test's text to replace is missing: \(old)" }
    return text.replacingCharacters(in: range, with: new)
}

/// `vetpos import …` --json, as far as the tests read it.
struct ImportJSON: Decodable {
    struct Result: Decodable {
        var lines: Int
        var added: Int
        var alreadyImported: Int
        var fileAlreadyImported: Bool
        var format: String
        var kind: String
    }
    var result: Result
    var replay: Bool
    var warnings: [String]
}

/// One good file: what it is, and how many lines it holds.
struct ImportSample: Sendable, CustomTestStringConvertible {
    var name: String
    var kind: String
    var base: ImportInput.Base
    var file: String
    var mapping: String? = nil
    var format: String
    var lines: Int
    var warnings = 0

    var testDescription: String { name }

    static let all = [
        ImportSample(
            name: "Stripe, hledger's sample",
            kind: "settlement",
            base: .testTools("samples/hledger-examples-stripe-balance-change.csv"),
            file: "stripe-sample.csv",
            format: "stripe",
            lines: 2
        ),
        ImportSample(
            name: "Stripe, the validators' example",
            kind: "settlement",
            base: ImportInput.stripe,
            file: "stripe.csv",
            format: "stripe",
            lines: 5
        ),
        ImportSample(
            name: "Stripe, balance report with the payout row",
            kind: "settlement",
            base: .fixture("stripe-balance-with-payout.csv"),
            file: "stripe-payout.csv",
            format: "stripe",
            lines: 5
        ),
        ImportSample(
            name: "Square transactions",
            kind: "settlement",
            base: ImportInput.square,
            file: "square.csv",
            format: "square",
            lines: 5,
            warnings: 1
        ),
        ImportSample(
            name: "processor CSV with a mapping",
            kind: "settlement",
            base: ImportInput.deposits,
            file: "deposits.csv",
            mapping: "processor-deposits.mapping.json",
            format: "csv",
            lines: 5
        ),
        ImportSample(
            name: "BAI2, the validators' example",
            kind: "bank",
            base: ImportInput.bai2,
            file: "bank.bai2",
            format: "bai2",
            lines: 3
        ),
        ImportSample(
            name: "BAI2, Citi's sample",
            kind: "bank",
            base: .testTools("samples/mojbai2-citi_example.bai2"),
            file: "citi.bai2",
            format: "bai2",
            lines: 1,
            warnings: 1
        ),
        ImportSample(name: "OFX 1.02", kind: "bank", base: ImportInput.ofx, file: "bank.ofx", format: "ofx", lines: 3),
        ImportSample(
            name: "OFX 2.20",
            kind: "bank",
            base: .testTools("validators/examples/ofx/good-deposit-v220.ofx"),
            file: "bank2.ofx",
            format: "ofx",
            lines: 3
        ),
        ImportSample(
            name: "OFX 2.00, ofxtools' sample",
            kind: "bank",
            base: .testTools("samples/ofxtools-stmtrs-v200.ofx"),
            file: "stmtrs.ofx",
            format: "ofx",
            lines: 2
        ),
        ImportSample(
            name: "bank CSV with a mapping",
            kind: "bank",
            base: ImportInput.bankCSV,
            file: "bank.csv",
            mapping: "bank-checking.mapping.json",
            format: "csv",
            lines: 4
        ),
    ]
}

/// One malformed file: the good file it is made from, what is broken, and what the one line on stderr must say.
struct ImportRefusal: Sendable, CustomTestStringConvertible {
    var name: String
    var kind: String
    var base: ImportInput.Base
    var file: String
    var mapping: String? = nil
    var change: @Sendable (String) -> String
    var mentions: [String]

    var testDescription: String { name }

    static func cases(
        _ importer: String,
        kind: String,
        base: ImportInput.Base,
        file: String,
        mapping: String? = nil,
        _ list: [(String, @Sendable (String) -> String, [String])]
    ) -> [ImportRefusal] {
        list.map { problem, change, mentions in
            ImportRefusal(
                name: "\(importer): \(problem)",
                kind: kind,
                base: base,
                file: file,
                mapping: mapping,
                change: change,
                mentions: mentions
            )
        }
    }

    static let all =
        cases(
            "Stripe",
            kind: "settlement",
            base: ImportInput.stripe,
            file: "stripe.csv",
            [
                (
                    "wrong header", { importVariant($0, "reporting_category", "category") },
                    ["stripe.csv line 1", "lacks 'reporting_category'"]
                ),
                (
                    "thousands separator",
                    { importVariant($0, "450.00,13.35,436.65", "\"1,450.00\",13.35,\"1,436.65\"") },
                    ["stripe.csv line 2, gross", "thousands separator"]
                ),
                (
                    "bad date", { importVariant($0, "2025-03-14 16:40:52", "2025-02-30 16:40:52") },
                    ["stripe.csv line 3, created_utc", "2025-02-30"]
                ),
                (
                    "duplicate id",
                    { importVariant($0, "txn_0000000000000000000002", "txn_0000000000000000000001") },
                    ["stripe.csv line 3, balance_transaction_id", "already on line 2"]
                ),
                ("truncated last row", { String($0.dropLast(40)) }, ["stripe.csv line 6", "cut short"]),
                (
                    "charge with a negative gross",
                    { importVariant($0, "450.00,13.35,436.65,charge", "-450.00,13.35,-463.35,charge") },
                    ["stripe.csv line 2, gross", "it must be positive"]
                ),
                (
                    "net that does not add up", { importVariant($0, "-195.00,15.00,-210.00", "-195.00,15.00,-195.00") },
                    ["stripe.csv line 6, net", "but net is -195.00"]
                ),
            ]
        )
        + cases(
            "Square",
            kind: "settlement",
            base: ImportInput.square,
            file: "square.csv",
            [
                ("wrong header", { importVariant($0, "Net Total", "Net") }, ["square.csv line 1", "'Net Total'"]),
                (
                    "misplaced thousands separator",
                    { importVariant($0, "\"$1,149.00 \",Register", "\"$11,49.00\",Register") },
                    ["square.csv line 7, Total Collected", "misplaced thousands separators"]
                ),
                (
                    "bad date", { importVariant($0, "03/14/2025,11:40:52", "03/32/2025,11:40:52") },
                    ["square.csv line 3, Date", "03/32/2025"]
                ),
                (
                    "duplicate id", { importVariant($0, "TXN0314B,PAY0314B", "TXN0314B,PAY0314A") },
                    ["square.csv line 3, Payment ID", "already on line 2"]
                ),
                ("truncated last row", { String($0.dropLast(30)) }, ["square.csv line 7", "cut short"]),
                (
                    "payment with a negative card amount",
                    { importVariant($0, "Register,$450.00,EMV", "Register,($450.00),EMV") },
                    ["square.csv line 2, Card", "it must be positive"]
                ),
            ]
        )
        + cases(
            "processor CSV",
            kind: "settlement",
            base: ImportInput.deposits,
            file: "deposits.csv",
            mapping: "processor-deposits.mapping.json",
            [
                (
                    "wrong header", { importVariant($0, ",Net,", ",Net Amount,") },
                    ["deposits.csv line 1", "net column 'Net' is not in the header"]
                ),
                (
                    "thousands separator",
                    { importVariant($0, "310.00,-9.29,300.71", "\"1,310.00\",-9.29,\"1,300.71\"") },
                    ["deposits.csv line 3, Amount", "thousands separator"]
                ),
                (
                    "bad date", { importVariant($0, "2025-03-14,B0314,EL-1001", "2025-03-32,B0314,EL-1001") },
                    ["deposits.csv line 2, Batch Date", "2025-03-32"]
                ),
                (
                    "duplicate id", { importVariant($0, "EL-1002", "EL-1001") },
                    ["deposits.csv line 3, Transaction ID", "already on line 2"]
                ),
                ("truncated last row", { String($0.dropLast(12)) }, ["deposits.csv line 6", "cut short"]),
                (
                    "sale with a negative amount",
                    { importVariant($0, "SALE,450.00,-13.35,436.65", "SALE,-450.00,-13.35,-463.35") },
                    ["deposits.csv line 2, Amount", "it must be positive"]
                ),
            ]
        )
        + cases(
            "BAI2",
            kind: "bank",
            base: ImportInput.bai2,
            file: "bank.bai2",
            [
                (
                    "wrong file header (version 3)", { importVariant($0, ",80,,2/", ",80,,3/") },
                    ["bank.bai2 line 1", "only BAI version 2"]
                ),
                (
                    "thousands separator",
                    { importVariant($0, "16,301,42000,0,D20250314C,", "16,301,42,000,0,D20250314C,") },
                    ["bank.bai2 line 4", "thousands separator"]
                ),
                (
                    "bad date", { importVariant($0, "1,250314,2400", "1,250230,2400") },
                    ["bank.bai2 line 2", "as-of date '250230'"]
                ),
                (
                    "duplicate bank reference",
                    { importVariant($0, "16,301,18550,0,D20250314K", "16,301,18550,0,D20250314C") },
                    ["bank.bai2 line 5", "already on line 4"]
                ),
                (
                    "truncated: no 98 and 99 trailers",
                    { $0.split(separator: "\n").prefix(12).joined(separator: "\n") + "\n" },
                    ["bank.bai2 line 12", "ends without its 99 file trailer"]
                ),
                (
                    "credit type with a signed debit amount", { importVariant($0, "16,301,42000", "16,301,-42000") },
                    ["bank.bai2 line 4", "'-42000' is signed"]
                ),
                (
                    "account control total that does not add up", { importVariant($0, "49,121100,4/", "49,121000,4/") },
                    ["bank.bai2 line 6", "control total 121000, but its amounts add up to 121100"]
                ),
            ]
        )
        + cases(
            "OFX",
            kind: "bank",
            base: ImportInput.ofx,
            file: "bank.ofx",
            [
                ("wrong header", { importVariant($0, "DATA:OFXSGML", "DATA:OFXXML") }, ["bank.ofx line 2", "OFXSGML"]),
                (
                    "thousands separator", { importVariant($0, "<TRNAMT>1203.77", "<TRNAMT>1,203.77") },
                    ["bank.ofx line 63, TRNAMT", "thousands separator"]
                ),
                (
                    "ISO date", { importVariant($0, "<DTPOSTED>20250317120000.000[-5:EST]", "<DTPOSTED>2025-03-17") },
                    ["bank.ofx line 62, DTPOSTED", "not an OFX date"]
                ),
                (
                    "duplicate FITID",
                    { importVariant($0, "<FITID>MVC-CHK-20250314-CHK-1042", "<FITID>MVC-CHK-20250314-CASH") },
                    ["bank.ofx line 55", "already on line 47"]
                ),
                (
                    "truncated in the last transaction",
                    { text in text.range(of: "<DTPOSTED>20250317").map { String(text[..<$0.lowerBound]) } ?? text },
                    ["bank.ofx line 60", "never closed", "cut short"]
                ),
                (
                    "deposit with a negative amount", { importVariant($0, "<TRNAMT>420.00", "<TRNAMT>-420.00") },
                    ["bank.ofx line 46", "TRNTYPE DEP is money in"]
                ),
            ]
        )
        + cases(
            "bank CSV",
            kind: "bank",
            base: ImportInput.bankCSV,
            file: "bank.csv",
            mapping: "bank-checking.mapping.json",
            [
                (
                    "wrong header", { importVariant($0, "Reference", "Ref") },
                    ["bank.csv line 1", "'Reference' is not in the header"]
                ),
                (
                    "thousands separator", { importVariant($0, ",605.50,", ",\"1,605.50\",") },
                    ["bank.csv line 2, Credit", "thousands separator"]
                ),
                (
                    "bad date", { importVariant($0, "03/17/2025,20250317-000045", "2025-03-17,20250317-000045") },
                    ["bank.csv line 3, Posting Date", "MM/DD/YYYY"]
                ),
                (
                    "duplicate reference", { importVariant($0, "20250317-000046", "20250317-000045") },
                    ["bank.csv line 4, Reference", "already on line 3"]
                ),
                ("truncated last row", { String($0.dropLast(9)) }, ["bank.csv line 5", "cut short"]),
                (
                    "negative amount in the debit column", { importVariant($0, ",,36.23", ",,-36.23") },
                    ["bank.csv line 4, Debit", "is negative"]
                ),
            ]
        )
}

@Suite struct ImportCLITests {
    /// Each importer reads its sample through `vetpos import`; importing the file again, under the same id or a
    /// new one, adds nothing, says so, and leaves every row as it was.
    @Test(arguments: ImportSample.all)
    func eachImporterReadsItsSampleAndAReimportAddsNothing(_ sample: ImportSample) async throws {
        let sandbox = try await SeededTemplate.copy("import")
        defer { sandbox.remove() }
        try sandbox.write(sample.file, try sample.base.text())
        let command =
            ["import", sample.kind, "--db", sandbox.db, sample.file]
            + (try ImportInput.mappingArguments(sample.mapping, in: sandbox))
        let first = try await sandbox.ok(command + ["--json"], as: Clinic.bookkeeper)
        let report = try JSONDecoder().decode(ImportJSON.self, from: Data(first.stdout.utf8))
        #expect(report.result.lines == sample.lines && report.result.added == sample.lines)
        #expect(report.result.format == sample.format && report.result.kind == sample.kind)
        #expect(!report.replay && !report.result.fileAlreadyImported)
        #expect(report.warnings.count == sample.warnings, "\(report.warnings)")
        let table = sample.kind == "bank" ? "bankLine" : "settlementLine"
        let imported = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(imported[table]?.count == sample.lines)
        #expect(imported["importFile"]?.count == 1)

        let again = try await sandbox.ok(command, as: Clinic.bookkeeper)
        #expect(again.stdout.hasPrefix("\(sample.file): already imported by BOOK"), "\(again)")
        #expect(again.stdout.hasSuffix("nothing changed\n"))
        let byManager = try await sandbox.ok(command + ["--id", "another-import-0001"], as: Clinic.manager)
        #expect(byManager.stdout.contains("already imported"))
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(imported == after, "a re-import changed the database: \(DatabaseSnapshot.difference(imported, after))")
        try await sandbox.ok(["journal", "verify", "--db", sandbox.db])
    }

    /// For each importer, each kind of malformed file: exit 2, one line naming the file, the line and the reason,
    /// nothing on stdout, and not one row of the database changed.
    @Test(arguments: ImportRefusal.all)
    func aMalformedFileIsRefusedWithItsLineAndChangesNothing(_ refusal: ImportRefusal) async throws {
        let sandbox = try await SeededTemplate.copy("import-bad")
        defer { sandbox.remove() }
        let good = try refusal.base.text()
        let bad = refusal.change(good)
        #expect(bad != good, "the malformed variant is the good file")
        try sandbox.write(refusal.file, bad)
        let mapping = try ImportInput.mappingArguments(refusal.mapping, in: sandbox)
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        let result = try await sandbox.run(
            ["import", refusal.kind, "--db", sandbox.db, refusal.file] + mapping,
            as: Clinic.bookkeeper
        )
        expectRefusal(result, status: 2, mentions: refusal.mentions)
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
    }

    @Test func onlyTheBookkeeperOrAManagerImports() async throws {
        let sandbox = try await SeededTemplate.copy("import-role")
        defer { sandbox.remove() }
        try sandbox.write("bank.bai2", try ImportInput.bai2.text())
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        for staff in [Clinic.csr, Clinic.vet] {
            let result = try await sandbox.run(["import", "bank", "--db", sandbox.db, "bank.bai2"], as: staff)
            expectRefusal(result, status: 3, mentions: ["employee \(staff.id)", "not permitted to export data"])
        }
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
        let manager = try await sandbox.ok(["import", "bank", "--db", sandbox.db, "bank.bai2"], as: Clinic.manager)
        #expect(
            manager.stdout == """
                bank.bai2: BAI2 bank statement, 3 lines — 3 added, 0 already imported from other files
                  account 000111222: 3 lines, credits 1809.27, debits 0.00, 2025-03-14…2025-03-17

                """
        )
    }

    @Test func theFormatIsToldFromTheContentOnlyWhenItIsUnambiguous() async throws {
        let sandbox = try await SeededTemplate.copy("import-format")
        defer { sandbox.remove() }
        try sandbox.write("bank.csv", try ImportInput.bankCSV.text())
        try sandbox.write("bank.bai2", try ImportInput.bai2.text())
        try sandbox.write("stripe.csv", try ImportInput.stripe.text())
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        let cases: [([String], [String])] = [
            (["bank", "bank.csv"], ["bank.csv", "cannot tell its format", "--mapping"]),
            (["settlement", "bank.csv"], ["bank.csv", "cannot tell its format"]),
            (["bank", "bank.bai2", "--format", "ofx"], ["bank.bai2 line 1", "this is not an OFX file"]),
            (["bank", "bank.bai2", "--format", "qif"], ["--format", "'qif' is not bai2, ofx or csv"]),
            (["settlement", "bank.bai2"], ["bank.bai2", "cannot tell its format"]),
            (["settlement", "stripe.csv", "--format", "square"], ["stripe.csv line 1", "not a Square transactions"]),
            (["bank", "bank.bai2", "--mapping", "stripe.csv"], ["stripe.csv", "is not valid JSON"]),
        ]
        for (arguments, mentions) in cases {
            let result = try await sandbox.run(
                ["import"] + arguments + ["--db", sandbox.db],
                as: Clinic.bookkeeper
            )
            expectRefusal(result, status: 2, mentions: mentions)
        }
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
    }

    /// The same bank lines in OFX 2 after OFX 1 (same FITIDs): stored once; a third file that moves one of them to
    /// another day is refused whole, as a conflict with what is stored.
    @Test func overlappingStatementsAreStoredOnceAndConflictsRefused() async throws {
        let sandbox = try await SeededTemplate.copy("import-overlap")
        defer { sandbox.remove() }
        try sandbox.write("v1.ofx", try ImportInput.ofx.text())
        try sandbox.write(
            "v2.ofx",
            try ImportInput.Base.testTools("validators/examples/ofx/good-deposit-v220.ofx").text()
        )
        try sandbox.write(
            "moved.ofx",
            try ImportInput.Base.testTools("validators/examples/ofx/bad-v102-date-outside-range.ofx").text()
        )
        try await sandbox.ok(["import", "bank", "--db", sandbox.db, "v1.ofx"], as: Clinic.bookkeeper)
        let second = try await sandbox.ok(["import", "bank", "--db", sandbox.db, "v2.ofx"], as: Clinic.bookkeeper)
        #expect(second.stdout.hasPrefix("v2.ofx: OFX bank statement, 3 lines — 0 added, 3 already imported"))
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before["bankLine"]?.count == 3 && before["importFile"]?.count == 2)
        let moved = try await sandbox.run(["import", "bank", "--db", sandbox.db, "moved.ofx"], as: Clinic.bookkeeper)
        expectRefusal(
            moved,
            status: 4,
            mentions: ["moved.ofx line 60", "imported from v1.ofx line 60", "this file says 1203.77 on 2025-03-18"]
        )
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
    }

    /// Over 10,000 lines, progress goes to standard error even when it is not a terminal; the result is the same.
    @Test func aLargeFileShowsItsProgress() async throws {
        let sandbox = try await SeededTemplate.copy("import-large")
        defer { sandbox.remove() }
        var text = "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n"
        let rows = 12_000
        for index in 1...rows {
            text +=
                "txn_\(index),2025-03-14 15:\(index % 60 < 10 ? "0" : "")\(index % 60):00,usd,10.00,0.59,9.41,charge\n"
        }
        try sandbox.write("big.csv", text)
        let result = try await sandbox.run(["import", "settlement", "--db", sandbox.db, "big.csv"], as: Clinic.manager)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("big.csv: Stripe settlement file, 12000 lines — 12000 added"))
        let progress = result.stderrLines.map(String.init)
        #expect(progress.count >= 5 && progress.count <= 12, "\(progress)")
        #expect(progress.dropLast().allSatisfy { $0.hasPrefix("big.csv: read ") && $0.hasSuffix("%)") })
        #expect(progress.dropLast().last == "big.csv: read 12001 of 12001 lines (100%)")
        #expect(progress.last == "big.csv: storing 12000 lines…")
        let dump = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(dump["settlementLine"]?.count == rows)
    }

    /// At a terminal, progress rewrites one line, even for a small file.
    @Test func progressIsShownAtATerminal() async throws {
        let sandbox = try await SeededTemplate.copy("import-tty")
        defer { sandbox.remove() }
        try sandbox.write("bank.bai2", try ImportInput.bai2.text())
        let result = try await sandbox.runAtTerminal(
            ["import", "bank", "--db", sandbox.db, sandbox.path("bank.bai2")],
            as: Clinic.bookkeeper,
            input: ""
        )
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\rbank.bai2: read 14 of 14 lines (100%)"), "\(result.stdout)")
        #expect(result.stdout.contains("bank.bai2: BAI2 bank statement, 3 lines — 3 added"))
    }
}
