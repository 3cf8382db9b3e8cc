import Foundation
import Testing

@Suite(.serialized) struct DemoTests {
    /// The bytes of the database and its WAL, to show a refused command did not touch them.
    static func fileBytes(_ path: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { files[suffix] = data }
        }
        return files
    }

    static func expectDemoReport(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for fragment in [
            "Riverside Animal Hospital — day report", "Sales by category", "Payments by tender", "  cash", "  check",
            "  credit", "  debit", "  careCredit", "  account", "  Collected", "chain verified",
            // The close of the day and the days after: blind close, Z report, deposit slip, batches, matching.
            "Blind close by", "Z report #1", "Float left in the drawer", "BANK DEPOSIT SLIP", "CARD BATCHES",
            "Wrote and imported", "payoutToBank [id]", "slipToBank [id]", "processorDebitToExplain",
            "-CC $587.00 — batch closed", "SETTLEMENT AND BANK", "MATCHED", "(CareCredit pays later than cards)",
        ] {
            #expect(
                result.stdout.contains(fragment),
                "demo output should contain \"\(fragment)\"",
                sourceLocation: sourceLocation
            )
        }
        #expect(!result.stdout.contains("BROKEN"), sourceLocation: sourceLocation)
        // Every card payment of the processor stream found its settlement entry: nothing else is left to explain.
        #expect(!result.stdout.contains("batchDiffersFromProcessor"), sourceLocation: sourceLocation)
        #expect(!result.stdout.contains("payoutDoesNotAddUp"), sourceLocation: sourceLocation)
    }

    @Test func demoRunsOnceThenRefusesToOverwriteUnlessReplaced() async throws {
        let sandbox = try Sandbox("demo")
        defer { sandbox.remove() }
        let path = sandbox.path("demo.sqlite")

        let first = try await sandbox.ok(["demo", "--db", path])
        Self.expectDemoReport(first)
        #expect(first.stdout.contains("Database: \(path)"))
        #expect(try await sandbox.ok(["journal", "verify", "--db", path]).stdout.hasPrefix("journal verified"))
        let today = try #require(
            first.stdout.split(separator: "\n").first { $0.contains("— day report ") }?.split(separator: " ").last
        )

        // Again without --replace: refused, and the file is untouched.
        let before = Self.fileBytes(path)
        #expect(before[""] != nil)
        let again = try await sandbox.run(["demo", "--db", path])
        expectRefusal(again, status: 2, mentions: ["--db", path, "already exists", "--replace"])
        #expect(Self.fileBytes(path) == before, "a refused demo changed the database")

        // --replace with a bad --date: refused before anything is removed.
        let badDate = try await sandbox.run(["demo", "--db", path, "--replace", "--date", "2025-13-40"])
        expectRefusal(badDate, status: 2, mentions: ["--date", "2025-13-40"])
        #expect(Self.fileBytes(path) == before, "a refused demo changed or removed the database")

        // --replace: a fresh demo on another day; the first day's invoices are gone.
        let otherDay = today == "2025-03-14" ? "2025-03-15" : "2025-03-14"
        let replaced = try await sandbox.ok(["demo", "--db", path, "--replace", "--date", otherDay])
        Self.expectDemoReport(replaced)
        #expect(replaced.stdout.contains("day report \(otherDay)"))
        let day = try DayReportJSON.decode(
            try await sandbox.ok(["report", "day", "--db", path, "--date", otherDay, "--format", "json"]).stdout
        )
        #expect(day.invoicesPosted > 0)
        #expect(day.clinic == "Riverside Animal Hospital")
        let old = try DayReportJSON.decode(
            try await sandbox.ok(["report", "day", "--db", path, "--date", String(today), "--format", "json"]).stdout
        )
        #expect(old.invoicesPosted == 0, "the replaced database still holds the first run's day")
        #expect(try await sandbox.ok(["journal", "verify", "--db", path]).stdout.hasPrefix("journal verified"))
    }

    /// Without --db the demo uses its own file beside the appliance's database (under $XDG_DATA_HOME here) and
    /// starts afresh each time; the appliance's own database is never created.
    @Test func demoWithoutDBUsesItsOwnFile() async throws {
        let sandbox = try Sandbox("demo-default")
        defer { sandbox.remove() }
        let expected = sandbox.directory.appendingPathComponent("xdg/vetpos/vetpos-demo.sqlite").path

        let first = try await sandbox.ok(["demo", "--date", "2025-03-14"])
        Self.expectDemoReport(first)
        #expect(first.stdout.contains("Database: \(expected)"))
        #expect(FileManager.default.fileExists(atPath: expected))
        #expect(
            !FileManager.default.fileExists(
                atPath: sandbox.directory.appendingPathComponent("xdg/vetpos/vetpos.sqlite").path
            )
        )

        let second = try await sandbox.ok(["demo", "--date", "2025-03-14"])
        Self.expectDemoReport(second)
        let report = try DayReportJSON.decode(
            try await sandbox.ok(["report", "day", "--db", expected, "--date", "2025-03-14", "--format", "json"]).stdout
        )
        let firstCount = try #require(first.stdout.split(separator: "\n").first { $0.hasPrefix("Invoices posted ") })
        #expect(firstCount.hasPrefix("Invoices posted \(report.invoicesPosted) "), "the second run started afresh")
    }
}

@Suite struct HelpTests {
    @Test func helpListsTheSubcommands() async throws {
        let sandbox = try Sandbox("help")
        defer { sandbox.remove() }
        let help = try await sandbox.ok(["--help"])
        #expect(help.stdout.contains("USAGE: vetpos <subcommand>"))
        let listed = Set(
            help.stdout.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  "), let word = line.split(separator: " ").first, !word.hasPrefix("-") else {
                    return nil
                }
                return String(word)
            }
        )
        for command in [
            "demo", "setup", "checkout", "invoice", "refund", "catalog", "coupons", "clients", "employees", "report",
            "journal", "backup", "drawer", "settings",
        ] {
            #expect(listed.contains(command), "\(command) missing from --help:\n\(help.stdout)")
        }
        let checkout = try await sandbox.ok(["checkout", "--help"])
        #expect(
            checkout.stdout.contains("--jsonl") && checkout.stdout.contains("--db")
                && checkout.stdout.contains("--employee")
        )
    }
}
