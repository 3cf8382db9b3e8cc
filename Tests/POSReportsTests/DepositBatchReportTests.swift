import Foundation
import POSCore
import POSReports
import Testing

/// Card batches as matching and the batches report see them.
@Suite struct DepositBatchReportTests {
    static let calendar = try! BusinessCalendar(timeZoneIdentifier: "America/New_York")
    static let day = BusinessDate("2025-03-14")!
    static let before = BusinessDate("2025-03-13")!

    static func payment(
        _ number: Int64,
        _ cents: Int64,
        _ tender: Tender = .credit,
        _ brand: CardBrand = .visa,
        kind: PaymentKind = .payment,
        terminal: String = "PAX-1",
        on date: BusinessDate = day
    ) -> CardBatch.Payment {
        CardBatch.Payment(
            number: number,
            kind: kind,
            tender: tender,
            brand: brand,
            last4: "4242",
            authCode: "A\(number)",
            terminal: terminal,
            amount: .cents(cents),
            atMillis: calendar.millis(of: date, hour: 10, minute: Int(number % 60)),
            businessDate: date,
            invoice: number + 1000,
            reverses: kind == .payment ? nil : number - 1
        )
    }

    /// FORMATS.md §1's batch B0314: gross 1,240.00 on PAX-1 (with a refund and a CareCredit sale), plus a sale of the
    /// day before that was still open.
    static let pax1 = CardBatch(
        id: "PAX-1-20250314-01",
        terminal: "PAX-1",
        businessDate: day,
        sequence: 1,
        closedAt: calendar.millis(of: day, hour: 18, minute: 5),
        closedBy: "CSR2",
        reference: "B0314",
        reportedNet: .cents(1_240_00),
        payments: [
            payment(1, 100_00, on: before),
            payment(2, 600_00),
            payment(3, 250_00, .debit, .mastercard),
            payment(4, -10_00, kind: .refund),
            payment(5, 300_00, .careCredit, .careCredit),
        ]
    )

    @Test func aBatchTotalsItsPaymentsByTenderAndBrand() {
        let batch = Self.pax1
        #expect(batch.count == 5)
        #expect(batch.sales == .cents(1_250_00) && batch.refunds == .cents(-10_00) && batch.net == .cents(1_240_00))
        #expect(batch.brands.map(\.label) == ["visa credit", "mastercard debit", "careCredit"])
        #expect(batch.brands.map(\.count) == [3, 1, 1])
        #expect(batch.brands.map(\.net) == [.cents(690_00), .cents(250_00), .cents(300_00)])
        #expect(batch.brands[0].refunds == .cents(-10_00))
        #expect(batch.processor.net == .cents(940_00) && batch.processor.count == 4)
        #expect(batch.careCredit.net == .cents(300_00) && batch.careCredit.count == 1)
        #expect(batch.processor.net + batch.careCredit.net == batch.net)
        #expect(batch.difference == .zero)
        var short = batch
        short.reportedNet = .cents(1_239_00)
        #expect(short.difference == .cents(-1_00))
    }

    static let report = CardBatchReport(
        date: day,
        clinic: "Maple Vet Clinic",
        payments: pax1.payments.filter { $0.businessDate == day }.map { ($0, pax1.id) } + [
            (payment(6, 45_00, .credit, .amex, terminal: "PAX-2"), nil)
        ],
        batches: [pax1],
        open: [payment(6, 45_00, .credit, .amex, terminal: "PAX-2"), payment(7, 20_00, terminal: "PAX-3", on: before)]
    )

    @Test func theDayTiesToItsBatchesAndWhatIsOpen() {
        let report = Self.report
        #expect(report.systemNet == .cents(1_185_00))
        #expect(report.systemCount == 5)
        #expect(report.system.map(\.label) == ["visa credit", "amex credit", "mastercard debit", "careCredit"])
        let reconciliation = report.reconciliation
        #expect(reconciliation.system == reconciliation.systemInBatches + reconciliation.systemOpen)
        #expect(reconciliation.systemInBatches == .cents(1_140_00) && reconciliation.systemOpen == .cents(45_00))
        #expect(reconciliation.batches == reconciliation.systemInBatches + reconciliation.earlierInBatches)
        #expect(reconciliation.earlierInBatches == .cents(100_00))
        #expect(reconciliation.earlierOpen == .cents(20_00))
        #expect(report.open.map(\.terminal) == ["PAX-2", "PAX-3"])
        #expect(report.open.map(\.net) == [.cents(45_00), .cents(20_00)])
        #expect(report.open.map(\.since) == [Self.day, Self.before])
    }

    @Test func theTextPrintsOn42Columns() {
        let text = Self.report.text(calendar: Self.calendar)
        for line in text.split(separator: "\n") { #expect(line.count <= 42, "\(line)") }
        let expectedBatch = """
            BATCH                    PAX-1-20250314-01
            Closed            2025-03-14 18:05 by CSR2
            Terminal batch no.                   B0314
            visa credit (3)                    $690.00
              sales                            $700.00
              refunds                          -$10.00
            mastercard debit (1)               $250.00
            careCredit (1)                     $300.00
            Sales                            $1,250.00
            Refunds                            -$10.00
            Batch total (5)                  $1,240.00
              card processor                   $940.00
              CareCredit (settles apart)       $300.00
            Terminal report                  $1,240.00
            Difference                           $0.00
              from earlier days (1)            $100.00
            """
        #expect(text.contains(expectedBatch))
        #expect(text.contains("OPEN (NO BATCH CLOSED YET)\nPAX-2 (1)                           $45.00\n"))
        #expect(text.contains("PAX-3 (1)                           $20.00\n  since 2025-03-13\n"))
        #expect(text.contains("Day's payments" + String(repeating: " ", count: 19) + "$1,185.00\n"))
        #expect(Self.pax1.text(calendar: Self.calendar).hasPrefix("BATCH                    PAX-1-20250314-01\n"))
    }

    @Test func theCSVHasOneRowPerSectionBatchAndBrand() throws {
        let csv = Self.report.csv()
        #expect(csv.hasSuffix("\r\n"))
        let records = try CSV.parse(csv, source: "batches.csv")
        #expect(records.first?.fields == CardBatchReport.csvHeader)
        let rows = records.dropFirst().map(\.fields)
        #expect(
            rows.map { $0[0] } == ["system", "system", "system", "system", "batch", "batch", "batch", "open", "open"]
        )
        #expect(
            rows[4] == [
                "batch", "2025-03-14", "PAX-1-20250314-01", "PAX-1", "B0314", "2025-03-14", "credit", "visa", "3",
                "700.00", "-10.00", "690.00", "", "", "", "", "", "", "",
            ]
        )
        let batchNet = try rows.filter { $0[0] == "batch" }.map { try #require(Money(parsing: $0[11])) }.sum()
        #expect(batchNet == Self.pax1.net)
        let systemNet = try rows.filter { $0[0] == "system" }.map { try #require(Money(parsing: $0[11])) }.sum()
        #expect(systemNet == Self.report.systemNet)
    }

    @Test func theJSONReadsBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Self.report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"id\":\"PAX-1-20250314-01\""))
        #expect(text.contains("\"reference\":\"B0314\""))
        #expect(text.contains("\"authCode\":\"A2\""))
        #expect(try JSONDecoder().decode(CardBatchReport.self, from: data) == Self.report)
    }
}
