import Foundation
import Testing

/// A front-desk day end to end through the real binary: setup, staff, catalog, a client with two pets, a checkout,
/// its replay, the reports, the journal and a backup.
@Suite(.serialized) struct HappyPathTests {
    static let checkoutJSON = """
        {
          "id": "visit-2024-0001",
          "client": "OWNER",
          "lines": [
            {"patient": "REX", "item": "EXAM", "provider": "VET"},
            {"patient": "REX", "item": "VACC", "provider": "VET"},
            {"patient": "MIA", "item": "EXAM", "provider": "VET"},
            {"patient": "MIA", "item": "FOOD", "quantity": 2, "provider": "CSR"},
            {"patient": "MIA", "item": "APOQUEL", "quantity": "2.5", "provider": "VET"},
            {"patient": "MIA", "item": "WASTE", "provider": "VET"}
          ],
          "discounts": [{"class": "multiplePets", "percent": "5", "scope": "service"}],
          "payments": [
            {"tender": "credit", "amount": "50.00", "brand": "visa", "last4": "4242", "authCode": "A7F3K2", "terminalId": "PAX-1"},
            {"tender": "cash", "amount": "300.00"}
          ]
        }
        """

    @Test func frontDeskDayEndToEnd() async throws {
        let sandbox = try Sandbox("happy")
        defer { sandbox.remove() }
        let db = sandbox.db
        try await Clinic.seed(sandbox)

        // The client was saved with both pets.
        let owner = try await sandbox.ok(["clients", "show", "--db", db, "OWNER"])
        #expect(owner.stdout.contains("\"REX\"") && owner.stdout.contains("\"MIA\""), "\(owner)")

        // The catalog comes back out in the canonical form, and importing that back changes nothing.
        let exported = try await sandbox.ok(["catalog", "export", "--db", db])
        #expect(exported.stdout == Clinic.exportedCatalogCSV)
        try await sandbox.ok(["catalog", "export", "--db", db, "-o", "exported.csv"])
        let written = try String(contentsOfFile: sandbox.path("exported.csv"), encoding: .utf8)
        #expect(written == Clinic.exportedCatalogCSV)
        let reimport = try await sandbox.ok(["catalog", "import", "--db", db, "exported.csv"], as: Clinic.manager)
        #expect(reimport.stdout == "exported.csv: 6 items — 0 added, 0 updated, 6 unchanged\n")
        #expect(try await sandbox.ok(["catalog", "export", "--db", db]).stdout == Clinic.exportedCatalogCSV)

        // Checkout prints the posted invoice.
        try sandbox.write("visit.json", Self.checkoutJSON)
        let checkout = try await sandbox.ok(["checkout", "--db", db, "visit.json"], as: Clinic.csr)
        let invoice = try InvoiceJSON.decode(checkout.stdout)
        try expectTiesOut(invoice)
        #expect(invoice.status == "paid")
        #expect(invoice.client == "OWNER")
        #expect(invoice.lines.map(\.item) == ["EXAM", "VACC", "EXAM", "FOOD", "APOQUEL", "WASTE"])
        #expect(invoice.lines.map(\.line) == Array(1...6))
        #expect(Set(invoice.pets.map(\.patient)) == ["REX", "MIA"])
        #expect(invoice.discounts.count == 1)
        // 5 % of the three services (62.00 + 24.99 + 62.00 = 148.99) is 7.45; products and fees are not discounted.
        #expect(try cents(invoice.discountTotal) == 7_45)
        for line in invoice.lines where line.kind != "service" { #expect(line.discount == "0.00", "line \(line.line)") }
        let total = try cents(invoice.total)
        #expect(total == 148_99 - 7_45 + 143_98 + 4_88 + 3_50 + 11_88 + 29)  // FOOD tax 11.88, WASTE tax 0.29
        // The card takes 50.00; cash pays the rest and the excess comes back as change.
        #expect(invoice.payments.count == 2)
        let card = try #require(invoice.payments.first { $0.tender == "credit" })
        let cash = try #require(invoice.payments.first { $0.tender == "cash" })
        #expect(card.amount == "50.00" && card.change == "0.00" && card.cardLast4 == "4242")
        #expect(try cents(cash.tendered) == 300_00)
        #expect(try cents(cash.amount) == total - 50_00)
        #expect(try cents(cash.change) == 50_00 + 300_00 - total)
        #expect(try cents(invoice.paid) == total && invoice.balanceDue == "0.00")
        let day = try #require(invoice.businessDate)

        // The same request again is a replay: the identical invoice, and still one invoice on the day.
        let replay = try await sandbox.ok(["checkout", "--db", db, "visit.json"], as: Clinic.csr)
        #expect(replay.stdout == checkout.stdout)
        let piped = try await sandbox.ok(
            ["checkout", "--db", db, "-"],
            as: Clinic.csr,
            stdin: Data(Self.checkoutJSON.utf8)
        )
        #expect(piped.stdout == checkout.stdout)
        let reportJSON = try await sandbox.ok(["report", "day", "--db", db, "--date", day, "--format", "json"])
        let report = try DayReportJSON.decode(reportJSON.stdout)
        #expect(report.invoicesPosted == 1)
        #expect(report.invoicesOpen == 0)
        #expect(report.date == day && report.clinic == Clinic.name)
        #expect(try cents(report.salesTotal) == total)
        #expect(try cents(report.collected) == total)
        #expect(try cents(report.changeGiven) == (try cents(cash.change)))
        #expect(try cents(report.discounts) == 7_45)
        #expect(report.categories.map(\.kind) == ["service", "product", "pharmacy", "fee"])
        #expect(report.categories.map(\.lines) == [3, 1, 1, 1])
        #expect(report.tenders.map(\.tender) == ["cash", "credit"])
        #expect(report.tenders.map(\.payments) == [1, 1])

        // invoice show prints exactly what checkout printed.
        let shown = try await sandbox.ok(["invoice", "show", "--db", db, "\(invoice.number)"])
        #expect(shown.stdout == checkout.stdout)

        // The text report: categories and tenders, with the amounts above.
        let text = try await sandbox.ok(["report", "day", "--db", db, "--date", day, "--format", "text"]).stdout
        #expect(text.hasPrefix("\(Clinic.name) — day report \(day)\n"))
        #expect(text.contains("Invoices posted 1 (0 of them voided); open now 0"))
        for heading in ["Sales by category", "Discounts by class", "Payments by tender", "Change given"] {
            #expect(text.contains(heading), "\(heading) in:\n\(text)")
        }
        for row in [
            "  service", "  product", "  pharmacy", "  fee", "  multiplePets", "  cash", "  credit", "  Collected",
        ] {
            #expect(text.split(separator: "\n").contains { $0.hasPrefix(row + " ") }, "\(row) in:\n\(text)")
        }
        #expect(text.contains(formatted(total)))
        #expect(text.contains(formatted(try cents(cash.change))))

        // The journal verifies; so does a backup of the database, to the same head.
        let verified = try await sandbox.ok(["journal", "verify", "--db", db]).stdout
        #expect(verified.hasPrefix("journal verified: "))
        let journal = try await sandbox.ok(["journal", "show", "--db", db, "--limit", "1000"]).lines
        #expect(journal.filter { $0.split(separator: "\t")[2] == "invoice.posted" }.count == 1)
        #expect(journal.filter { $0.split(separator: "\t")[2] == "payment.received" }.count == 2)

        let backupPath = sandbox.path("backup.sqlite")
        let backup = try await sandbox.ok(["backup", "--db", db, backupPath], as: Clinic.bookkeeper)
        #expect(backup.stdout.contains("integrity ok"), "\(backup)")
        #expect(backup.stdout.contains("1 invoices, 2 payments"), "\(backup)")
        let backupVerified = try await sandbox.ok(["journal", "verify", "--db", backupPath])
        #expect(backupVerified.stdout == verified)
        let backupInvoice = try await sandbox.ok(["invoice", "show", "--db", backupPath, "\(invoice.number)"])
        #expect(backupInvoice.stdout == checkout.stdout)
        // A backup never overwrites a file.
        let again = try await sandbox.run(["backup", "--db", db, backupPath], as: Clinic.bookkeeper)
        expectRefusal(again, status: 2, mentions: ["already exists"])
    }
}
