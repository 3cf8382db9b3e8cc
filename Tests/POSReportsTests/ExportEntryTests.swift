import Foundation
import POSCore
import POSReports
import POSTestSupport
import Testing

/// A generated business day: a day report whose tenders agree with its check movements, and a drawer day.
struct GeneratedDay {
    var seed: UInt64
    var report: DayReport
    var drawer: DailyEntry.DrawerDay
    var checks: [PaymentRecord]

    init(seed: UInt64, date: BusinessDate = BusinessDate("2025-06-02")!) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        func money(_ range: ClosedRange<Int64>) -> Money { .cents(Int64.random(in: range, using: &random)) }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

        var categories: [DayReport.Category] = []
        for kind in ItemKind.allCases where chance(70) {
            let gross = money(0...900_000)
            let discounts =
                chance(40) ? Money(minorUnits: Int64.random(in: 0...gross.minorUnits, using: &random)) : .zero
            let tax = chance(50) ? money(0...50_000) : .zero
            categories.append(
                .init(
                    kind: kind,
                    lines: Int.random(in: 1...40, using: &random),
                    gross: gross,
                    discounts: discounts,
                    tax: tax
                )
            )
        }

        // Check movements: payments, some reversed the same day, some refunded.
        var number = Int64.random(in: 1...50_000, using: &random)
        var checks: [PaymentRecord] = []
        func record(_ kind: PaymentKind, _ amount: Money, reverses: Int64? = nil) -> PaymentRecord {
            number += Int64.random(in: 1...4, using: &random)
            return PaymentRecord(
                number: number,
                invoice: number,
                client: "C1",
                kind: kind,
                tender: .check,
                amount: amount,
                tendered: amount,
                change: .zero,
                check: kind == .payment
                    ? CheckDetails(
                        number: "\(1000 + number % 9000)",
                        bank: "Bank",
                        payer: "Payer \(number)",
                        idNumber: "ID-1234"
                    )
                    : nil,
                card: nil,
                reverses: reverses,
                reason: kind == .payment ? nil : "reason",
                approvedBy: nil,
                employee: "CSR",
                terminal: "FRONT-1",
                atMillis: 0,
                businessDate: date
            )
        }
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let payment = record(.payment, money(1...200_000))
            checks.append(payment)
            if chance(15) {
                checks.append(record(.reversal, -payment.amount, reverses: payment.number))
            } else if chance(20) {
                checks.append(
                    record(
                        .refund,
                        -Money(minorUnits: Int64.random(in: 1...payment.amount.minorUnits, using: &random)),
                        reverses: payment.number
                    )
                )
            }
        }
        var tenders: [DayReport.TenderTotal] = []
        var refunds = Money.zero
        for tender in Tender.allCases {
            if tender == .check {
                guard !checks.isEmpty else { continue }
                let sum = { (kind: PaymentKind) in checks.filter { $0.kind == kind }.map(\.amount).sum() }
                tenders.append(
                    .init(
                        tender: .check,
                        payments: checks.filter { $0.kind == .payment }.count,
                        received: sum(.payment),
                        refunded: sum(.refund),
                        reversed: sum(.reversal)
                    )
                )
                refunds += sum(.refund)
                continue
            }
            guard chance(75) else { continue }
            let received = money(0...800_000)
            let refunded = chance(30) ? -money(0...300_000) : .zero
            let reversed = chance(15) ? -money(0...received.minorUnits) : .zero
            refunds += refunded
            tenders.append(
                .init(
                    tender: tender,
                    payments: Int.random(in: 0...30, using: &random),
                    received: received,
                    refunded: refunded,
                    reversed: reversed
                )
            )
        }
        report = DayReport(
            date: date,
            clinic: "Generated Clinic \(seed)",
            invoicesPosted: categories.count,
            invoicesVoided: 0,
            invoicesOpen: 0,
            categories: categories,
            discountsByClass: [],
            tenders: tenders,
            changeGiven: .zero,
            refundCredits: -refunds
        )
        drawer = .init(
            sessions: (0..<Int.random(in: 0...3, using: &random)).map { "FRONT-\($0) Z\($0 + 1)" },
            overShort: chance(40) ? money(-5_000...5_000) : .zero,
            adjustments: chance(15) ? money(-2_000...2_000) : .zero,
            paidIn: chance(20) ? money(1...10_000) : .zero,
            paidOut: chance(30) ? -money(1...10_000) : .zero
        )
        self.checks = checks
    }
}

