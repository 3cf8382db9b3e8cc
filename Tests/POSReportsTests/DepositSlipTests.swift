import Foundation
import POSCore
import POSReports
import Testing

/// The deposit slip and the day's deposit report: text for the receipt printer, CSV and JSON.
@Suite struct DepositSlipTests {
    static let newYork = try! BusinessCalendar(timeZoneIdentifier: "America/New_York")
    static let day = BusinessDate("2025-03-14")!

    static func at(_ hour: Int, _ minute: Int) -> Int64 { newYork.millis(of: day, hour: hour, minute: minute) }

    static func cash(_ code: String, _ quantity: Int64) -> DepositSlip.CashLine {
        let denomination = Denomination.usd.first { $0.code == code }!
        return DepositSlip.CashLine(
            denomination: code,
            name: denomination.name,
            form: denomination.form,
            quantity: quantity,
            amount: Money(minorUnits: denomination.value.minorUnits * quantity)
        )
    }

    /// FORMATS.md §1: Maple Vet Clinic's Friday, $420.00 cash and Jane Doe's check #1042 for $185.50; plus a check
    /// that was not found at the close.
    static let workedExample = DepositSlip(
        id: "D-20250314-01",
        businessDate: day,
        clinic: "Maple Vet Clinic",
        preparedAt: at(18, 20),
        preparedBy: "MGR",
        terminal: "OFFICE",
        note: "Night drop bag 7781, taken by Morgan",
        sessions: [
            DepositSlip.Session(
                id: 41,
                drawer: "FRONT-1",
                zNumber: 212,
                closedAt: at(18, 5),
                closedBy: "CSR2",
                cash: .cents(420_00),
                checks: 1
            )
        ],
        cash: [cash("100", 2), cash("20", 10), cash("10", 1), cash("roll-0.25", 1)],
        checks: [
            DepositSlip.Check(
                number: "1042",
                payer: "Jane Doe",
                bank: "First Bank of Maple",
                amount: .cents(185_50),
                payment: 3318,
                invoice: 2207,
                session: 41
            )
        ],
        exceptions: [
            DepositSlip.Exception(
                kind: .missing,
                drawer: "FRONT-1",
                session: 41,
                checkNumber: "2001",
                check: DepositSlip.Check(
                    number: "2001",
                    payer: "Olive Owner",
                    bank: "Second Bank",
                    amount: .cents(62_00),
                    payment: 3320,
                    invoice: 2209,
                    session: 41
                )
            ),
            DepositSlip.Exception(kind: .unexpected, drawer: "FRONT-1", session: 41, checkNumber: "9999", check: nil),
        ]
    )

    @Test func theWorkedExamplePrintsOn42Columns() {
        let text = Self.workedExample.text(calendar: Self.newYork)
        let expected = """
                         Maple Vet Clinic
                        BANK DEPOSIT SLIP
            ==========================================
            Deposit                      D-20250314-01
            Date                            2025-03-14
            Prepared           2025-03-14 18:20 by MGR
            At                                  OFFICE
            Drawer FRONT-1 Z#212               $420.00
              closed 2025-03-14 18:05 by CSR2
            ------------------------------------------
            CASH
            $100 bills x 2                     $200.00
            $20 bills x 10                     $200.00
            $10 bills x 1                       $10.00
            rolls of quarters ($10) x 1         $10.00
            Currency (bills)                   $410.00
            Coin                                $10.00
            Cash total                         $420.00
            ------------------------------------------
            CHECKS
            #1042 Jane Doe                     $185.50
              First Bank of Maple
              payment 3318, invoice 2207
            Checks (1)                         $185.50
            ==========================================
            DEPOSIT TOTAL                      $605.50
            ==========================================
            EXCEPTIONS
            MISSING #2001 Olive Owner           $62.00
              FRONT-1 Z#212, payment 3320: taken but
                not found at the close; not deposited
            UNEXPECTED #9999
              FRONT-1 Z#212: found at the close but no
                payment took it; not deposited
            ------------------------------------------
            Note: Night drop bag 7781, taken by Morgan

            Deposited by              ________________
            Bank receipt              ________________

            """
        #expect(text == expected)
        for line in text.split(separator: "\n") {
            #expect(line.count <= 42, "\(line)")
            let ascii = line.unicodeScalars.allSatisfy { $0.isASCII }
            #expect(ascii, "\(line)")
        }
    }

    @Test func totalsAreComputedFromTheLines() {
        let slip = Self.workedExample
        #expect(slip.currencyTotal == .cents(410_00))
        #expect(slip.coinTotal == .cents(10_00))
        #expect(slip.cashTotal == slip.cash.map(\.amount).sum())
        #expect(slip.checkTotal == .cents(185_50))
        #expect(slip.total == slip.cashTotal + slip.checkTotal)
    }

