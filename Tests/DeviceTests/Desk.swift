import Foundation
import POSTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A clinic in its own folder, driven through the real `vetpos` binary (built beside the test runner).
struct Desk: Sendable {
    static let manager = ("MGR", "9001")
    static let csr = ("CSR", "1234")
    static let terminal = "FRONT-1"
    /// FOOD carries UPC-A 052742462103.
    static let catalog = """
        code,name,kind,price,tax_category,barcode,active
        EXAM,Wellness exam,service,62.00,EXEMPT,,true
        FOOD,Prescription diet k/d 8.5 lb,product,71.99,RETAIL,052742462103,true
        APOQUEL,Apoquel 16 mg tablet,pharmacy,1.95,EXEMPT,,true

        """

    let directory: String
    var db: String { directory + "/vetpos.sqlite" }
    var extra: [String: String]

    static var binary: String {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: runner).deletingLastPathComponent().path + "/vetpos"
    }

    /// Set up, with a CSR, the catalog, client OWNER (pets REX, MIA) and the CSR's drawer open at ``terminal``.
    static func make(_ label: String, environment: [String: String] = [:]) async throws -> Desk {
        let directory = NSTemporaryDirectory() + "vetpos-device-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let desk = Desk(directory: directory, extra: environment)
        try await desk.ok(
            [
                "setup", "--clinic", "Device Test Clinic", "--time-zone", "America/Chicago", "--manager-id", "MGR",
                "--manager-name", "Morgan Manager", "--tax", "RETAIL:Retail:8.25", "--tax", "EXEMPT:Exempt:0",
            ],
            as: manager
        )
        try await desk.ok(
            ["employees", "add", "--id", "CSR", "--name", "Casey Desk", "--role", "csr"],
            as: manager,
            environment: ["VETPOS_NEW_PIN": csr.1]
        )
        try Data(catalog.utf8).write(to: URL(fileURLWithPath: directory + "/catalog.csv"))
        try await desk.ok(["catalog", "import", directory + "/catalog.csv"], as: manager)
        try await desk.ok(
            [
                "clients", "save", "--id", "OWNER", "--name", "Olive Owner", "--pet", "REX:Rex:Canine", "--pet",
                "MIA:Mia:Feline",
            ],
            as: csr
        )
        try await desk.ok(["drawer", "open", "--count", "20x3,10x2,5x6,1x20"], as: csr)
        return desk
    }

    func environment(as staff: (String, String)?) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory,
            "LANG": "C.UTF-8",
            "VETPOS_DB": db,
            "VETPOS_TERMINAL": Self.terminal,
        ]
        // The emulated USB devices reach vetpos through the umockdev preload and its testbed.
        for key in ["LD_PRELOAD", "UMOCKDEV_DIR"] { environment[key] = ProcessInfo.processInfo.environment[key] }
        if let staff {
            environment["VETPOS_EMPLOYEE"] = staff.0
            environment["VETPOS_PIN"] = staff.1
        }
        return environment.merging(extra) { $1 }
    }

    @discardableResult
    func run(
        _ arguments: [String],
        as staff: (String, String)? = nil,
        environment more: [String: String] = [:]
    )
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        var environment = environment(as: staff)
        environment.merge(more) { $1 }
        return try await Harness.run(Self.binary, arguments, environment: environment, check: false)
    }

    /// Runs and requires exit status 0.
    @discardableResult
    func ok(
        _ arguments: [String],
        as staff: (String, String)? = nil,
        environment more: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await run(arguments, as: staff, environment: more)
        try #require(
            result.status == 0,
            "vetpos \(arguments.joined(separator: " ")) → \(result.status)\n\(result.stderr)\n\(result.stdout)",
            sourceLocation: sourceLocation
        )
        return result
    }

    /// Checks out one visit; `tender` pays the whole total.
    func checkout(
        _ lines: [(String, String)],
        tender: String,
        amount: String,
        as staff: (String, String) = csr
    )
        async throws -> (status: Int32, stdout: String, stderr: String)
    {
        let lineJSON = lines.map { #"{"patient": "\#($0.0)", "item": "\#($0.1)", "provider": "CSR"}"# }
        let card =
            tender == "credit" ? #", "brand": "visa", "last4": "4242", "authCode": "A1B2C3", "terminalId": "T1""# : ""
        let json = """
            {"id": "\(UUID().uuidString.lowercased())", "client": "OWNER", "lines": [\(lineJSON.joined(separator: ", "))],
             "payments": [{"tender": "\(tender)", "amount": "\(amount)"\(card)}]}
            """
        let file = directory + "/checkout-\(UUID().uuidString.prefix(8)).json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: file))
        return try await ok(["checkout", file], as: staff)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A `vetpos` run that keeps going while the test talks to it: its output lines are collected as they come.
final class LiveRun: Sendable {
    let process: Process
    private let collected = Collected()

    final class Collected: Sendable {
        let lines = Mutex<[String]>([])
    }

    init(_ desk: Desk, _ arguments: [String], as staff: (String, String)) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Desk.binary)
        process.arguments = arguments
        process.environment = desk.environment(as: staff)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try ProcessSpawning.run(process)
        let handle = out.fileHandleForReading
        let collected = self.collected
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending = Data(pending[(newline + 1)...])
                    collected.lines.withLock { $0.append(line) }
                }
            }
        }
    }

    var output: [String] { collected.lines.withLock { $0 } }

    /// Waits until a line containing `text` appears (after the first `after` lines); returns it.
    func line(containing text: String, after: Int = 0, seconds: Double = 10) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = output.dropFirst(after).first(where: { $0.contains(text) }) { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessFailure("no line with \"\(text)\" within \(seconds) s; output so far: \(output)")
    }

    func waitForExit(seconds: Double = 10) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else {
                process.terminate()
                throw HarnessFailure("vetpos did not exit within \(seconds) s; output: \(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }
}