@Suite struct ExportEntryTests {
    /// Over generated days: the entry balances, the bank lines of each tender add up to its account, and the written
    /// journals balance again when their text is read back.
    @Test func debitsEqualCreditsOverGeneratedDays() throws {
        let context = ExportContext(
            clinic: "Generated Clinic",
            mapping: .standard,
            timeZone: TimeZone(identifier: "America/Chicago")!,
            first: BusinessDate("2025-06-02")!,
            last: BusinessDate("2025-06-02")!
        )
        for seed in UInt64(1)...400 {
            let day = GeneratedDay(seed: seed)
            let entry = try DailyEntry.build(report: day.report, drawer: day.drawer, checks: day.checks)
            #expect(entry.debits == entry.credits, "seed \(seed)")
            #expect(entry.lines.map(\.amount).sum() == .zero, "seed \(seed)")
            #expect(!entry.lines.contains { $0.amount == .zero }, "seed \(seed)")

            // Independently of the builder: gross income and tax are credited, everything collected or owed debited.
            let credits = day.report.subtotal + day.report.tax
            let income = entry.lines.filter {
                [.services, .products, .pharmacy, .fees, .salesTax].contains($0.account)
            }
            #expect(-income.map(\.amount).sum() == credits, "seed \(seed)")
            let collected = day.report.tenders.filter { $0.tender != .account }.map(\.net).sum()
            let drawerExtras = day.drawer.overShort + day.drawer.adjustments + day.drawer.paidIn + day.drawer.paidOut
            #expect(entry.bankLines.map(\.amount).sum() == collected + drawerExtras, "seed \(seed)")

            guard !entry.lines.isEmpty else { continue }
            let iif = String(decoding: try Exporter.write([entry], as: .iif, context: context), as: UTF8.self)
            var total: Int64 = 0
            for row in iif.split(separator: "\r\n") where row.hasPrefix("TRNS\t") || row.hasPrefix("SPL\t") {
                let cells = row.split(separator: "\t", omittingEmptySubsequences: false)
                total += try #require(Money(parsing: String(cells[7]))).minorUnits
            }
            #expect(total == 0, "IIF of seed \(seed) does not add up to 0.00")

            let journal = String(decoding: try Exporter.write([entry], as: .hledger, context: context), as: UTF8.self)
            let postings = journal.split(separator: "\n").filter { $0.hasPrefix("    ") && $0.contains("$") }
            let sum = try postings.map { line -> Int64 in
                let amount = line.split(separator: "$")[1].split(separator: " ")[0]
                return try #require(Money(parsing: String(amount))).minorUnits
            }.reduce(0, +)
            #expect(sum == 0, "journal of seed \(seed) does not add up to 0.00")
            #expect(postings.count == entry.lines.count)
        }
    }

