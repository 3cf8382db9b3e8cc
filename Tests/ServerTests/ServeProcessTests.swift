import Foundation
import HTTPTypes
import POSCore
import POSSecurity
import POSStorage
import POSTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `vetpos serve` binary on a free port, over plain HTTP (`--insecure-http` on loopback; HTTPS is
/// ``HTTPSServeTests``): the address line, a sale, and a graceful shutdown
/// (SIGTERM while a request is in flight: it completes, the process exits 0, the sale is in the database).
@Suite(.serialized) struct ServeProcessTests {
    /// Beside the test runner, where `swift build --build-tests` puts it (as the CLI tests find it).
    static func binary() throws -> String {
        if let override = ProcessInfo.processInfo.environment["VETPOS_TEST_BINARY"], !override.isEmpty {
            return override
        }
        let runner = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let candidate = URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent("vetpos").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw FixtureError("\(candidate) not found; run `swift build --build-tests` first")
        }
        return candidate
    }

    /// A clinic whose manager's PIN hash is deliberately slow to verify (bcrypt cost 14), so a checkout approved by
    /// the manager is still in flight when the signal arrives.
    static func seed(_ path: String) async throws {
        let slow = try Store(path: path, pinHasher: BcryptPINHasher(cost: 14))
        let manager = TestClinic.staff.first { $0.employee.id == "MGR" }!
        _ = try await slow.setup(
            policy: TestClinic.policy,
            taxCategories: TestClinic.taxCategories,
            manager: manager.employee,
            pin: manager.pin,
            terminal: "OFFICE"
        )
        let store = try Store(path: path, pinHasher: BcryptPINHasher(cost: 4))
        let office = try await store.signIn(employee: "MGR", pin: manager.pin, terminal: "OFFICE")
        for (employee, pin) in TestClinic.staff where employee.id != "MGR" {
            _ = try await store.addEmployee(employee, pin: pin, commandID: ServerFixture.newKey(), by: office)
        }
        _ = try await store.importCatalog(TestClinic.catalog, commandID: ServerFixture.newKey(), by: office)
        for (client, patients) in TestClinic.clients {
            _ = try await store.saveClient(client, patients: patients, commandID: ServerFixture.newKey(), by: office)
        }
    }

    /// The address of the line "VetPOS is serving PATH at URL" among the startup lines.
    static func address(in printed: String) -> String? {
        printed.split(separator: "\n").first { $0.hasPrefix("VetPOS is serving ") }?.split(separator: " ").last
            .map(String.init)
    }

    /// Reads standard output until the address line is there (or 30 seconds pass, or the process ends).
    static func startupLines(_ output: Pipe) -> String {
        var printed = ""
        let deadline = Date().addingTimeInterval(30)
        while address(in: printed) == nil || !printed.contains("/\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        return printed
    }

    struct Reply: Sendable, CustomStringConvertible {
        var status: Int
        var data: Data
        var body: [String: Any] { ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:] }
        var description: String { "\(status) \(String(decoding: data, as: UTF8.self))" }
    }

    static func request(
        _ method: String,
        _ url: URL,
        token: String? = nil,
        key: String? = nil,
        json: String? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return Reply(status: status, data: data)
    }

    @Test(.timeLimit(.minutes(2))) func servesOverHTTPAndFinishesInFlightWorkOnSIGTERM() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vetpos-serve-\(UUID().uuidString).sqlite"
        )
        .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await Self.seed(path)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["serve", "--db", path, "--host", "127.0.0.1", "--port", "0", "--insecure-http"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try ProcessSpawning.run(process)
        defer { if process.isRunning { process.interrupt() } }

        // The address line, e.g. "VetPOS is serving /tmp/….sqlite at http://127.0.0.1:43121/", after a warning.
        let printed = Self.startupLines(output)
        #expect(printed.hasPrefix("WARNING: plain HTTP (--insecure-http)"), "\(printed)")
        #expect(printed.contains("\nVetPOS is serving \(path) at http://127.0.0.1:"), "\(printed)")
        let address = try #require(Self.address(in: printed), "\(printed)")
        let base = try #require(URL(string: address))

        let document = try await Self.request("GET", base.appendingPathComponent("api/openapi.json"))
        #expect(document.status == 200 && document.body["openapi"] as? String == "3.1.0")
        let session = try await Self.request(
            "POST",
            base.appendingPathComponent("api/sessions"),
            json: #"{"employee": "CSR", "pin": "1234", "terminal": "FRONT-1"}"#
        )
        let token = try #require(session.body["token"] as? String, "\(session)")

        // A checkout whose manager approval takes a bcrypt cost-14 verification (about a second); SIGTERM arrives
        // meanwhile.
        let checkout = Task {
            try await Self.request(
                "POST",
                base.appendingPathComponent("api/checkouts"),
                token: token,
                key: "graceful-shutdown-1",
                json: #"{"client": "STAFF", "lines": [{"patient": "BUDDY", "item": "EXAM", "provider": "VET"}], "#
                    + #""discounts": [{"class": "employee", "percent": 25, "#
                    + #""approval": {"employee": "MGR", "pin": "9001", "reason": "staff pet"}}], "#
                    + #""payments": [{"tender": "credit", "amount": "46.50", "brand": "visa", "last4": "4242", "#
                    + #""authCode": "AB12CD", "terminalId": "PAX-1"}]}"#
            )
        }
        // Long enough for the request to reach the server on a loaded machine, well within the second of bcrypt.
        try await Task.sleep(for: .milliseconds(700))
        #expect(process.isRunning, "the checkout finished before the signal; the test proves nothing")
        process.terminate()  // SIGTERM
        let result = try await checkout.value
        #expect(result.status == 201, "\(result)")
        #expect(result.body["status"] as? String == "paid")

        let exited = Date().addingTimeInterval(30)
        while process.isRunning, Date() < exited { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("path=/api/checkouts") || log.contains("/api/checkouts"), "\(log.suffix(2000))")
        #expect(!log.contains(token), "the log holds no tokens")

        let store = try Store(path: path, pinHasher: BcryptPINHasher(cost: 4))
        let invoice = try await store.invoice(1)
        #expect(invoice.status == .paid)
        #expect(try await store.verifyJournal().problem == nil)
    }
}
