import Foundation
import POSCore
import POSReports
import Testing

/// BAI2, OFX and mapped bank CSV statements: the public samples and the validators' examples are read exactly; each
/// broken example, and each malformed variant of a good file, is refused with its line.
@Suite struct ImportBAI2Tests {
    static func example(_ name: String) throws -> String {
        ImportFiles.text(try ImportFiles.testTools("validators/examples/bai2/\(name).bai2"))
    }

    func parse(_ text: String, _ source: String = "bank.bai2") throws -> BankStatement {
        try BAI2.parse(text, source: source)
    }

    @Test func theWorkedExampleIsReadExactly() throws {
        let statement = try BankImport.parse(
            try ImportFiles.testTools("validators/examples/bai2/good-deposit.bai2"),
            source: "good-deposit.bai2",
            format: .bai2
        )
        #expect(statement.warnings.isEmpty)
        #expect(
            statement.lines == [
                BankLine(
                    account: "000111222",
                    id: "D20250314C",
                    date: BusinessDate("2025-03-14")!,
                    amount: importMoney("420.00"),
                    currency: "USD",
                    type: "301",
                    reference: "D20250314",
                    description: "CASH DEPOSIT",
                    line: 4
                ),
                BankLine(
                    account: "000111222",
                    id: "D20250314K",
                    date: BusinessDate("2025-03-14")!,
                    amount: importMoney("185.50"),
                    currency: "USD",
                    type: "301",
                    reference: "1042",
                    description: "CHECK DEPOSIT CHECK 1042",
                    line: 5
                ),
                BankLine(
                    account: "000111222",
                    id: "B0314",
                    date: BusinessDate("2025-03-17")!,
                    amount: importMoney("1203.77"),
                    currency: "USD",
                    type: "165",
                    reference: "B0314",
                    description: "CARD PROCESSOR SETTLEMENT BATCH B0314 MERCHANT 4445551234",
                    line: 10
                ),
            ]
        )
    }

    @Test func theCitiSampleIsReadWithItsContinuationsAndABalanceWarning() throws {
        let statement = try parse(
            ImportFiles.text(try ImportFiles.testTools("samples/mojbai2-citi_example.bai2")),
            "citi.bai2"
        )
        #expect(statement.lines.count == 1)
        let line = try #require(statement.lines.first)
        #expect(line.account == "77777777" && line.currency == "GBP" && line.type == "191")
        #expect(line.id == "1234567890" && line.reference == "RP12312312312312" && !line.idDerived)
        #expect(line.amount == Money(minorUnits: 1))
        #expect(line.date == BusinessDate("2015-07-15") && line.valueDate == BusinessDate("2015-07-15"))
        #expect(line.description.hasPrefix("FR:FP SIP INCOMING ENDT:20150715 TRID:RP12312312312312 PY:"))
        #expect(line.description.hasSuffix("BO:11111111 BO1:DOE JO"))
        // The real file's closing balance does not follow from its details; banks do that, so it is only a warning.
        #expect(statement.warnings.count == 1)
        #expect(statement.warnings.first?.contains("account 77777777") == true)
    }

    @Test func theValidatorsBrokenExamplesAreRefusedWithTheirLine() throws {
        expectRefused("bank.bai2 line 6", "control total 121010, but its amounts add up to 121100") {
            _ = try parse(try Self.example("bad-account-control-total"))
        }
        expectRefused("bank.bai2 line 4", "'420.00' has a decimal point", "whole minor units") {
            _ = try parse(try Self.example("bad-decimal-amount"))
        }
        expectRefused("bank.bai2 line 14", "file record count 13, but the file has 14 records") {
            _ = try parse(try Self.example("bad-file-record-count"))
        }
        expectRefused("bank.bai2 line 7", "record 02 cannot follow 49; expected 03 or 98") {
            _ = try parse(try Self.example("bad-missing-group-trailer"))
        }
        expectRefused("bank.bai2 line 4", "'-42000' is signed", "makes it a credit") {
            _ = try parse(try Self.example("bad-signed-detail-amount"))
        }
        expectRefused("bank.bai2 line 10", "type code 777 is not a transaction detail code") {
            _ = try parse(try Self.example("bad-unknown-type-code"))
        }
        expectRefused("bank.bai2 line 1", "only BAI version 2") { _ = try parse(try Self.example("bad-version-3")) }
        // A closing balance that does not follow is the bank's figure: imported, with a warning.
        let statement = try parse(try Self.example("bad-closing-balance"))
        #expect(statement.lines.count == 3)
        #expect(statement.warnings.count == 1 && statement.warnings[0].contains("closing ledger is 180972"))
    }

    @Test func malformedVariantsAreRefusedWithTheirLine() throws {
        let good = try Self.example("good-deposit")
        let rows = good.split(separator: "\n").map(String.init)
        expectRefused("bank.bai2 line 12", "ends without its 99 file trailer", "cut short") {
            _ = try parse(rows.prefix(12).joined(separator: "\n") + "\n")
        }
        expectRefused("bank.bai2 line 13", "ends without its 99 file trailer") {
            _ = try parse(rows.prefix(13).joined(separator: "\n"))
        }
        expectRefused("bank.bai2 line 5", "bank reference 'D20250314C' of account 000111222 is already on line 4") {
            _ = try parse(replacing(good, "16,301,18550,0,D20250314K", "16,301,18550,0,D20250314C"))
        }
        expectRefused("bank.bai2 line 2", "as-of date '250230' is not a date YYMMDD") {
            _ = try parse(replacing(good, "1,250314,2400", "1,250230,2400"))
        }
        expectRefused("bank.bai2 line 4", "thousands separator") {
            _ = try parse(replacing(good, "16,301,42000,0,D20250314C,", "16,301,42,000,0,D20250314C,"))
        }
        expectRefused("bank.bai2 line 6", "a blank line") { _ = try parse(replacing(good, "49,121100", "\n49,121100")) }
        expectRefused("bank.bai2 line 2", "group status 4 (test)") {
            _ = try parse(replacing(good, "121000358,1,250314", "121000358,4,250314"))
        }
        expectRefused("bank.bai2 line 4", "type code '16301' is not three digits") {
            _ = try parse(replacing(good, "16,301,42000", "16,16301,42000"))
        }
    }

    @Test func aDetailWithoutABankReferenceGetsADerivedId() throws {
        let good = try Self.example("good-deposit")
        let text = replacing(good, "16,301,42000,0,D20250314C,D20250314,", "16,301,42000,0,,D20250314,")
        let first = try parse(text).lines[0]
        #expect(first.idDerived && first.id.hasPrefix("bai2-"))
        #expect(try parse(text).lines[0].id == first.id, "the derived id is the same on every reading")
    }
}

