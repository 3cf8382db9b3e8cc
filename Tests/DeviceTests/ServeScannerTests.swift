import Foundation
import Testing

/// `vetpos serve --scanner FRONT-1` under the USB emulator: the scanner is read by the server, each scan lands on the
/// invoice the terminal's page shows and is pushed to it as events, and a cash checkout through the API kicks the USB
/// drawer. Part of ``USBTests``, whose tests share the emulated devices one at a time.
extension USBTests {
    /// One HTTP call with curl: the status and the JSON object answered.
    static func http(
        _ method: String,
        _ url: String,
        token: String? = nil,
        json: String? = nil
    ) async throws -> (status: Int, body: [String: Any]) {
        var arguments = ["-s", "-X", method, "-w", "\n%{http_code}", url]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let json {
            arguments += ["-H", "Content-Type: application/json", "-H", "Idempotency-Key: \(UUID().uuidString)"]
            arguments += ["--data-binary", json]
        }
        let output = try await Harness.run("/usr/bin/curl", arguments).stdout
        let status = Int(output.split(separator: "\n").last ?? "") ?? 0
        let body = output.split(separator: "\n").dropLast().joined(separator: "\n")
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        return (status, object ?? [:])
    }

    @Test func theServerReadsTheScannerIntoThePageAndKicksTheUSBDrawerForCash() async throws {
        let (desk, emulator) = try await desk("serve")
        defer { desk.remove() }
        let serve = try LiveRun(
            desk,
            ["serve", "--host", "127.0.0.1", "--port", "0", "--scanner", "FRONT-1", "--insecure-http"],
            as: Desk.csr
        )
        defer { if serve.process.isRunning { serve.process.terminate() } }
        let address = try await serve.line(containing: "VetPOS is serving")
        let base = try #require(address.split(separator: " ").last.map { String($0.dropLast()) }, "\(address)")

        let session = try await Self.http(
            "POST",
            base + "/api/sessions",
            json: #"{"employee": "CSR", "pin": "\#(Desk.csr.1)", "terminal": "FRONT-1"}"#
        )
        let token = try #require(session.body["token"] as? String, "\(session)")
        let opened = try await Self.http(
            "POST",
            base + "/api/invoices",
            token: token,
            json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "CSR"}]}"#
        )
        #expect(opened.status == 201, "\(opened)")
        let number = try #require(opened.body["number"] as? Int)

        // The terminal's page: its event stream, showing the open invoice.
        let events = Harness.scratch + "/vetpos-events-\(UUID().uuidString.prefix(8)).txt"
        let stream = Process()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        stream.arguments = [
            "-s", "-N", "-o", events, base + "/api/terminals/FRONT-1/events?token=\(token)&invoice=\(number)",
        ]
        try stream.run()
        defer {
            stream.terminate()
            try? FileManager.default.removeItem(atPath: events)
        }
        func received(_ text: String) async throws -> Bool {
            for _ in 0..<500 {
                if ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").contains(text) { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        #expect(try await received(": connected"))

        try await emulator.send("scan 052742462103")
        #expect(try await received(#""result":"added""#), "the scan is pushed to the page")
        #expect(try await received(#"event: invoice"#))
        let text = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        #expect(text.contains(#"event: scan"#) && text.contains(#""code":"052742462103""#), "\(text)")
        #expect(text.contains(#""invoice":\#(number)"#), "\(text)")
        let shown = try await Self.http("GET", base + "/api/invoices/\(number)", token: token)
        let lines = try #require(shown.body["lines"] as? [[String: Any]], "\(shown)")
        #expect(lines.compactMap { $0["item"] as? String } == ["EXAM", "FOOD"])

        let kicks = emulator.value("kicks") ?? 0
        let sale = try await Self.http(
            "POST",
            base + "/api/checkouts",
            token: token,
            json: #"{"client": "OWNER", "invoice": \#(number), "payments": [{"tender": "cash", "amount": "200.00"}]}"#
        )
        #expect(sale.status == 201, "\(sale)")
        #expect(try await emulator.waitFor("kicks", kicks + 1), "the cash sale kicks the USB drawer")
        #expect(emulator.value("open") == 1, "the drawer reports itself open")
        try await emulator.send("close-drawer")

        serve.process.terminate()
        #expect(try await serve.waitForExit() == 0, "\(serve.output)")
    }
}
