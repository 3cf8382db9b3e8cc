import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import POSCore
import POSServer
import POSStorage
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The terminal's event stream (server-sent events) read over a real socket from an in-process live server: a
/// drawer event after a drawer call, scan events after scans, an unknown code that adds nothing; the stream needs a
/// session at its own terminal, and a browser that goes away is unsubscribed.
@Suite struct WebEventsTests {
    /// The fixture's store behind a server whose hub beats every 200 ms (so a gone reader is noticed quickly), on a
    /// free port.
    static func live(
        _ body: @Sendable (API, Int, TerminalEvents, ServerFixture) async throws -> Void
    ) async throws {
        let fixture = try await ServerFixture.make()
        let hub = TerminalEvents(heartbeat: .milliseconds(200))
        let server = APIServer(
            store: fixture.store,
            logger: Logger(label: "vetpos.test", factory: { _ in SwiftLogNoOpLogHandler() }),
            events: hub
        )
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(API(client: client), port, hub, fixture)
        }
    }

    @Test func aDrawerCallIsPushedToTheTerminalsPage() async throws {
        try await Self.live { api, port, hub, _ in
            let csr = try await api.signIn("CSR")
            let stream = try EventStreamClient(port: port, path: "/api/terminals/FRONT-1/events?token=\(csr)")
            defer { stream.close() }
            let head = try await stream.waitFor(": connected")
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            #expect(head.lowercased().contains("content-type: text/event-stream"), "\(head)")
            #expect(await hub.subscriberCount(terminal: "FRONT-1") == 1)
            let opened = try await api.post(
                "/api/drawer/open",
                token: csr,
                json: #"{"count": {"20": 3, "10": 4, "5": 6, "1": 20, "0.25": 40}}"#
            )
            #expect(opened.status == 201, "\(opened)")
            let text = try await stream.waitFor("event: drawer")
            let data = try #require(EventStreamClient.data(of: "drawer", in: text))
            #expect(data["state"] as? String == "open" && data["action"] as? String == "open", "\(data)")
            #expect(data["kick"] as? Bool == false, "an opening count does not open the drawer")
            let noSale = try await api.post("/api/drawer/no-sale", token: csr, json: #"{"reason": "customer change"}"#)
            #expect(noSale.status == 200, "\(noSale)")
            let after = try await stream.waitFor("\"action\":\"no-sale\"")
            let last = try #require(after.range(of: "event: drawer", options: .backwards))
            let kicked = try #require(EventStreamClient.data(of: "drawer", in: String(after[last.lowerBound...])))
            #expect(kicked["kick"] as? Bool == true, "\(kicked)")
            _ = try await stream.waitFor(": heartbeat")
        }
    }

    @Test func scansAddToTheSelectedInvoiceAndAnUnknownCodeAddsNothing() async throws {
        try await Self.live { api, port, hub, fixture in
            let csr = try await api.signIn("CSR")
            let opened = try await api.post(
                "/api/invoices",
                token: csr,
                json: #"{"client": "OWNER", "lines": [{"patient": "MIA", "item": "EXAM", "provider": "VET"}]}"#
            )
            let number = try #require(opened.json["number"] as? Int)
            let stream = try EventStreamClient(
                port: port,
                path: "/api/terminals/FRONT-1/events?token=\(csr)&invoice=\(number)"
            )
            defer { stream.close() }
            _ = try await stream.waitFor(": connected")
            #expect(await hub.selectedInvoice(terminal: "FRONT-1") == Int64(number))

            let scanned = try await api.post(
                "/api/terminals/FRONT-1/scans",
                token: csr,
                json: #"{"code": "052742462103"}"#
            )
            #expect(scanned.status == 200, "\(scanned)")
            #expect(scanned.json["result"] as? String == "added" && scanned.json["item"] as? String == "FOOD")
            let text = try await stream.waitFor("event: scan")
            let data = try #require(EventStreamClient.data(of: "scan", in: text))
            #expect(data["result"] as? String == "added", "\(data)")
            #expect(data["invoice"] as? Int == number && data["patient"] as? String == "MIA")
            _ = try await stream.waitFor("event: invoice")
            var invoice = try await fixture.store.invoice(Int64(number))
            #expect(invoice.lines.map(\.item) == ["EXAM", "FOOD"])

            let before = try await fixture.snapshot()
            let unknown = try await api.post(
                "/api/terminals/FRONT-1/scans",
                token: csr,
                json: #"{"code": "999999999999"}"#
            )
            #expect(unknown.status == 404 && unknown.error.contains("999999999999"), "\(unknown)")
            let after = try await stream.waitFor(#""result":"unknown""#)
            #expect(after.contains(#""code":"999999999999""#))
            invoice = try await fixture.store.invoice(Int64(number))
            #expect(invoice.lines.count == 2, "an unknown code adds nothing")
            #expect(try await fixture.snapshot() == before, "nothing stored")
        }
    }

    @Test func aBrowserThatGoesAwayIsUnsubscribed() async throws {
        try await Self.live { api, port, hub, _ in
            let csr = try await api.signIn("CSR")
            let stream = try EventStreamClient(port: port, path: "/api/terminals/FRONT-1/events?token=\(csr)")
            _ = try await stream.waitFor(": connected")
            #expect(await hub.subscriberCount(terminal: "FRONT-1") == 1)
            stream.close()
            let deadline = ContinuousClock.now + .seconds(60)
            while await hub.subscriberCount(terminal: "FRONT-1") > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(await hub.subscriberCount(terminal: "FRONT-1") == 0)
        }
    }

    @Test func theStreamAndScansNeedASessionAtThatTerminal() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            #expect(try await api.get("/api/terminals/FRONT-1/events", token: nil).status == 401)
            #expect(try await api.get("/api/terminals/FRONT-1/events?token=bogus", token: nil).status == 401)
            let elsewhere = try await api.get("/api/terminals/FRONT-2/events?token=\(csr)", token: nil)
            #expect(elsewhere.status == 403 && elsewhere.error.contains("FRONT-1"), "\(elsewhere)")
            let badInvoice = try await api.get("/api/terminals/FRONT-1/events?token=\(csr)&invoice=x", token: nil)
            #expect(badInvoice.status == 400 && badInvoice.error.contains("query invoice"), "\(badInvoice)")
            let tokenInQuery = try await api.post(
                "/api/terminals/FRONT-1/scans?token=\(csr)",
                token: nil,
                json: #"{"code": "TOY"}"#
            )
            #expect(tokenInQuery.status == 401, "only the event stream takes the token in the query")
            let otherTerminal = try await api.post(
                "/api/terminals/FRONT-2/scans",
                token: csr,
                json: #"{"code": "TOY"}"#
            )
            #expect(otherTerminal.status == 403)
            let nothingSelected = try await api.post(
                "/api/terminals/FRONT-1/scans",
                token: csr,
                json: #"{"code": "toy"}"#
            )
            #expect(
                nothingSelected.status == 200 && nothingSelected.json["result"] as? String == "found",
                "\(nothingSelected)"
            )
            let book = try await api.signIn("BOOK", terminal: "FRONT-1")
            #expect(
                try await api.post("/api/terminals/FRONT-1/scans", token: book, json: #"{"code": "TOY"}"#).status == 403
            )
        }
    }

    @Test func theHubKeepsOnlyTheNewestEventsOfASlowReader() async throws {
        let hub = TerminalEvents(bufferSize: 4)
        let subscription = await hub.subscribe(terminal: "T", invoice: 7)
        let other = await hub.subscribe(terminal: "U")
        for index in 1...10 {
            await hub.publish(TerminalEvents.Event(name: "invoice", data: "{\"n\":\(index)}"), to: "T")
        }
        subscription.finish()
        var received: [String] = []
        for await event in subscription.events { received.append(event.data) }
        #expect(received == ["{\"n\":7}", "{\"n\":8}", "{\"n\":9}", "{\"n\":10}"])
        #expect(TerminalEvents.Event(name: "scan", data: "{}").wire == "event: scan\ndata: {}\n\n")
        #expect(TerminalEvents.Event.heartbeat.wire == ": heartbeat\n\n")
        let deadline = ContinuousClock.now + .seconds(60)
        while await hub.subscriberCount(terminal: "T") > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await hub.subscriberCount(terminal: "T") == 0, "a finished stream is removed")
        #expect(await hub.selectedInvoice(terminal: "T") == nil)
        #expect(await hub.subscriberCount(terminal: "U") == 1)
        other.finish()
    }
}

