import Foundation
import POSCore
import POSReports
import POSTestSupport
import Testing

/// Two hand-built days of Maple Vet Clinic (FORMATS.md §1's clinic): Friday 2025-03-14 with every kind of money, and
/// Saturday 2025-03-15 with a card refund larger than the day's card sales, a paid-in and cash found.
enum MapleDays {
    static let clinic = "Maple Vet Clinic"
    static let zone = TimeZone(identifier: "America/New_York")!
    static let friday = BusinessDate("2025-03-14")!
    static let saturday = BusinessDate("2025-03-15")!

    static let mappingJSON = """
        {
          "clinicCode": "MVC",
          "accounts": { "accountsReceivable": { "name": "Assets:Accounts Receivable:Clients", "number": "1105" } },
          "bank": {
            "code": "CHK", "bankId": "123456789", "accountId": "000111222", "accountType": "CHECKING",
            "org": "Maple Vet POS", "fid": "3000", "intuBid": "3000"
          }
        }
        """

    static func mapping() throws -> ExportMapping {
        try ExportMapping.read(Data(mappingJSON.utf8), source: "maple-mapping.json")
    }

    static func context(_ mapping: ExportMapping) -> ExportContext {
        ExportContext(clinic: clinic, mapping: mapping, timeZone: zone, first: friday, last: saturday)
    }

    static func check(
        _ number: Int64,
        _ amount: Int64,
        checkNumber: String,
        payer: String,
        on date: BusinessDate
    ) -> PaymentRecord {
        PaymentRecord(
            number: number,
            invoice: number + 100,
            client: "C\(number)",
            kind: .payment,
            tender: .check,
            amount: .cents(amount),
            tendered: .cents(amount),
            change: .zero,
            check: CheckDetails(number: checkNumber, bank: "First Bank", payer: payer, idNumber: "DL-4411"),
            card: nil,
            reverses: nil,
            reason: nil,
            approvedBy: nil,
            employee: "CSR",
            terminal: "FRONT-1",
            atMillis: 0,
            businessDate: date
        )
    }

    static func fridayEntry() throws -> DailyEntry {
        let report = DayReport(
            date: friday,
            clinic: clinic,
            invoicesPosted: 14,
            invoicesVoided: 0,
            invoicesOpen: 0,
            categories: [
                .init(kind: .service, lines: 9, gross: .cents(2000_00), discounts: .cents(45_00), tax: .zero),
                .init(kind: .product, lines: 2, gross: .cents(200_00), discounts: .cents(10_00), tax: .cents(15_68)),
                .init(kind: .pharmacy, lines: 3, gross: .cents(160_00), discounts: .zero, tax: .zero),
                .init(kind: .fee, lines: 1, gross: .cents(5_00), discounts: .zero, tax: .cents(41)),
            ],
            discountsByClass: [.init(discountClass: .coupon, count: 2, amount: .cents(55_00))],
            tenders: [
                .init(tender: .cash, payments: 5, received: .cents(445_00), refunded: .cents(-25_00), reversed: .zero),
                .init(tender: .check, payments: 2, received: .cents(245_50), refunded: .zero, reversed: .zero),
                .init(tender: .credit, payments: 3, received: .cents(1000_00), refunded: .zero, reversed: .zero),
                .init(tender: .debit, payments: 1, received: .cents(240_00), refunded: .zero, reversed: .zero),
                .init(tender: .careCredit, payments: 1, received: .cents(300_00), refunded: .zero, reversed: .zero),
                .init(tender: .account, payments: 1, received: .cents(150_00), refunded: .zero, reversed: .zero),
            ],
            changeGiven: .cents(32_10),
            refundCredits: .cents(25_00)
        )
        return try DailyEntry.build(
            report: report,
            drawer: .init(
                sessions: ["FRONT-1 Z12"],
                overShort: .cents(-1_25),
                adjustments: .zero,
                paidIn: .zero,
                paidOut: .cents(-8_45)
            ),
            checks: [
                check(7, 185_50, checkNumber: "1042", payer: "Jane Doe", on: friday),
                // A payer name that tries every text rule: formula start, accents, markup, a TAB, a comma, a quote.
                check(9, 60_00, checkNumber: "2077", payer: "=Zoë Ünal & Sons <Vet>\t\"Ltd\", Inc", on: friday),
            ]
        )
    }

