import Foundation
import Testing

/// The bookkeeping validators of `TestTools/validators`, run on what `vetpos export` writes. `./dev test` installs
/// their tools with `TestTools/validators/setup.sh`; when they are missing the tests fail and say so (they never skip).
enum BookkeepingValidators {
    /// The package's `TestTools/validators` (found from this file's path).
    static let folder = ImportInput.packageRoot.appendingPathComponent("TestTools/validators")

    static func tool(_ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("validator \(path) not found")
        }
        return path
    }

    /// Runs `check-…` in the sandbox. The sandbox moves HOME, so the caller's HOME and cache settings are passed on:
    /// the validators find their Python environment through them.
    static func run(_ arguments: [String], file: String, in sandbox: Sandbox) async throws -> CLIResult {
        let parent = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in ["HOME", "XDG_CACHE_HOME", "VALIDATORS_VENV", "OFX_DTD_DIR", "CHECK_TIMEOUT"] {
            if let value = parent[key] { environment[key] = value }
        }
        let result = try await sandbox.run(
            Array(arguments.dropFirst()) + [file],
            environment: environment,
            executable: try tool(arguments[0])
        )
        if result.status == 2 {
            throw HarnessError(
                "\(arguments[0]) could not run (exit 2): the validators are not installed. Run "
                    + "\(folder.path)/setup.sh (CI: `./dev test` runs it).\n\(result.stdout)\(result.stderr)"
            )
        }
        return result
    }
}

@Suite(.serialized) struct ExportCLITests {
    /// The demo's bookkeeper and one of its CSRs.
    static let bookkeeper = Staff(id: "E07", name: "Linda Morales", role: "bookkeeper", pin: "7777")
    static let csr = Staff(id: "E02", name: "Jasmine Carter", role: "csr", pin: "2222")
    /// The demo's day: a past day, so it is closed when the tests run.
    static let day = "2025-03-14"
    static let mapping =
        #"{"clinicCode": "RAH", "bank": {"bankId": "123456789", "accountId": "000111222", "intuBid": "3000"}}"#

    /// Format, file name, validator command.
    static let formats: [(String, String, [String])] = [
        ("iif", "day.iif", ["check-iif"]),
        ("qbo", "day.qbo", ["check-qbo", "--bid", "3000"]),
        ("ofx", "day.ofx", ["check-ofx"]),
        ("xero", "day-xero.csv", ["check-csv", "--profile", "xero"]),
        ("csv", "day-plain.csv", ["check-csv", "--profile", "plain"]),
        ("hledger", "day.journal", ["check-ledger"]),
    ]

    static func demo(_ sandbox: Sandbox) async throws {
        let demo = try await sandbox.ok(["demo", "--db", sandbox.db, "--date", day])
        #expect(demo.stdout.contains("day report \(day)"))
    }

    @Test func everyExportOfTheDemoDayPassesTheValidatorsAndReExportsByteForByte() async throws {
        let sandbox = try Sandbox("export")
        defer { sandbox.remove() }
        try await Self.demo(sandbox)
        let mapping = try sandbox.write("mapping.json", Self.mapping)

        for (format, name, validator) in Self.formats {
            let arguments = ["export", format, "--db", sandbox.db, "--from", Self.day, "--to", Self.day]
            let extra = format == "qbo" ? ["--mapping", mapping] : []
            let exported = try await sandbox.ok(arguments + ["-o", sandbox.path(name)] + extra, as: Self.bookkeeper)
            #expect(exported.stdout.hasPrefix("Exported \(Self.day) as \(format) to \(sandbox.path(name)): "))

            let checked = try await BookkeepingValidators.run(validator, file: sandbox.path(name), in: sandbox)
            #expect(
                checked.status == 0,
                "\(validator.joined(separator: " ")) \(name):\n\(checked.stdout)\(checked.stderr)"
            )
            let verdict = checked.lines.last ?? ""
            #expect(verdict.hasPrefix("\(sandbox.path(name)): OK ("), "\(name): \(checked.stdout)")

            // Again, into another file: the same bytes (stable ids, nothing from the clock).
            try await sandbox.ok(arguments + ["-o", sandbox.path("again-" + name)] + extra, as: Self.bookkeeper)
            let first = try Data(contentsOf: URL(fileURLWithPath: sandbox.path(name)))
            let again = try Data(contentsOf: URL(fileURLWithPath: sandbox.path("again-" + name)))
            #expect(first == again, "re-exporting \(format) changed the file")
        }

