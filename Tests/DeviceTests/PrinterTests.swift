import Foundation
import POSCore
import POSReceipts
import Testing

/// The receipt printer end to end: `vetpos` → libcups → a private cupsd → a raw socket queue → the bytes recorded,
/// then rendered by emupos (the ESC/POS simulator) to text and PNG, and the barcode read back by zbarimg.
@Suite(.serialized, .enabled(if: Harness.enabled, "needs the hardware harness (./dev test sets it up)"))
struct PrinterTests {
    /// What emupos made of a byte stream.
    struct Decoded {
        var events: [String]
        var receipts: [[String]]
    }

    static func decode(_ bytes: Data, png: String? = nil) async throws -> Decoded {
        let file = Harness.scratch + "/vetpos-decode-\(UUID().uuidString.prefix(8)).bin"
        try bytes.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = try await Harness.run(
            Harness.directory + "/escpos-decode.sh",
            (png.map { ["--png", $0] } ?? []) + [file]
        ).stdout
        var decoded = Decoded(events: [], receipts: [])
        var section = ""
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("== ") {
                section = line
                if line.hasPrefix("== receipt") { decoded.receipts.append([]) }
                continue
            }
            if section == "== events" { decoded.events.append(line.trimmingCharacters(in: .whitespaces)) }
            if section.hasPrefix("== receipt") { decoded.receipts[decoded.receipts.count - 1].append(line) }
        }
        return decoded
    }

    static func captured(_ server: PrintServer.Running) -> Data {
        FileManager.default.contents(atPath: server.capture) ?? Data()
    }

    /// Waits until the recording printer has more than `count` bytes and they stop growing.
    static func waitForBytes(after count: Int, _ server: PrintServer.Running) async throws -> Data {
        var last = -1
        for _ in 0..<200 {
            let now = captured(server)
            if now.count > count && now.count == last { return now }
            last = now.count
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessFailure("the printer received nothing new (still \(count) bytes)")
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        }
    }

    /// The plain-text form letter-spaces double-width text ("D e v i c e   T e s t"); the printer prints the
    /// characters double width, and emupos renders them as plain characters, not centred.
    static func printedForm(_ line: String) -> String {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let characters = Array(trimmed)
        guard characters.count > 2, stride(from: 1, to: characters.count, by: 2).allSatisfy({ characters[$0] == " " })
        else { return line }
        return stride(from: 0, to: characters.count, by: 2).map { String(characters[$0]) }.joined()
            .replacingOccurrences(of: "  ", with: " ")
    }

    @Test func aCashSaleKicksTheDrawerAndPrintsTheWholeReceipt() async throws {
        try #require(Harness.available, "the harness is not set up: run ./dev test")
        let server = try await PrintServer.shared.start()
        let desk = try await Desk.make("print", environment: ["CUPS_SERVER": server.cupsServer])
        defer { desk.remove() }
        try await desk.ok(["settings", "devices", "--printer", server.queue, "--drawer", "printer"], as: Desk.manager)
        let before = Self.captured(server).count

        let sale = try await desk.checkout(
            [("REX", "EXAM"), ("REX", "FOOD"), ("MIA", "APOQUEL")],
            tender: "cash",
            amount: "150.00"
        )
        #expect(sale.stderr.isEmpty, "nothing went wrong: \(sale.stderr)")
        let invoice = try JSONDecoder().decode(InvoiceView.self, from: Data(sale.stdout.utf8))
        let bytes = try await Self.waitForBytes(after: before, server)
        let png = Harness.scratch + "/vetpos-receipt-\(invoice.number)"
        let decoded = try await Self.decode(Data(bytes.dropFirst(before)), png: png)

        // The kick went first, as its own job: the drawer opens while the receipt prints.
        #expect(decoded.events.first?.hasPrefix("drawer.opened") == true, "\(decoded.events)")
        let printed = try #require(decoded.receipts.first, "no receipt rendered")
        #expect(decoded.receipts.count == 1)

        // Every line as the clinic's own layout renders it, word for word.
        let policy = try JSONDecoder().decode(
            ClinicPolicy.self,
            from: Data(try await desk.ok(["settings", "show"]).stdout.utf8)
        )
        let expected = try ReceiptRenderer(policy: policy).sale(invoice).text
        let barcodeLine = String(invoice.number)
        let expectedLines = Self.lines(expected).filter { !$0.isEmpty }.map { line in
            line.trimmingCharacters(in: .whitespaces) == barcodeLine
                ? "[barcode CODE128 \(barcodeLine)]" : Self.printedForm(line)
        }
        #expect(Self.lines(printed.joined(separator: "\n")).filter { !$0.isEmpty } == expectedLines)
        // And the figures themselves, independently of the layout.
        let text = printed.joined(separator: "\n")
        #expect(invoice.total == .cents(62_00 + 71_99 + 5_94 + 1_95))
        #expect(text.contains("TOTAL") && text.contains(invoice.total.formatted))
        #expect(text.contains("Prescription diet k/d 8.5 lb") && text.contains("Wellness exam"))
        #expect(text.contains("Change due") && text.contains((Money.cents(150_00) - invoice.total).formatted))

        // The invoice barcode, read back from the rendered image.
        let scanned = try await Harness.run("/usr/bin/zbarimg", ["--raw", "-q", png + "-0.png"])
        #expect(scanned.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(invoice.number))

        let queue = try await desk.ok(["print", "queue", "--all"])
        #expect(queue.stdout.hasPrefix("1\tprinted\t\(server.queue)\tinvoice \(invoice.number)\tattempts 1\tcups job "))

        let test = try await desk.ok(["print-test", server.queue], as: Desk.csr)
        #expect(
            test.stdout
                == "Queued print job 2 (test page) for \(server.queue).\nPrinted 1, printing 0, waiting 0, failed 0.\n"
        )
        let page = try await Self.waitForBytes(after: bytes.count, server)
        let pageText = try #require(try await Self.decode(Data(page.dropFirst(bytes.count))).receipts.first)
        #expect(pageText.contains("VetPOS printer test"))
    }

    @Test func aStoppedPrinterHoldsReceiptsThenPrintsEachOnceInOrder() async throws {
        try #require(Harness.available, "the harness is not set up: run ./dev test")
        let server = try await PrintServer.shared.start()
        let cups = ["CUPS_SERVER": server.cupsServer]
        let desk = try await Desk.make("stopped", environment: cups)
        defer { desk.remove() }
        try await desk.ok(["settings", "devices", "--printer", server.queue, "--drawer", "none"], as: Desk.manager)
        try await Harness.run("/usr/sbin/cupsdisable", ["-r", "paper out", server.queue], environment: cups)
        let before = Self.captured(server).count

        var numbers: [Int64] = []
        for (item, total) in [("EXAM", "62.00"), ("FOOD", "77.93"), ("APOQUEL", "1.95")] {
            let sale = try await desk.checkout([("REX", item)], tender: "credit", amount: total)
            let invoice = try JSONDecoder().decode(InvoiceView.self, from: Data(sale.stdout.utf8))
            numbers.append(invoice.number)
            // The sale is done and stored; the printer's state is only a warning.
            #expect(
                sale.stderr
                    == "vetpos: warning: the receipt for invoice \(invoice.number) waits in the print queue: queue "
                    + "\(server.queue) is stopped\n"
            )
        }
        let waiting = try await desk.ok(["print", "queue"])
        #expect(
            waiting.stdout.split(separator: "\n").map { $0.split(separator: "\t").prefix(4).joined(separator: " ") }
                == [3, 2, 1].map { "\($0) queued \(server.queue) invoice \(numbers[$0 - 1])" }
        )
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.captured(server).count == before, "nothing reached the printer while it was stopped")

        try await Harness.run("/usr/sbin/cupsenable", [server.queue], environment: cups)
        let retry = try await desk.ok(["print", "retry"], as: Desk.csr)
        #expect(retry.stdout == "Printed 3, printing 0, waiting 0, failed 0.\n")
        let again = try await desk.ok(["print", "retry"], as: Desk.csr)
        #expect(again.stdout == "Printed 0, printing 0, waiting 0, failed 0.\n", "nothing is printed twice")

        let bytes = try await Self.waitForBytes(after: before, server)
        let decoded = try await Self.decode(Data(bytes.dropFirst(before)))
        #expect(decoded.receipts.count == 3, "each receipt once")
        #expect(
            decoded.receipts.map { receipt in receipt.first { $0.hasPrefix("Invoice ") }?.split(separator: " ")[1] }
                == numbers.map { Substring(String($0)) },
            "in the order of the sales"
        )
        #expect(decoded.events.allSatisfy { !$0.hasPrefix("drawer.opened") }, "card sales never open the drawer")
        let done = try await desk.ok(["print", "queue", "--all"])
        #expect(
            done.stdout.split(separator: "\n").allSatisfy { $0.contains("\tprinted\t") && $0.contains("attempts 1") }
        )

        // A copy, marked as such and journaled with who asked for it.
        let printedBefore = Self.captured(server).count
        let copy = try await desk.ok(["reprint", String(numbers[0])], as: Desk.csr)
        #expect(copy.stdout.hasSuffix("Printed 1, printing 0, waiting 0, failed 0.\n"), "\(copy)")
        let copyBytes = try await Self.waitForBytes(after: printedBefore, server)
        let reprinted = try await Self.decode(Data(copyBytes.dropFirst(printedBefore)))
        let copyText = try #require(reprinted.receipts.first).joined(separator: "\n")
        #expect(copyText.contains("COPY") && copyText.contains("Invoice \(numbers[0]) "))
        let journal = try await desk.ok(["journal", "show"])
        #expect(journal.stdout.contains("receipt.reprinted"))

        // A queue that does not exist is refused before anything is stored.
        let bad = try await desk.run(["print-test", "no-such-queue"], as: Desk.csr)
        #expect(bad.status == 2)
        #expect(
            bad.stderr
                == "vetpos: error: queue: printer queue no-such-queue does not exist on \(server.cupsServer) [queue.invalid]\n"
        )
        #expect(try await desk.ok(["print", "queue", "--all"]).stdout.split(separator: "\n").count == 4)
    }
}