    static func saturdayEntry() throws -> DailyEntry {
        let report = DayReport(
            date: saturday,
            clinic: clinic,
            invoicesPosted: 1,
            invoicesVoided: 0,
            invoicesOpen: 0,
            categories: [.init(kind: .service, lines: 1, gross: .cents(100_00), discounts: .zero, tax: .zero)],
            discountsByClass: [],
            tenders: [
                .init(tender: .cash, payments: 1, received: .cents(100_00), refunded: .zero, reversed: .zero),
                .init(tender: .credit, payments: 0, received: .zero, refunded: .cents(-30_00), reversed: .zero),
            ],
            changeGiven: .zero,
            refundCredits: .cents(30_00)
        )
        return try DailyEntry.build(
            report: report,
            drawer: .init(
                sessions: ["FRONT-1 Z13"],
                overShort: .zero,
                adjustments: .cents(2_00),
                paidIn: .cents(20_00),
                paidOut: .zero
            ),
            checks: []
        )
    }

    static func entries() throws -> [DailyEntry] { [try fridayEntry(), try saturdayEntry()] }

    /// Golden file of each format.
    static let goldens: [(ExportFormat, String)] = [
        (.iif, "maple-days.iif"), (.qbo, "maple-days.qbo"), (.ofx, "maple-days.ofx"), (.xero, "maple-days-xero.csv"),
        (.csv, "maple-days-plain.csv"), (.hledger, "maple-days.journal"),
    ]
}

/// The bookkeeping validators of the package's `TestTools/validators`, run as CI runs them. They must be installed
/// (`TestTools/validators/setup.sh`, which `./dev test` runs): a missing tool fails the test rather than skipping it.
enum Validators {
    static let folder = ImportFiles.testTools.appendingPathComponent("validators")

    static func command(for format: ExportFormat) -> [String] {
        switch format {
        case .iif: ["check-iif"]
        case .qbo: ["check-qbo", "--bid", "3000"]
        case .ofx: ["check-ofx"]
        case .xero: ["check-csv", "--profile", "xero"]
        case .csv: ["check-csv", "--profile", "plain"]
        case .hledger: ["check-ledger"]
        }
    }

    /// Runs a validator on a file and records an issue unless it exits 0 with the file's `OK` verdict.
    static func expectValid(
        _ file: URL,
        _ format: ExportFormat,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let arguments = command(for: format)
        let tool = folder.appendingPathComponent(arguments[0])
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            Issue.record(
                "validator \(tool.path) not found",
                sourceLocation: sourceLocation
            )
            return
        }
        let process = Process()
        process.executableURL = tool
        process.arguments = Array(arguments.dropFirst()) + [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try ProcessSpawning.run(process)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationStatus
        if status == 2 {
            let message =
                "\(arguments[0]) could not run (exit 2): the validators are not installed; run "
                + "\(folder.path)/setup.sh first.\n\(output)"
            Issue.record("\(message)", sourceLocation: sourceLocation)
            return
        }
        let verdict = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(
            status == 0,
            "\(arguments.joined(separator: " ")) \(file.lastPathComponent):\n\(output)",
            sourceLocation: sourceLocation
        )
        #expect(verdict.hasPrefix("\(file.path): OK ("), "verdict: \(output)", sourceLocation: sourceLocation)
    }
}

