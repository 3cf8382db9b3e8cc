import Foundation
import POSCore
import POSReceipts
import POSReports
import Testing

/// Every other receipt kind: refund, payment on account, estimate, X and Z reports, deposit slip.
@Suite struct OtherReceiptTests {
    static func lines(_ receipt: Receipt) -> [String] { receipt.text.split(separator: "\n").map(String.init) }

    /// Whatever the kind and width, no line is wider than the paper and the printer prints what the text says.
    static func expectWellFormed(_ receipt: Receipt, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for line in lines(receipt) {
            #expect(line.count <= receipt.columns, "too wide: \(line)", sourceLocation: sourceLocation)
        }
        let decoded = try ESCPOSDecoder(receipt.escpos)
        let printed = decoded.lines.map { ESCPOSDecoder.paper($0, columns: receipt.columns) }
        let plain = receipt.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            String(decoding: ESCPOS.printable(String($0)), as: UTF8.self)
        }
        #expect(printed == plain, sourceLocation: sourceLocation)
        #expect(decoded.initialized && decoded.cuts == 1, sourceLocation: sourceLocation)
    }

    @Test(arguments: ReceiptSettings.supportedColumns)
    func refundSlip(columns: Int) throws {
        var invoice = try ReceiptFixtures.invoice()
        let refund = ReceiptFixtures.cardRefund
        invoice = try ReceiptFixtures.invoice(payments: invoice.payments + [refund])
        let receipt = try ReceiptFixtures.renderer(columns: columns).refund(refund, of: invoice)
        try Self.expectWellFormed(receipt)
        let text = receipt.text
        #expect(text.contains("R E F U N D"))
        #expect(text.contains("Refund 5530 of payment 5501"))
        let refunded = try #require(Self.lines(receipt).first { $0.hasPrefix("REFUNDED") })
        #expect(refunded.hasSuffix("$15.58"))
        #expect(text.contains("Visa ****4242"))
        #expect(text.contains("Auth R9Z8Y7"))
        #expect(text.contains("Reason: Unopened toy and one bag"))
        #expect(Self.lines(receipt).contains { $0.hasPrefix("Refunds on this invoice") && $0.hasSuffix("$15.58") })
        #expect(try ESCPOSDecoder(receipt.escpos).barcodes.map(\.data) == ["10427"])
        let copy = try ReceiptFixtures.renderer(columns: columns).refund(refund, of: invoice, copy: true)
        #expect(copy.text.contains("C O P Y"))
    }

    @Test(arguments: ReceiptSettings.supportedColumns)
    func paymentOnAccount(columns: Int) throws {
        let receipt = try ReceiptFixtures.renderer(columns: columns).accountPayment(ReceiptFixtures.accountPayment)
        try Self.expectWellFormed(receipt)
        let lines = Self.lines(receipt)
        #expect(lines.contains { $0.hasPrefix("Balance before") && $0.hasSuffix("$245.30") })
        #expect(lines.contains { $0.hasPrefix("Check #3307") && $0.hasSuffix("$120.00") })
        #expect(lines.contains { $0.hasPrefix("BALANCE OWED") && $0.hasSuffix("$125.30") })
        #expect(!receipt.text.contains("Change due"))
    }

    @Test(arguments: ReceiptSettings.supportedColumns)
    func estimateIsNotAReceipt(columns: Int) throws {
        let invoice = try ReceiptFixtures.invoice(status: .open, payments: [])
        let receipt = try ReceiptFixtures.renderer(columns: columns).estimate(invoice)
        try Self.expectWellFormed(receipt)
        let text = receipt.text
        #expect(text.contains("ESTIMATE — not a receipt"))
        #expect(receipt.html.contains("ESTIMATE — not a receipt"))
        #expect(try ESCPOSDecoder(receipt.escpos).lines.contains { $0.text == "ESTIMATE - not a receipt" })
        let total = try #require(Self.lines(receipt).first { $0.hasPrefix("ESTIMATED TOTAL") })
        #expect(total.hasSuffix(invoice.total.formatted))
        #expect(text.contains("Subtotal Rex") && text.contains("Subtotal Mia"))
        #expect(!text.contains("Change due") && !text.contains("Visa"))
        #expect(!Self.lines(receipt).contains { $0.hasPrefix("Cash ") })
    }

    @Test func blindXReportShowsNoExpectedCash() throws {
        let report = ReceiptFixtures.drawerReport(kind: .x, blind: true)
        let receipt = try ReceiptFixtures.renderer(columns: 42).drawerReport(report)
        try Self.expectWellFormed(receipt)
        let text = receipt.text
        #expect(text.contains("X   R E P O R T"))
        #expect(text.contains("Expected cash: not shown until the blind"))
        #expect(text.contains("Cash: counted at the close, not shown"))
        #expect(!text.contains("Cash (1)") && !text.contains("$80.00"))
        #expect(!text.contains("Baseline count"))
        #expect(!text.contains("Expected cash  "))
        // $150.00 opening + $100.00 tendered − $20.00 change − $12.40 paid out: nowhere on a blind report.
        #expect(!text.contains("$217.60"))
        #expect(text.contains("Paid out by CSR: Postage"))
        #expect(!text.contains("Z   R E P O R T"))
    }

    @Test func managerXReportShowsTheFigures() throws {
        let report = ReceiptFixtures.drawerReport(kind: .x, blind: false)
        let receipt = try ReceiptFixtures.renderer(columns: 32).drawerReport(report)
        try Self.expectWellFormed(receipt)
        let expected = try #require(Self.lines(receipt).first { $0.hasPrefix("Expected cash") })
        #expect(expected.hasSuffix("$217.60"))
    }

    @Test func zReportMatchesGolden() throws {
        let report = ReceiptFixtures.drawerReport(kind: .z, blind: false)
        let receipt = try ReceiptFixtures.renderer(columns: 42).drawerReport(report)
        try Self.expectWellFormed(receipt)
        try Golden.expect(receipt.text, matches: "z-report-42.txt")
        let lines = Self.lines(receipt)
        // Counted $217.10 against $217.60 expected.
        #expect(lines.contains { $0.hasPrefix("  Over/short") && $0.hasSuffix("-$0.50") })
        #expect(lines.contains { $0.hasPrefix("To the bank (cash)") && $0.hasSuffix("$67.10") })
    }

    @Test func depositSlipMatchesGolden() throws {
        let receipt = try ReceiptFixtures.renderer(columns: 42).depositSlip(ReceiptFixtures.depositSlip)
        try Self.expectWellFormed(receipt)
        try Golden.expect(receipt.text, matches: "deposit-slip-42.txt")
        let lines = Self.lines(receipt)
        #expect(
            lines.contains {
                $0.hasPrefix("DEPOSIT TOTAL") && $0.hasSuffix(ReceiptFixtures.depositSlip.total.formatted)
            }
        )
        #expect(try ESCPOSDecoder(receipt.escpos).barcodes.map(\.data) == ["D-20250314-01"])
    }

    @Test(arguments: ReceiptSettings.supportedColumns)
    func drawerPaperworkFitsEveryWidth(columns: Int) throws {
        let renderer = try ReceiptFixtures.renderer(columns: columns)
        try Self.expectWellFormed(renderer.drawerReport(ReceiptFixtures.drawerReport(kind: .z, blind: false)))
        try Self.expectWellFormed(renderer.drawerReport(ReceiptFixtures.drawerReport(kind: .x, blind: true)))
        try Self.expectWellFormed(renderer.depositSlip(ReceiptFixtures.depositSlip))
    }
}