        // The journal's income and tax are the day report's, to the cent.
        let report = try DayReportJSON.decode(
            try await sandbox.ok(["report", "day", "--db", sandbox.db, "--date", Self.day, "--format", "json"]).stdout
        )
        let journal = try String(contentsOfFile: sandbox.path("day.journal"), encoding: .utf8)
        func posting(_ account: String) throws -> Int64 {
            let line = try #require(journal.split(separator: "\n").first { $0.hasPrefix("    \(account) ") })
            return try cents(String(line.split(separator: "$")[1].split(separator: " ")[0]))
        }
        let income = try ["Professional Services", "Retail Products", "Pharmacy", "Fees"].map {
            try posting("Income:\($0)")
        }.reduce(0, +)
        #expect(income == -(try cents(report.subtotal)))
        #expect(try posting("Liabilities:Sales Tax Payable") == -(try cents(report.tax)))
        #expect(try posting("Income:Discounts Given") == (try cents(report.discounts)))
        #expect(journal.contains("2025-03-14 * (DAY20250314) Riverside Animal Hospital day close"))
        #expect(journal.contains("    ; id:RAH-20250314-DAY\n"))
    }

    @Test func refusalsAreOneLineAndWriteNothing() async throws {
        let sandbox = try Sandbox("export-refusals")
        defer { sandbox.remove() }
        try await Self.demo(sandbox)
        let out = sandbox.path("out.csv")
        let base = ["--db", sandbox.db, "--from", Self.day, "-o", out]

        expectRefusal(
            try await sandbox.run(["export", "csv"] + base, as: Self.csr),
            status: 3,
            mentions: ["E02", "export data"]
        )
        expectRefusal(
            try await sandbox.run(["export", "pdf"] + base, as: Self.bookkeeper),
            status: 2,
            mentions: ["FORMAT", "pdf"]
        )
        expectRefusal(
            try await sandbox.run(
                ["export", "csv", "--db", sandbox.db, "--from", "2025-02-30", "-o", out],
                as: Self.bookkeeper
            ),
            status: 2,
            mentions: ["--from", "2025-02-30"]
        )
        expectRefusal(
            try await sandbox.run(
                ["export", "csv", "--db", sandbox.db, "--from", Self.day, "--to", "2025-03-01", "-o", out],
                as: Self.bookkeeper
            ),
            status: 2,
            mentions: ["--to", "before"]
        )
        let misspelt = try sandbox.write("mapping.json", #"{"accounts": {"servics": {"name": "Income:Services"}}}"#)
        expectRefusal(
            try await sandbox.run(["export", "iif"] + base + ["--mapping", misspelt], as: Self.bookkeeper),
            status: 2,
            mentions: ["mapping.json: accounts.servics", "unknown account"]
        )
        expectRefusal(
            try await sandbox.run(["export", "qbo"] + base, as: Self.bookkeeper),
            status: 2,
            mentions: ["bank.intuBid", "--mapping"]
        )
        expectRefusal(
            try await sandbox.run(
                ["export", "csv", "--db", sandbox.db, "--from", "2099-01-01", "-o", out],
                as: Self.bookkeeper
            ),
            status: 4,
            mentions: ["2099-01-01", "not over yet"]
        )
        expectRefusal(
            try await sandbox.run(
                ["export", "csv", "--db", sandbox.db, "--from", "2025-03-10", "--to", "2025-03-11", "-o", out],
                as: Self.bookkeeper
            ),
            status: 2,
            mentions: ["2025-03-10 to 2025-03-11", "no closed business day"]
        )
        #expect(!FileManager.default.fileExists(atPath: out), "a refused export wrote its file")
    }
}
