import Foundation
import POSCore
import POSReceipts
import Testing

/// The sale receipt of a two-pet visit with a multiple-pet discount, a coupon, tax, a long item name and split tender.
@Suite struct SaleReceiptTests {
    static let widths = ReceiptSettings.supportedColumns

    @Test(arguments: [32, 48])
    func matchesGoldenText(columns: Int) throws {
        let receipt = try ReceiptFixtures.renderer(columns: columns).sale(try ReceiptFixtures.invoice())
        try Golden.expect(receipt.text, matches: "sale-\(columns).txt")
    }

    @Test func matchesGoldenHTML() throws {
        let receipt = try ReceiptFixtures.renderer(columns: 48).sale(try ReceiptFixtures.invoice())
        try Golden.expect(receipt.html, matches: "sale-48.html")
    }

    @Test(arguments: widths)
    func everyLineFitsThePaper(columns: Int) throws {
        let receipt = try ReceiptFixtures.renderer(columns: columns).sale(try ReceiptFixtures.invoice())
        for line in receipt.text.split(separator: "\n") {
            #expect(line.count <= columns, "\(line.count) > \(columns): \(line)")
        }
        // On paper, double-width characters take two columns each.
        for line in try ESCPOSDecoder(receipt.escpos).lines where !line.barcode {
            #expect(line.text.count * line.widthFactor <= columns, "too wide on paper: \(line.text)")
        }
    }

    @Test(arguments: widths)
    func amountsAddUpToTheInvoiceTotals(columns: Int) throws {
        let invoice = try ReceiptFixtures.invoice()
        let text = try ReceiptFixtures.renderer(columns: columns).sale(invoice).text
        let lines = text.split(separator: "\n").map(String.init)
        // Invoice-level lines start at the margin; pet subtotals and item lines are indented.
        func amount(_ label: String, indented: Bool = false) throws -> Money {
            let line = try #require(
                lines.first { (indented ? $0.trimmingCharacters(in: .whitespaces) : $0).hasPrefix(label + " ") },
                "no line \(label)"
            )
            return try #require(Self.money(at: line), "no amount on \(line)")
        }
        let petSubtotals = try ["Subtotal Rex", "Subtotal Mia"].map { try amount($0, indented: true) }
        let subtotal = try amount("Subtotal")
        let tax = try amount("Tax")
        let total = try amount("TOTAL")
        let invoiceDiscounts = try [amount("Multiple pets 10%"), amount("Coupon ONCE5")]

        #expect(petSubtotals.sum() == subtotal)
        #expect(subtotal == invoice.subtotal)
        #expect(invoiceDiscounts.sum() == -invoice.discountTotal)
        #expect(tax == invoice.taxTotal)
        #expect(total == invoice.total)
        #expect(subtotal + invoiceDiscounts.sum() + tax == total)
        // Each pet's lines add up to its subtotal.
        let rexLines = try ["Wellness exam", "Rabies vaccine 1 yr", "Hill's Prescription"].map {
            try amount($0, indented: true)
        }
        #expect(rexLines.sum() == petSubtotals[0])

