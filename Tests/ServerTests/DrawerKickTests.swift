import Foundation
import HTTPTypes
import POSCore
import POSDevices
import POSServer
import POSStorage
import POSTestSupport
import Testing

/// The drawer through the API: FRONT-1's drawer hangs on its printer's kick port (an in-memory print server here), and
/// is kicked after a committed sale that took cash or a check, a paid-in or out and a no-sale; never for a card, never
/// again for a replay, and a printer that is down never fails the sale.
@Suite struct DrawerKickTests {
    static let tom = #""client": "CREDIT", "lines": [{"patient": "TOM", "item": "TOY", "provider": "VET"}]"#
    static let cash = #"{\#(tom), "payments": [{"tender": "cash", "amount": "10.00"}]}"#
    static let card =
        #"{\#(tom), "payments": [{"tender": "debit", "amount": "8.23", "brand": "mastercard", "last4": "5100", "#
        + #""authCode": "M55120", "terminalId": "PAX-2"}]}"#

    /// FRONT-1 with its drawer on printer RECEIPT, its drawer session open; returns the CSR's token.
    static func desk(_ api: API) async throws -> String {
        let manager = try await api.signIn("MGR", terminal: "OFFICE")
        let devices = try await api.post(
            "/api/settings/devices",
            token: manager,
            json: #"{"terminal": "FRONT-1", "printer": "RECEIPT", "drawer": "printer"}"#
        )
        #expect(devices.status == 200, "\(devices)")
        let csr = try await api.signIn("CSR")
        let opened = try await api.post("/api/drawer/open", token: csr, json: #"{"count": {"20": 5}}"#)
        #expect(opened.status == 201, "\(opened)")
        return csr
    }

    /// The kicks the printer has been sent, once the kicks the server started are done.
    static func kicks(_ fixture: ServerFixture, _ printer: FakeReceiptPrinter) async -> Int {
        await fixture.server.deviceWork.settled()
        return printer.printed.filter { $0 == PrinterKickDrawer.kickBytes }.count
    }

    @Test func aCashSaleKicksOnceAndACardSaleOrAReplayDoesNot() async throws {
        let printer = FakeReceiptPrinter(queues: ["RECEIPT"])
        let fixture = try await ServerFixture.make(printer: printer)
        try await fixture.test { api in
            let csr = try await Self.desk(api)
            #expect(await Self.kicks(fixture, printer) == 0, "opening the drawer session kicks nothing")

            let key = ServerFixture.newKey()
            let sale = try await api.call(.post, "/api/checkouts", token: csr, key: key, json: Self.cash)
            #expect(sale.status == 201, "\(sale)")
            #expect(await Self.kicks(fixture, printer) == 1)

            let replay = try await api.call(.post, "/api/checkouts", token: csr, key: key, json: Self.cash)
            #expect(replay.status == 201 && replay.body == sale.body, "\(replay)")
            #expect(await Self.kicks(fixture, printer) == 1, "a replay never kicks again")

            let card = try await api.post("/api/checkouts", token: csr, json: Self.card)
            #expect(card.status == 201, "\(card)")
            #expect(await Self.kicks(fixture, printer) == 1, "a card never opens the drawer")
            #expect(printer.printed.count == 1, "only the kick was printed: receipts print on request")
        }
    }

    @Test func aNoSaleAndAPaidOutKickButAReplayedNoSaleDoesNot() async throws {
        let printer = FakeReceiptPrinter(queues: ["RECEIPT"])
        let fixture = try await ServerFixture.make(printer: printer)
        try await fixture.test { api in
            let csr = try await Self.desk(api)
            let key = ServerFixture.newKey()
            let body = #"{"reason": "change for the parking meter"}"#
            let noSale = try await api.call(.post, "/api/drawer/no-sale", token: csr, key: key, json: body)
            #expect(noSale.status == 200, "\(noSale)")
            #expect(await Self.kicks(fixture, printer) == 1)
            let again = try await api.call(.post, "/api/drawer/no-sale", token: csr, key: key, json: body)
            #expect(again.status == 200 && again.body == noSale.body, "\(again)")
            #expect(await Self.kicks(fixture, printer) == 1, "a replayed no-sale never kicks again")

            let paidOut = try await api.post(
                "/api/drawer/paid-out",
                token: csr,
                json: #"{"amount": "5.00", "reason": "postage"}"#
            )
            #expect(paidOut.status == 200, "\(paidOut)")
            #expect(await Self.kicks(fixture, printer) == 2)
        }
    }

    @Test func aPrinterThatIsDownOrStoppedLeavesTheSaleCreated() async throws {
        let printer = FakeReceiptPrinter(queues: ["RECEIPT"])
        let fixture = try await ServerFixture.make(printer: printer)
        try await fixture.test { api in
            let csr = try await Self.desk(api)
            printer.setDown(true)
            let down = try await api.post("/api/checkouts", token: csr, json: Self.cash)
            #expect(down.status == 201, "\(down)")
            #expect(down.json["status"] as? String == "paid")
            #expect(await Self.kicks(fixture, printer) == 0)
            printer.setDown(false)
            #expect(await Self.kicks(fixture, printer) == 0, "the kick is not sent later by surprise")

            printer.setStopped(true, queue: "RECEIPT", message: "Paper out")
            let stopped = try await api.post("/api/checkouts", token: csr, json: Self.cash)
            #expect(stopped.status == 201, "\(stopped)")
            #expect(await Self.kicks(fixture, printer) == 0)
            printer.setStopped(false, queue: "RECEIPT")
            #expect(await Self.kicks(fixture, printer) == 0, "a stopped queue does not hold the kick for later")

            let number = try #require(stopped.json["number"] as? Int)
            #expect(try await fixture.store.invoice(Int64(number)).payments.count == 1, "the sale is stored")
            let next = try await api.post("/api/checkouts", token: csr, json: Self.cash)
            #expect(next.status == 201, "\(next)")
            #expect(await Self.kicks(fixture, printer) == 1, "the printer back up, the next cash sale kicks")
        }
    }
}