/// A plain HTTP/1.1 client over a socket that reads a response as it arrives, for streams that never end. Reads
/// run on a thread of their own, never on the concurrency pool.
final class EventStreamClient: Sendable {
    private let socket: Int32
    private let received = Mutex("")

    init(port: Int, path: String) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw FixtureError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw FixtureError("connect to port \(port) failed") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        let sent = request.utf8CString.withUnsafeBufferPointer { send(socket, $0.baseAddress, request.utf8.count, 0) }
        guard sent == request.utf8.count else { throw FixtureError("send failed") }
    }

    /// Waits until what was received contains `text` (a minute at most: the wait ends as soon as the text arrives,
    /// only a loaded CI machine needs the margin); returns all received so far.
    func waitFor(_ text: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let all = self.received.withLock { $0 }
                    if all.contains(text) { return continuation.resume(returning: all) }
                    if ContinuousClock.now > deadline {
                        return continuation.resume(throwing: FixtureError("no '\(text)' in: \(all)"))
                    }
                    let count = recv(self.socket, &buffer, buffer.count, 0)
                    if count > 0 {
                        let chunk = String(decoding: buffer[0..<count], as: UTF8.self)
                        self.received.withLock { $0 += chunk }
                    } else if count == 0 {
                        let all = self.received.withLock { $0 }
                        return continuation.resume(
                            throwing: FixtureError("the stream ended without '\(text)': \(all)")
                        )
                    }
                }
            }
            thread.start()
        }
    }

    func close() {
        shutdown(socket, Int32(SHUT_RDWR))
        Glibc.close(socket)
    }

    /// The JSON data of the first event named `name` in `text`.
    static func data(of name: String, in text: String) -> [String: Any]? {
        guard let start = text.range(of: "event: \(name)\ndata: ") else { return nil }
        let line = text[start.upperBound...].prefix { $0 != "\n" }
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}