        // $100.00 cash handed over plus the card covers the total with $20.00 back.
        let cash = try amount("Cash")
        let card = try amount("Visa ****4242")
        let change = try amount("Change due")
        #expect(cash == .cents(100_00))
        #expect(change == .cents(20_00))
        #expect(cash + card - change == invoice.total)
        #expect(text.contains("Auth A1B2C3"))
        #expect(!text.contains("Balance due"))
    }

    @Test(arguments: widths)
    func longItemNamesWrapOnWordsWithTheAmountOnTheFirstLine(columns: Int) throws {
        let text = try ReceiptFixtures.renderer(columns: columns).sale(try ReceiptFixtures.invoice()).text
        let lines = text.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.contains("Hill's") })
        #expect(lines[first].hasSuffix("$143.98"))
        // The name continues on the following lines, indented, without amounts, and no word is cut.
        var name = lines[first].dropLast("$143.98".count).trimmingCharacters(in: .whitespaces)
        var next = first + 1
        while lines[next].hasPrefix("    "), !lines[next].contains("@") {
            #expect(Self.money(at: lines[next]) == nil)
            name += " " + lines[next].trimmingCharacters(in: .whitespaces)
            next += 1
        }
        #expect(next > first + 1, "the name should need more than one line at \(columns) columns")
        #expect(name == ReceiptFixtures.longFood.name)
        #expect(lines[next].trimmingCharacters(in: .whitespaces) == "2 @ $71.99")
    }

    @Test func reprintsSayCopyAndOriginalsDoNot() throws {
        let renderer = try ReceiptFixtures.renderer(columns: 32)
        let invoice = try ReceiptFixtures.invoice()
        let original = try renderer.sale(invoice)
        let copy = try renderer.sale(invoice, copy: true)
        #expect(!original.text.contains("C O P Y"))
        #expect(!original.html.contains("COPY"))
        #expect(copy.text.contains("* *   C O P Y   * *"))
        #expect(copy.text.contains("Reprint - not a new transaction"))
        #expect(copy.html.contains("<strong><span class=\"double\">** COPY **</span></strong>"))
        let copyLine = try #require(try ESCPOSDecoder(copy.escpos).lines.first { $0.text == "** COPY **" })
        #expect(copyLine.bold && copyLine.size == 0x11 && copyLine.alignment == .center)
        // The rest of the receipt is the same sale.
        #expect(copy.text.contains(original.text.split(separator: "\n").filter { $0.hasPrefix("TOTAL") }.first!))
    }

    @Test(arguments: widths)
    func escposPrintsTheSameLinesAsThePlainText(columns: Int) throws {
        let invoice = try ReceiptFixtures.invoice()
        let receipt = try ReceiptFixtures.renderer(columns: columns).sale(invoice)
        let decoded = try ESCPOSDecoder(receipt.escpos)
        #expect(decoded.initialized)
        #expect(decoded.cuts == 1)
        #expect(receipt.escpos.suffix(4) == ESCPOS.feedAndCut[...])
        #expect(
            !receipt.escpos.indices.contains { receipt.escpos[$0...].starts(with: [0x1B, 0x70]) },
            "a receipt never kicks the drawer"
        )

        let printed = decoded.lines.map { ESCPOSDecoder.paper($0, columns: columns) }
        let plain = receipt.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            String(decoding: ESCPOS.printable(String($0)), as: UTF8.self)
        }
        #expect(printed == plain)

        // The invoice number as a CODE128 barcode with its text under it, narrow enough for the paper.
        let barcode = try #require(decoded.barcodes.first)
        #expect(barcode.data == "10427")
        #expect(barcode.textBelow)
        #expect(barcode.moduleWidth == 2)

        let clinic = try #require(decoded.lines.first)
        #expect(clinic.bold && clinic.size == 0x11 && clinic.alignment == .center)
        let total = try #require(decoded.lines.first { $0.text.hasPrefix("TOTAL") })
        #expect(total.bold && total.size == 0x01 && total.text.hasSuffix(invoice.total.formatted))
        #expect(total.text.count == columns)
        let wellness = try #require(decoded.lines.first { $0.text.contains("Wellness exam") })
        #expect(!wellness.bold && wellness.size == 0)
        // The printer has no ë or í: the client's name is transliterated, one character for one.
        #expect(decoded.lines.contains { $0.text == "Client: Zoe Martinez (OWNER)" })
        #expect(receipt.text.contains("Client: Zoë Martínez (OWNER)"))
    }

    @Test func htmlEscapesDataAndMarksStyles() throws {
        var invoice = try ReceiptFixtures.invoice()
        invoice.clientName = "<script>alert('x')</script> & Co"
        let html = try ReceiptFixtures.renderer(columns: 42).sale(invoice).html
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"))
        #expect(html.contains("<strong><span class=\"tall\">TOTAL"))
        #expect(html.contains("data-code128=\"10427\""))
    }

    @Test func controlCharactersInDataNeverReachThePrinter() throws {
        var invoice = try ReceiptFixtures.invoice()
        invoice.clientName = "Evil\u{1B}p\u{0}\u{19}Name"
        let receipt = try ReceiptFixtures.renderer(columns: 48).sale(invoice)
        let decoded = try ESCPOSDecoder(receipt.escpos)
        // Each control character became a space; wrapping then joins words with single spaces.
        #expect(decoded.lines.contains { $0.text == "Client: Evil p Name (OWNER)" })
    }

    @Test func partialPaymentShowsTheBalanceDue() throws {
        let full = try ReceiptFixtures.invoice()
        let partial = try ReceiptFixtures.invoice(payments: [ReceiptFixtures.splitTender(due: full.total)[0]])
        let text = try ReceiptFixtures.renderer(columns: 42).sale(partial).text
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Balance due") })
        #expect(Self.money(at: String(line)) == .cents(80_00))
        #expect(!text.contains("Change due"))
    }

    /// The amount a receipt line ends with: `$1,234.56` or `-$5.00`.
    static func money(at line: String) -> Money? {
        guard let last = line.split(separator: " ").last, last.contains("$") else { return nil }
        return Money(parsing: last.replacingOccurrences(of: "$", with: "").replacingOccurrences(of: ",", with: ""))
    }
}