@Suite struct ImportOFXTests {
    static func example(_ name: String) throws -> Data {
        try ImportFiles.testTools("validators/examples/ofx/\(name).ofx")
    }

    func parse(_ data: Data, _ source: String = "bank.ofx") throws -> BankStatement {
        try OFX.parse(data, source: source)
    }

    func parse(_ text: String) throws -> BankStatement { try parse(Data(text.utf8)) }

    static let ids = ["MVC-CHK-20250314-CASH", "MVC-CHK-20250314-CHK-1042", "MVC-CHK-20250317-BATCH-B0314"]

    @Test("a statement followed by tens of thousands of unclosed tags is refused with its line, never a crash")
    func deepNestingIsRefused() throws {
        var text = String(decoding: try Self.example("good-deposit-v102"), as: UTF8.self)
        let bodyStart = try #require(text.range(of: "<OFX>"))
        text.insert(contentsOf: String(repeating: "<A>\n", count: 50_000), at: bodyStart.upperBound)
        #expect {
            try parse(text)
        } throws: { error in
            "\(error)".contains("nested deeper than \(OFX.maximumDepth)") && "\(error)".contains("line")
        }
    }

    @Test(arguments: ["good-deposit-v102", "good-deposit-v220"])
    func theWorkedExampleIsReadExactly(name: String) throws {
        let statement = try BankImport.parse(try Self.example(name), source: "\(name).ofx", format: .ofx)
        #expect(statement.warnings.isEmpty)
        #expect(statement.lines.map(\.id) == Self.ids)
        #expect(statement.lines.map(\.amount) == ["420.00", "185.50", "1203.77"].map(importMoney))
        #expect(statement.lines.map(\.type) == ["DEP", "DEP", "CREDIT"])
        #expect(statement.lines.map(\.date.text) == ["2025-03-14", "2025-03-14", "2025-03-17"])
        #expect(statement.lines.allSatisfy { $0.account == "000111222" && $0.currency == "USD" && !$0.idDerived })
        #expect(statement.lines.map(\.checkNumber) == [nil, "1042", nil])
        #expect(statement.lines[2].description == "Card settlement B0314 / Card batch B0314 gross 1240.00 fees 36.23")
        #expect(statement.lines.map(\.line) == (name.hasSuffix("v102") ? [43, 51, 60] : [35, 43, 52]))
    }

    @Test func theOfxtoolsSampleIsReadExactly() throws {
        let statement = try parse(try ImportFiles.testTools("samples/ofxtools-stmtrs-v200.ofx"), "stmtrs.ofx")
        #expect(statement.format == .ofx)
        #expect(statement.lines.count == 2)
        let (check, atm) = (statement.lines[0], statement.lines[1])
        #expect(check.account == "999988" && check.id == "00002" && check.type == "CHECK")
        #expect(check.amount == importMoney("-200.00") && check.checkNumber == "1000")
        #expect(check.date == BusinessDate("2005-10-04"))
        #expect(atm.id == "00003" && atm.type == "ATM" && atm.amount == importMoney("-300.00"))
        #expect(atm.date == BusinessDate("2005-10-20"))
        #expect(statement.lines.map(\.amount).sum() == importMoney("-500.00"))
    }

    @Test func theValidatorsBrokenExamplesAreRefusedWithTheirLine() throws {
        let cases: [(String, String, String)] = [
            ("bad-v102-thousands-separator", "bank.ofx line 63", "'1,203.77' has a thousands separator"),
            ("bad-v102-iso-date", "bank.ofx line 62", "'2025-03-17' is not an OFX date"),
            ("bad-v102-unknown-trntype", "bank.ofx line 44", "TRNTYPE 'DEPOSIT' is not one of"),
            ("bad-v102-missing-fitid", "bank.ofx line 51", "STMTTRN without <FITID>"),
            (
                "bad-v102-duplicate-fitid", "bank.ofx line 55",
                "'MVC-CHK-20250314-CASH' of account 000111222 is already on line 47"
            ),
            (
                "bad-v102-unclosed-stmttrn", "bank.ofx line 50",
                "starts before the previous <STMTTRN> (line 43) is closed"
            ),
            ("bad-v102-negative-deposit", "bank.ofx line 46", "TRNTYPE DEP is money in, but TRNAMT is -420.00"),
            ("bad-v102-missing-ledgerbal", "bank.ofx line 33", "no LEDGERBAL"),
            ("bad-v220-element-order", "bank.ofx line 56", "<TRNAMT> must come before <FITID>"),
            ("bad-v220-missing-ofx-header", "bank.ofx line 2", "<?OFX OFXHEADER=\"200\""),
            ("bad-v220-not-well-formed", "bank.ofx line 49", "<NAME> is not closed"),
        ]
        for (name, location, fragment) in cases {
            expectRefused(location, fragment) { _ = try parse(try Self.example(name)) }
        }
    }

    @Test func whatBanksReallySendIsAccepted() throws {
        // LF header lines and a NAME over 32 characters break VetPOS's export profile, not the specification.
        #expect(try parse(try Self.example("bad-v102-lf-header")).lines.map(\.id) == Self.ids)
        let long = try parse(try Self.example("bad-v102-name-too-long"))
        #expect(long.lines[2].description.hasPrefix("Card settlement batch B0314 from card processor"))
        // A line outside DTSTART…DTEND is imported and reported.
        let outside = try parse(try Self.example("bad-v102-date-outside-range"))
        #expect(outside.lines[2].date == BusinessDate("2025-03-18"))
        #expect(outside.warnings == ["line 60: DTPOSTED 2025-03-18 is outside the statement's 2025-03-14…2025-03-17"])
    }

    @Test func malformedVariantsAreRefusedWithTheirLine() throws {
        let good = ImportFiles.text(try Self.example("good-deposit-v102"))
        let cut = String(good.prefix(good.count / 2))
        expectRefused("bank.ofx line 43", "<STMTTRN> is never closed", "cut short") { _ = try parse(cut) }
        expectRefused("bank.ofx line 63", "more than 2 decimals") {
            _ = try parse(replacing(good, "<TRNAMT>1203.77", "<TRNAMT>1203.775"))
        }
        expectRefused("bank.ofx line 62", "'20250230120000.000[-5:EST]' is not an OFX date") {
            _ = try parse(replacing(good, "<DTPOSTED>20250317120000", "<DTPOSTED>20250230120000"))
        }
        expectRefused("bank.ofx line 63", "TRNTYPE CREDIT is money in, but TRNAMT is -1203.77") {
            _ = try parse(replacing(good, "<TRNAMT>1203.77", "<TRNAMT>-1203.77"))
        }
        expectRefused("bank.ofx line 1", "this is not an OFX file") { _ = try parse("OFX\n") }
        expectRefused("bank.ofx line 48", "corrects an earlier line") {
            _ = try parse(
                replacing(
                    good,
                    "<FITID>MVC-CHK-20250314-CASH\r\n",
                    "<FITID>MVC-CHK-20250314-CASH\r\n<CORRECTFITID>X1\r\n"
                )
            )
        }
    }
}