@Suite struct ExportGoldenTests {
    static var fixtures: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures") }
    static var sourceFixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Each writer against its golden file. `VETPOS_UPDATE_GOLDEN=1` rewrites the files in the source tree instead
    /// (then rebuild, and read the diff).
    @Test(arguments: MapleDays.goldens)
    func writerMatchesGoldenFile(format: ExportFormat, name: String) throws {
        let bytes = try Exporter.write(
            try MapleDays.entries(),
            as: format,
            context: MapleDays.context(try MapleDays.mapping())
        )
        if ProcessInfo.processInfo.environment["VETPOS_UPDATE_GOLDEN"] == "1" {
            try Data(bytes).write(to: Self.sourceFixtures.appendingPathComponent(name))
            return
        }
        let golden = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        if Data(bytes) != golden {
            let got = String(decoding: bytes, as: UTF8.self)
            let want = String(decoding: golden, as: UTF8.self)
            let firstDifference = zip(got.split(separator: "\n"), want.split(separator: "\n")).enumerated()
                .first { $0.element.0 != $0.element.1 }
            let message =
                "\(name) differs from the writer's output"
                + (firstDifference.map { " at line \($0.offset + 1):\n got:  \($0.element.0)\n want: \($0.element.1)" }
                    ?? "")
            Issue.record("\(message)")
        }
    }

    /// The golden files pass the validators CI runs (FORMATS.md §2.7).
    @Test(arguments: MapleDays.goldens)
    func goldenFilePassesItsValidator(format: ExportFormat, name: String) throws {
        try Validators.expectValid(Self.fixtures.appendingPathComponent(name), format)
    }

    @Test(arguments: ExportFormat.allCases)
    func reExportingTheSameDaysGivesTheSameBytes(format: ExportFormat) throws {
        let mapping = try MapleDays.mapping()
        let first = try Exporter.write(try MapleDays.entries(), as: format, context: MapleDays.context(mapping))
        // Rebuilt from scratch, as a later export would.
        let again = try Exporter.write(
            try MapleDays.entries(),
            as: format,
            context: MapleDays.context(try ExportMapping.read(Data(MapleDays.mappingJSON.utf8), source: "again"))
        )
        #expect(first == again)
        #expect(!first.isEmpty)
    }