    @Test func anUnbalancedEntryIsRefused() {
        #expect(throws: POSError.self) {
            try DailyEntry(
                date: BusinessDate("2025-03-14")!,
                clinic: "X",
                lines: [
                    .init(account: .undepositedCash, amount: .cents(100), memo: "cash"),
                    .init(account: .services, amount: .cents(-99), memo: "services"),
                ],
                bankLines: [.init(kind: .cash, amount: .cents(100), source: "CASH", name: "Cash", memo: "cash")]
            )
        }
    }

    @Test func checkMovementsThatDisagreeWithTheReportAreRefused() throws {
        var day = GeneratedDay(seed: 7)
        while day.checks.isEmpty { day = GeneratedDay(seed: day.seed + 1) }
        day.checks.removeLast()
        #expect(throws: POSError.self) {
            try DailyEntry.build(report: day.report, drawer: day.drawer, checks: day.checks)
        }
    }

    @Test func aSameDayReversedCheckNeverReachesTheBank() throws {
        var day = GeneratedDay(seed: 1)
        let date = day.report.date
        let payment = PaymentRecord(
            number: 10,
            invoice: 1,
            client: "C",
            kind: .payment,
            tender: .check,
            amount: .cents(50_00),
            tendered: .cents(50_00),
            change: .zero,
            check: CheckDetails(number: "501", bank: "B", payer: "P", idNumber: "ID-99"),
            card: nil,
            reverses: nil,
            reason: nil,
            approvedBy: nil,
            employee: "E",
            terminal: "T",
            atMillis: 0,
            businessDate: date
        )
        var reversal = payment
        reversal.number = 11
        reversal.kind = .reversal
        reversal.amount = .cents(-50_00)
        reversal.reverses = 10
        reversal.check = nil
        day.checks = [payment, reversal]
        day.report.tenders.removeAll { $0.tender == .check }
        day.report.tenders.append(
            .init(tender: .check, payments: 1, received: .cents(50_00), refunded: .zero, reversed: .cents(-50_00))
        )
        day.report.refundCredits = -day.report.tenders.map(\.refunded).sum()
        let entry = try DailyEntry.build(report: day.report, drawer: day.drawer, checks: day.checks)
        #expect(!entry.bankLines.contains { $0.kind == .check || $0.kind == .checkRefund })
        #expect(!entry.lines.contains { $0.account == .undepositedChecks })
    }

    /// Over/short counts every handover and the final count (the recount, not the close count it replaced);
    /// paid-ins, paid-outs and adjustments come from the events; safe drops stay inside the clinic.
    @Test func drawerDayFromCountsAndEvents() {
        let denominations = Denomination.usd
        func count(_ dollars: Int64) -> CashCount { CashCount(["1": dollars]) }
        let events: [DrawerEvent] = [
            DrawerEvent(sequence: 1, kind: .open, count: count(100), employee: "A", atMillis: 1),
            DrawerEvent(
                sequence: 2,
                kind: .paidOut,
                amount: .cents(-5_00),
                reason: "postage",
                employee: "A",
                atMillis: 2
            ),
            DrawerEvent(
                sequence: 3,
                kind: .handover,
                count: count(144),
                employee: "A",
                otherEmployee: "B",
                atMillis: 3
            ),
            DrawerEvent(
                sequence: 4,
                kind: .safeDrop,
                amount: .cents(-100_00),
                count: count(100),
                employee: "B",
                atMillis: 4
            ),
            DrawerEvent(
                sequence: 5,
                kind: .paidIn,
                amount: .cents(20_00),
                reason: "change",
                employee: "B",
                atMillis: 5
            ),
            DrawerEvent(
                sequence: 6,
                kind: .adjustment,
                amount: .cents(3_00),
                reason: "found",
                employee: "B",
                atMillis: 6
            ),
            DrawerEvent(sequence: 7, kind: .closeCount, count: count(60), employee: "B", atMillis: 7),
            DrawerEvent(sequence: 8, kind: .recount, count: count(66), employee: "B", atMillis: 8),
        ]
        let payments = [
            DrawerPayment(
                number: 1,
                kind: .payment,
                tender: .cash,
                amount: .cents(50_00),
                tendered: .cents(60_00),
                change: .cents(10_00),
                checkNumber: nil,
                reverses: nil,
                afterEvent: 2
            )
        ]
        let counts = DrawerLedger.countResults(events: events, payments: payments, denominations: denominations)
        let day = DailyEntry.DrawerDay(sessions: [(label: "FRONT-1 Z4", counts: counts, events: events)])
        // Handover: 100 − 5 + 50 = 145 expected, 144 counted: −1. Recount: 144 − 100 + 20 + 3 = 67 expected, 66: −1.
        #expect(day.overShort == .cents(-2_00))
        #expect(day.paidOut == .cents(-5_00))
        #expect(day.paidIn == .cents(20_00))
        #expect(day.adjustments == .cents(3_00))
        #expect(day.sessions == ["FRONT-1 Z4"])
    }

    // MARK: Mapping files

    @Test func aMappingFileOverridesOnlyWhatItNames() throws {
        let mapping = try ExportMapping.read(
            Data(
                #"{"accounts": {"services": {"name": "Professional Fees", "number": "4000"}}, "clinicCode": "VET1"}"#
                    .utf8
            ),
            source: "m.json"
        )
        #expect(mapping.account(.services) == LedgerAccount(name: "Professional Fees", number: "4000"))
        #expect(mapping.account(.pharmacy) == ExportMapping.standard.account(.pharmacy))
        #expect(mapping.clinicCode(for: "Anything") == "VET1")
        #expect(ExportMapping.standard.clinicCode(for: "Riverside Animal Hospital") == "RAH")
        #expect(ExportMapping.standard.bank.intuBID == nil)
    }

    @Test(arguments: [
        (#"{"accounts": {"servics": {"name": "X"}}}"#, "m.json: accounts.servics"),
        (#"{"accounts": {"services": {"nmae": "X"}}}"#, "m.json: accounts.services.nmae"),
        (#"{"acounts": {}}"#, "m.json: acounts"),
        (#"{"bank": {"intuBID": "3000"}}"#, "m.json: bank.intuBID"),
        (#"{"bank": {"intuBid": "0"}}"#, "m.json: bank.intuBid"),
        (#"{"bank": {"bankId": "1234567890"}}"#, "m.json: bank.bankId"),
        (#"{"accounts": {"services": {"name": 4010}}}"#, "m.json: accounts.services.name"),
        (#"{"accounts": {"services": {"name": "Income:  Services"}}}"#, "m.json: accounts.services.name"),
        (#"{"accounts": {"services": {"name": "Income;Services"}}}"#, "m.json: accounts.services.name"),
        (#"{"accounts": {"services": {"name": "Income\tServices"}}}"#, "m.json: accounts.services.name"),
        (#"{"accounts": {"services": {"name": "Income:Pharmacy", "number": "4010"}}}"#, "m.json: accounts"),
        (#"{"clinicCode": "rah"}"#, "m.json: clinicCode"),
        (#"[1, 2]"#, "m.json"),
        (#"{"accounts": "#, "m.json"),
    ])
    func aBadMappingFileIsRefusedWithFileAndField(json: String, field: String) {
        do {
            _ = try ExportMapping.read(Data(json.utf8), source: "m.json")
            Issue.record("\(json) was accepted")
        } catch {
            guard case .invalid(let got, _, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(got.hasPrefix(field), "\(json): \(error)")
        }
    }

    // MARK: Text and dates

    @Test func amountsAreMinusDigitsPointTwoDigits() {
        #expect(ExportText.amount(.cents(0)) == "0.00")
        #expect(ExportText.amount(.cents(-5)) == "-0.05")
        #expect(ExportText.amount(.cents(123_456_789)) == "1234567.89")
        #expect(ExportText.amount(.cents(-100)) == "-1.00")
    }

    @Test func textIsCleanedAndTransliterated() {
        #expect(ExportText.clean("a\tb\r\nc  d \u{7}") == "a b c d")
        #expect(ExportText.ascii("Zoë Müller-Straße “Ø” – Łódź") == "Zoe Muller-Strasse \"O\" - Lodz")
        #expect(ExportText.csvText("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(ExportText.csvText("-5 off, \"deal\"") == #""'-5 off, ""deal""""#)
        #expect(ExportText.journal("a; b") == "a, b")
        #expect(ExportText.markup("A & B <c>") == "A &amp; B &lt;c&gt;")
    }

    @Test func ofxDatesAreNoonWithTheClinicsOffset() {
        let chicago = TimeZone(identifier: "America/Chicago")!
        #expect(
            ExportText.ofxDateTime(BusinessDate("2025-01-10")!, hour: 12, minute: 0, second: 0, in: chicago)
                == "20250110120000.000[-6:CST]"
        )
        #expect(
            ExportText.ofxDateTime(BusinessDate("2025-07-10")!, hour: 12, minute: 0, second: 0, in: chicago)
                == "20250710120000.000[-5:CDT]"
        )
        let india = TimeZone(identifier: "Asia/Kolkata")!
        #expect(
            ExportText.ofxDateTime(BusinessDate("2025-07-10")!, hour: 23, minute: 59, second: 59, in: india)
                == "20250710235959.000[+5.5]"
        )
        #expect(BusinessDate("2024-02-28")!.adding(days: 1) == BusinessDate("2024-02-29")!)
        #expect(BusinessDate("2025-12-31")!.adding(days: 1) == BusinessDate("2026-01-01")!)
        #expect(BusinessDate.days(from: BusinessDate("2025-02-27")!, through: BusinessDate("2025-03-02")!).count == 4)
        #expect(ExportText.monthDayYear(BusinessDate("2025-03-04")!) == "03/04/2025")
    }
}
