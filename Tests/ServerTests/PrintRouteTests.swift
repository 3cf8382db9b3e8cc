import Foundation
import HTTPTypes
import POSCore
import POSServer
import POSTestSupport
import Testing

/// Receipts over the API: queued on the persistent print queue and printed on the terminal's printer (an in-memory
/// print server here), a printer that is down never failing the sale, copies marked COPY and journaled.
@Suite struct PrintRouteTests {
    /// A paid sale on the client's account, and FRONT-1 printing on queue RECEIPT; returns the invoice number.
    static func paidSale(_ api: API, csr: String, manager: String) async throws -> Int {
        let devices = try await api.post(
            "/api/settings/devices",
            token: manager,
            json: #"{"terminal": "FRONT-1", "printer": "RECEIPT", "drawer": "printer"}"#
        )
        #expect(devices.status == 200, "\(devices)")
        let sale = try await api.post(
            "/api/checkouts",
            token: csr,
            json: #"{"client": "CREDIT", "lines": [{"patient": "TOM", "item": "TOY", "provider": "VET"}], "#
                + #""payments": [{"tender": "account", "amount": "8.23"}]}"#
        )
        #expect(sale.status == 201, "\(sale)")
        return try #require(sale.json["number"] as? Int)
    }

    static let saleTables = ["invoice", "invoiceLine", "payment", "invoiceDiscount", "invoiceVoid"]

    @Test func aPrinterThatIsDownLeavesTheJobQueuedAndTheSaleUntouched() async throws {
        let printer = FakeReceiptPrinter(queues: ["RECEIPT"])
        let fixture = try await ServerFixture.make(printer: printer)
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let number = try await Self.paidSale(api, csr: csr, manager: manager)
            let before = try await fixture.snapshot()

            printer.setDown(true)
            let queued = try await api.post("/api/invoices/\(number)/print", token: csr)
            #expect(queued.status == 202, "\(queued)")
            let job = try #require(queued.json["job"] as? [String: Any])
            #expect(job["state"] as? String == "queued")
            #expect(job["kind"] as? String == "sale" && job["queue"] as? String == "RECEIPT")
            #expect(job["invoice"] as? Int == number)
            #expect((queued.json["warnings"] as? [String])?.isEmpty == false, "\(queued)")
            #expect(job["bytes"] == nil, "the job's bytes are not shown")
            let after = try await fixture.snapshot()
            for table in Self.saleTables { #expect(after[table] == before[table], "\(table) changed") }
            #expect(after["printJob"]?.count == 1)

            let waiting = try await api.get("/api/print-jobs", token: csr)
            #expect(waiting.status == 200)
            let jobID = try #require(job["id"] as? Int)
            #expect(waiting.array.compactMap { ($0 as? [String: Any])?["id"] as? Int } == [jobID])
            #expect(printer.printed.isEmpty)

            // Back up: the retry prints the waiting receipt, and the queue empties.
            printer.setDown(false)
            let retried = try await api.post("/api/print-jobs/retry", token: csr)
            #expect(retried.status == 200, "\(retried)")
            #expect(retried.json["printed"] as? [Int] == [jobID], "\(retried)")
            #expect(printer.printed.count == 1)
            #expect(try await api.get("/api/print-jobs", token: csr).array.isEmpty)
            let all = try await api.get("/api/print-jobs?all=true", token: csr)
            #expect((all.array.first as? [String: Any])?["state"] as? String == "printed", "\(all)")
        }
    }

