import Foundation
import POSCore
import POSServer
import POSStorage
import POSTestSupport
import Testing

/// `serve --scanner`'s reader in process, over a scanner that replays its events: scans go the scans route's way as
/// whoever signed in at the terminal last, and the terminal's page is told everything, including a scanner unplugged.
@Suite struct ScannerReaderTests {
    /// The next `count` events of a subscription, heartbeats left out.
    static func next(_ count: Int, of subscription: TerminalEvents.Subscription) async -> [TerminalEvents.Event] {
        var events: [TerminalEvents.Event] = []
        for await event in subscription.events where !event.name.isEmpty {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    @Test func aScanWithNobodySignedInAddsNothingAndSignedInItLandsOnTheShownInvoice() async throws {
        let fixture = try await ServerFixture.make()
        let server = fixture.server
        let page = await server.events.subscribe(terminal: "FRONT-1")
        let unplugged = FakeBarcodeScanner([.disconnected, .reconnected, .scanned("TOY")])
        let first = Task { await server.readScanner(unplugged, at: "FRONT-1") }
        let told = await Self.next(3, of: page)
        first.cancel()
        await first.value
        #expect(told.map(\.name) == ["scanner", "scanner", "scan"])
        #expect(told[0].data == #"{"state":"disconnected"}"# && told[1].data == #"{"state":"connected"}"#)
        #expect(told[2].data == #"{"code":"TOY","message":"sign in at FRONT-1 first","result":"refused"}"#)
        page.finish()

        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let opened = try await api.post(
                "/api/invoices",
                token: csr,
                json: #"{"client": "CREDIT", "lines": [{"patient": "TOM", "item": "EXAM", "provider": "VET"}]}"#
            )
            #expect(opened.status == 201, "\(opened)")
            let number = try #require(opened.json["number"] as? Int)
            #expect(
                try await fixture.store.invoice(Int64(number)).lines.map(\.item) == ["EXAM"],
                "the refused scan added nothing"
            )

            let shown = await server.events.subscribe(terminal: "FRONT-1", invoice: Int64(number))
            let second = Task { await server.readScanner(FakeBarcodeScanner([.scanned("TOY")]), at: "FRONT-1") }
            let events = await Self.next(2, of: shown)
            second.cancel()
            await second.value
            #expect(events.map(\.name) == ["scan", "invoice"])
            #expect(events.first?.data.contains(#""result":"added""#) == true, "\(events)")
            #expect(events.last?.data == #"{"change":"lines","number":\#(number)}"#)
            let lines = try await fixture.store.invoice(Int64(number)).lines
            #expect(lines.map(\.item) == ["EXAM", "TOY"])
            #expect(lines.last?.patient == "TOM")
        }
    }
}