@Suite struct ImportMappedBankTests {
    func parse(_ text: String, mapping: CSVMapping? = nil) throws -> BankStatement {
        try MappedCSV.bankStatement(
            text,
            source: "bank.csv",
            mapping: try mapping ?? ImportFiles.mapping("bank-checking.mapping.json")
        )
    }

    @Test func aBankDownloadIsReadThroughItsMapping() throws {
        let statement = try BankImport.parse(
            try ImportFiles.fixture("bank-checking.csv"),
            source: "bank.csv",
            format: .csv,
            mapping: try ImportFiles.mapping("bank-checking.mapping.json")
        )
        #expect(statement.warnings.isEmpty)
        #expect(
            statement.lines.map(\.id) == ["20250314-000123", "20250317-000045", "20250317-000046", "20250318-000002"]
        )
        #expect(statement.lines.map(\.amount) == ["605.50", "1203.77", "-36.23", "-120.00"].map(importMoney))
        #expect(statement.lines.map(\.type) == ["CREDIT", "CREDIT", "DEBIT", "DEBIT"])
        #expect(statement.lines.map(\.date.text) == ["2025-03-14", "2025-03-17", "2025-03-17", "2025-03-18"])
        #expect(statement.lines.allSatisfy { $0.account == "000111222" && $0.currency == "USD" })
        #expect(statement.lines[2].description == "MERCHANT SVC FEE, MARCH")
        #expect(statement.lines[3].checkNumber == "1043")
    }

    @Test func withoutAReferenceColumnIdsAreDerivedAndSaidSo() throws {
        let mapping = CSVMapping(
            kind: .bank,
            account: "000111222",
            dateFormat: .daySlash,
            sign: .creditPositive,
            columns: [.date: "Date", .amount: "Amount", .description: "Text"]
        )
        let text = "Date,Amount,Text\n14/03/2025,4.50,COFFEE\n14/03/2025,4.50,COFFEE\n17/03/2025,-1.00,FEE\n"
        let statement = try parse(text, mapping: mapping)
        #expect(statement.lines.map(\.date.text) == ["2025-03-14", "2025-03-14", "2025-03-17"])
        #expect(statement.lines.allSatisfy { $0.idDerived })
        // Two identical rows are two lines (their occurrence tells them apart), and the same on every reading.
        #expect(Set(statement.lines.map(\.id)).count == 3)
        #expect(try parse(text, mapping: mapping).lines.map(\.id) == statement.lines.map(\.id))
        #expect(statement.warnings.count == 1 && statement.warnings[0].contains("no reference column"))
    }

    @Test func malformedFilesAreRefusedWithTheirLine() throws {
        let good = ImportFiles.text(try ImportFiles.fixture("bank-checking.csv"))
        expectRefused("bank.csv line 1", "the mapping's reference column 'Reference' is not in the header") {
            _ = try parse(replacing(good, "Reference", "Ref"))
        }
        expectRefused("bank.csv line 2, Credit", "'1,605.50' has a thousands separator") {
            _ = try parse(replacing(good, ",605.50,", ",\"1,605.50\","))
        }
        expectRefused("bank.csv line 3, Posting Date", "'2025-03-17' is not a date written MM/DD/YYYY") {
            _ = try parse(replacing(good, "03/17/2025,20250317-000045", "2025-03-17,20250317-000045"))
        }
        expectRefused("bank.csv line 4, Reference", "'20250317-000045' is already on line 3") {
            _ = try parse(replacing(good, "20250317-000046", "20250317-000045"))
        }
        expectRefused("bank.csv line 4, Debit", "'-36.23' is negative") {
            _ = try parse(replacing(good, ",,36.23", ",,-36.23"))
        }
        expectRefused("bank.csv line 2, Credit", "both credit and debit are filled") {
            _ = try parse(replacing(good, ",605.50,", ",605.50,1.00"))
        }
        expectRefused("bank.csv line 5", "cut short") { _ = try parse(String(good.dropLast(9))) }
    }

    @Test func typesInTheMappingCheckTheSign() throws {
        let mapping = CSVMapping(
            kind: .bank,
            account: "CHK",
            sign: .creditPositive,
            columns: [.date: "Date", .amount: "Amount", .type: "Type", .reference: "Ref"],
            types: ["DEP": "credit", "FEE": "debit", "XFER": "any"]
        )
        let good = "Date,Type,Amount,Ref\n2025-03-14,DEP,605.50,A1\n2025-03-14,FEE,-3.00,A2\n2025-03-14,XFER,-9.00,A3\n"
        #expect(try parse(good, mapping: mapping).lines.map(\.type) == ["DEP", "FEE", "XFER"])
        expectRefused("bank.csv line 2, Amount", "a DEP line (money in) of -605.50") {
            _ = try parse(replacing(good, "605.50", "-605.50"), mapping: mapping)
        }
        expectRefused("bank.csv line 3, Type", "'ATM' is not in the mapping's types") {
            _ = try parse(replacing(good, "FEE", "ATM"), mapping: mapping)
        }
    }
}