    @Test func aReprintIsMarkedCopyJournaledAndOncePerKey() async throws {
        let printer = FakeReceiptPrinter(queues: ["RECEIPT"])
        let fixture = try await ServerFixture.make(printer: printer)
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let number = try await Self.paidSale(api, csr: csr, manager: manager)

            let printed = try await api.post("/api/invoices/\(number)/print", token: csr)
            #expect(printed.status == 200, "\(printed)")
            #expect((printed.json["job"] as? [String: Any])?["state"] as? String == "printed")

            let key = ServerFixture.newKey()
            let copy = try await api.call(.post, "/api/invoices/\(number)/reprint", token: csr, key: key, json: "{}")
            #expect(copy.status == 200, "\(copy)")
            let job = try #require(copy.json["job"] as? [String: Any])
            #expect(job["kind"] as? String == "reprint")
            #expect(job["document"] as? String == "invoice \(number) (copy)")
            #expect(printer.printed.count == 2)
            let original = String(decoding: printer.printed[0], as: UTF8.self)
            let reprinted = String(decoding: printer.printed[1], as: UTF8.self)
            #expect(!original.contains("COPY") && reprinted.contains("COPY"))

            // The same key again is the same reprint: no second copy, no second journal entry.
            let again = try await api.call(.post, "/api/invoices/\(number)/reprint", token: csr, key: key, json: "{}")
            #expect((again.json["job"] as? [String: Any])?["id"] as? Int == job["id"] as? Int, "\(again)")
            #expect(printer.printed.count == 2)

            let journal = try await api.get("/api/journal?limit=1000", token: manager)
            #expect(journal.status == 200, "\(journal)")
            let reprints = journal.array.compactMap { $0 as? [String: Any] }.filter {
                $0["kind"] as? String == "receipt.reprinted"
            }
            #expect(reprints.count == 1, "\(journal)")
            #expect(reprints.first?["subject"] as? String == "invoice \(number) (copy)")
            #expect(reprints.first?["employee"] as? String == "CSR")
        }
    }

    @Test func refusalsQueueNothing() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            // A terminal with no printer, and no queue given.
            let opened = try await api.post(
                "/api/invoices",
                token: csr,
                json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]}"#
            )
            let open = try #require(opened.json["number"] as? Int)
            let noPrinter = try await api.post("/api/invoices/\(open)/print", token: csr)
            #expect(noPrinter.status == 400 && noPrinter.error.contains("has no printer"), "\(noPrinter)")

            let number = try await Self.paidSale(api, csr: csr, manager: manager)
            let before = try await fixture.snapshot()
            let still = try await api.post("/api/invoices/\(open)/print", token: csr)
            #expect(still.status == 409 && still.error.contains("still open"), "\(still)")
            let unknown = try await api.post(
                "/api/invoices/\(number)/print",
                token: csr,
                json: #"{"queue": "NOPE"}"#
            )
            #expect(unknown.status == 400 && unknown.error.contains("NOPE"), "\(unknown)")
            let extra = try await api.post("/api/invoices/\(number)/reprint", token: csr, json: #"{"copies": 2}"#)
            #expect(extra.status == 400 && extra.error.contains("copies"), "\(extra)")
            let missing = try await api.post("/api/invoices/99999/print", token: csr)
            #expect(missing.status == 404, "\(missing)")
            let bookkeeper = try await api.signIn("BOOK")
            let refused = try await api.post("/api/invoices/\(number)/print", token: bookkeeper)
            #expect(refused.status == 403, "\(refused)")
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func theReceiptRendersAsTextOrHTMLAtEachPaperWidth() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let number = try await Self.paidSale(api, csr: csr, manager: manager)
            for columns in [32, 42, 48] {
                let text = try await api.get("/api/invoices/\(number)/receipt?columns=\(columns)", token: csr)
                #expect(text.status == 200, "\(text)")
                #expect(text.headers[.contentType]?.hasPrefix("text/plain") == true)
                let lines = text.text.split(separator: "\n")
                #expect(!lines.isEmpty && lines.allSatisfy { $0.count <= columns }, "\(text.text)")
                #expect(text.text.contains("\(number)"))
            }
            let html = try await api.get("/api/invoices/\(number)/receipt?format=html&copy=true", token: csr)
            #expect(html.status == 200 && html.headers[.contentType]?.hasPrefix("text/html") == true, "\(html)")
            #expect(html.text.contains("<pre") && html.text.contains("** COPY **"), "\(html.text)")
            let wide = try await api.get("/api/invoices/\(number)/receipt?columns=80", token: csr)
            #expect(wide.status == 400 && wide.error.contains("query columns"), "\(wide)")
            let pdf = try await api.get("/api/invoices/\(number)/receipt?format=pdf", token: csr)
            #expect(pdf.status == 400 && pdf.error.contains("query format"), "\(pdf)")
        }
    }

    @Test func devicesAnswersWhatItKnowsWithoutAPrintServer() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let set = try await api.post(
                "/api/settings/devices",
                token: manager,
                json: #"{"printer": "RECEIPT", "scanner": true}"#
            )
            #expect(set.status == 200, "\(set)")
            let csr = try await api.signIn("CSR")
            let reply = try await api.get("/api/devices", token: csr)
            #expect(reply.status == 200, "\(reply)")
            let terminals = try #require(reply.json["terminals"] as? [String: [String: Any]])
            #expect(terminals["OFFICE"]?["printerQueue"] as? String == "RECEIPT")
            #expect(terminals["OFFICE"]?["scanner"] as? Bool == true)
            let cups = try #require(reply.json["cups"] as? [String: Any])
            // Reachable or not, the print server is reported: an unreachable one with why.
            if cups["reachable"] as? Bool == false { #expect(cups["problem"] as? String != nil, "\(reply)") }
            #expect(reply.json["usb"] as? [String: Any] != nil)
        }
    }
}