    @Test func longNamesAreCutNeverTheAmounts() {
        var slip = Self.workedExample
        slip.clinic = String(repeating: "Very Long Clinic Name ", count: 4)
        slip.checks[0].payer = "Bartholomew Maximilian Fitzgerald-Worthington III"
        slip.checks[0].bank = "The First National Bank of the Greater Metropolitan Area"
        slip.note = String(repeating: "word ", count: 40) + "Supercalifragilisticexpialidocious-and-then-some-more"
        let rebuilt = DepositSlip(
            id: slip.id,
            businessDate: slip.businessDate,
            clinic: slip.clinic,
            preparedAt: slip.preparedAt,
            preparedBy: slip.preparedBy,
            terminal: slip.terminal,
            note: slip.note,
            sessions: slip.sessions,
            cash: slip.cash,
            checks: [
                DepositSlip.Check(
                    number: "1042",
                    payer: slip.checks[0].payer,
                    bank: slip.checks[0].bank,
                    amount: .cents(1_234_567_89),
                    payment: 3318,
                    invoice: 2207,
                    session: 41
                )
            ],
            exceptions: slip.exceptions
        )
        let text = rebuilt.text(calendar: Self.newYork)
        for line in text.split(separator: "\n") { #expect(line.count <= 42, "\(line)") }
        #expect(text.contains("\n#1042 Bartholomew Maximilian $1,234,567.89\n"))
        #expect(text.contains("DEPOSIT TOTAL                $1,234,987.89"))
    }

    static let report = DepositReport(
        date: day,
        clinic: "Maple Vet Clinic",
        deposits: [workedExample],
        awaiting: [
            DepositReport.Awaiting(
                drawer: "FRONT-2",
                session: 42,
                zNumber: 77,
                closedAt: at(19, 0),
                closedOn: day,
                cash: .cents(80_00),
                checks: .cents(25_00)
            )
        ]
    )

    @Test func theCSVHasOneRowPerDenominationAndCheck() throws {
        let csv = Self.report.csv()
        #expect(csv.hasSuffix("\r\n"))
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let records = try CSV.parse(csv, source: "deposit.csv")
        #expect(records.first?.fields == DepositReport.csvHeader)
        let rows = records.dropFirst().map(\.fields)
        #expect(rows.allSatisfy { $0.count == DepositReport.csvHeader.count })
        #expect(
            rows.map { $0[2] } == [
                "cash", "cash", "cash", "cash", "check", "missing-check", "unexpected-check", "awaiting-deposit",
            ]
        )
        #expect(rows[0] == ["D-20250314-01", "2025-03-14", "cash", "100", "2", "", "", "", "", "", "", "", "200.00"])
        #expect(
            rows[4] == [
                "D-20250314-01", "2025-03-14", "check", "", "", "1042", "Jane Doe", "First Bank of Maple", "3318",
                "2207", "FRONT-1", "41", "185.50",
            ]
        )
        #expect(
            rows[7] == ["", "2025-03-14", "awaiting-deposit", "", "", "", "", "", "", "", "FRONT-2", "42", "105.00"]
        )
        // The deposited rows add up to the slip.
        let deposited = try rows.filter { ["cash", "check"].contains($0[2]) }.map {
            try #require(Money(parsing: $0[12]))
        }
        #expect(deposited.sum() == Self.workedExample.total)
    }

    @Test func theCSVNeutralisesFormulasAndControlCharacters() throws {
        var slip = Self.workedExample
        slip.checks[0].payer = "=HYPERLINK(\"http://x\")"
        slip.checks[0].bank = "@bank\tname"
        let csv = DepositReport(date: Self.day, clinic: "Maple", deposits: [slip], awaiting: []).csv()
        let check = try #require(try CSV.parse(csv, source: "x").first { $0.fields[2] == "check" })
        #expect(check.fields[6] == "'=HYPERLINK(\"http://x\")")
        #expect(check.fields[7] == "'@bankname")
    }

    @Test func theJSONCarriesEveryTotalAndReadsBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Self.report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"total\":\"605.50\""))
        #expect(text.contains("\"cashTotal\":\"420.00\""))
        #expect(text.contains("\"checkTotal\":\"185.50\""))
        #expect(text.contains("\"kind\":\"missing\""))
        #expect(try JSONDecoder().decode(DepositReport.self, from: data) == Self.report)
    }

    @Test func theDayReportPrintsEverySlipAndWhatWaits() {
        let text = Self.report.text(calendar: Self.newYork)
        #expect(text.hasPrefix(Self.workedExample.text(calendar: Self.newYork)))
        #expect(text.contains("\nWAITING FOR A DEPOSIT\nFRONT-2 Z#77 (session 42)          $105.00\n"))
        for line in text.split(separator: "\n") { #expect(line.count <= 42, "\(line)") }
        let empty = DepositReport(date: Self.day, clinic: "Maple Vet Clinic", deposits: [], awaiting: [])
        #expect(empty.text(calendar: Self.newYork).contains("No deposit was made up on 2025-03-14."))
        #expect(empty.total == .zero && Self.report.total == Self.workedExample.total)
    }
}