    @Test func fridayEntryHasEveryAccountAndBalances() throws {
        let entry = try MapleDays.fridayEntry()
        let amounts = Dictionary(uniqueKeysWithValues: entry.lines.map { ($0.account, $0.amount.minorUnits) })
        #expect(
            amounts == [
                .undepositedCash: 410_30, .undepositedChecks: 245_50, .cardClearing: 1240_00,
                .careCreditReceivable: 300_00, .accountsReceivable: 95_59, .discounts: 55_00, .salesReturns: 25_00,
                .cashOverShort: 1_25, .drawerPaidInOut: 8_45, .services: -2000_00, .products: -200_00,
                .pharmacy: -160_00, .fees: -5_00, .salesTax: -16_09,
            ]
        )
        #expect(entry.debits == entry.credits)
        #expect(entry.debits == .cents(2381_09))
        #expect(entry.bankLines.map(\.source) == ["CASH", "CHK-7", "CHK-9", "CARD", "CARECREDIT"])
    }

    @Test func saturdayLeavesZeroLinesOutAndSendsANegativeCardBatch() throws {
        let entry = try MapleDays.saturdayEntry()
        #expect(!entry.lines.contains { $0.account == .accountsReceivable })
        #expect(entry.lines.first { $0.account == .cashOverShort }?.amount == .cents(-2_00))
        #expect(entry.lines.first { $0.account == .drawerPaidInOut }?.amount == .cents(-20_00))
        #expect(entry.bankLines.map(\.amount) == [.cents(122_00), .cents(-30_00)])
        let ofx = String(
            decoding: try Exporter.write([entry], as: .ofx, context: MapleDays.context(try MapleDays.mapping())),
            as: UTF8.self
        )
        #expect(ofx.contains("<TRNTYPE>DEBIT</TRNTYPE>"))
        #expect(ofx.contains("<DTPOSTED>20250315120000.000[-4:EDT]</DTPOSTED>"))
    }

    @Test func idsComeFromClinicAccountDateAndSource() throws {
        let csv = String(
            decoding: try Exporter.write(
                try MapleDays.entries(),
                as: .csv,
                context: MapleDays.context(try MapleDays.mapping())
            ),
            as: UTF8.self
        )
        for id in [
            "MVC-CHK-20250314-CASH", "MVC-CHK-20250314-CHK-7", "MVC-CHK-20250314-CHK-9", "MVC-CHK-20250314-CARD",
            "MVC-CHK-20250314-CARECREDIT", "MVC-CHK-20250315-CASH", "MVC-CHK-20250315-CARD",
        ] {
            #expect(csv.contains(",\(id),"), "\(id) missing")
        }
        let journal = String(
            decoding: try Exporter.write(
                try MapleDays.entries(),
                as: .hledger,
                context: MapleDays.context(try MapleDays.mapping())
            ),
            as: UTF8.self
        )
        #expect(journal.contains("2025-03-14 * (DAY20250314) Maple Vet Clinic day close\n    ; id:MVC-20250314-DAY\n"))
    }

    @Test func textRulesHoldInEveryFormat() throws {
        let mapping = try MapleDays.mapping()
        let entries = try MapleDays.entries()
        for format in ExportFormat.allCases {
            let bytes = try Exporter.write(entries, as: format, context: MapleDays.context(mapping))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(" <Vet>") || [.xero, .csv].contains(format), "\(format): raw markup survived")
            switch format {
            case .iif, .qbo:
                #expect(bytes.allSatisfy { $0 < 0x80 }, "\(format) must be ASCII")
            case .ofx, .xero, .csv, .hledger:
                #expect(bytes.prefix(3) != [0xEF, 0xBB, 0xBF], "\(format) must have no byte-order mark")
            }
            if format == .iif {
                let columns = text.split(separator: "\r\n").map {
                    $0.split(separator: "\t", omittingEmptySubsequences: false).count
                }
                #expect(Set(columns.dropFirst(3).filter { $0 > 1 }) == [11], "a TAB shifted IIF columns")
            }
        }
        let plain = String(
            decoding: try Exporter.write(entries, as: .csv, context: MapleDays.context(mapping)),
            as: UTF8.self
        )
        #expect(
            plain.contains(#","'=Zoë Ünal & Sons <Vet> ""Ltd"", Inc","#),
            "formula start defused, TAB and quotes handled"
        )
        // An account name with accents: transliterated in IIF, kept in the UTF-8 journal.
        var accented = mapping
        accented.accounts[.pharmacy] = LedgerAccount(name: "Income:Pharmacie Vétérinaire", number: "4030")
        let iif = String(
            decoding: try Exporter.write(entries, as: .iif, context: MapleDays.context(accented)),
            as: UTF8.self
        )
        #expect(iif.contains("\tIncome:Pharmacie Veterinaire\t"))
        let journal = String(
            decoding: try Exporter.write(entries, as: .hledger, context: MapleDays.context(accented)),
            as: UTF8.self
        )
        #expect(journal.contains("account Income:Pharmacie Vétérinaire\n"))
        let qbo = String(
            decoding: try Exporter.write(entries, as: .qbo, context: MapleDays.context(mapping)),
            as: UTF8.self
        )
        #expect(qbo.contains("<MEMO>Check 2077 from =Zoe Unal &amp; Sons &lt;Vet&gt; \"Ltd\", Inc, payment 9"))
    }

    @Test func qboNeedsTheBankID() throws {
        var mapping = try MapleDays.mapping()
        mapping.bank.intuBID = nil
        #expect(throws: POSError.self) {
            try Exporter.write(try MapleDays.entries(), as: .qbo, context: MapleDays.context(mapping))
        }
    }

    @Test func nothingToExportIsRefusedWhereTheFormatNeedsARow() throws {
        let context = MapleDays.context(.standard)
        for format in [ExportFormat.iif, .csv, .xero, .hledger] {
            #expect(throws: POSError.self) { try Exporter.write([], as: format, context: context) }
        }
        let ofx = String(decoding: try Exporter.write([], as: .ofx, context: context), as: UTF8.self)
        #expect(ofx.contains("<BALAMT>0.00</BALAMT>"))
    }
}
