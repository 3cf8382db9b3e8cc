import ArgumentParser
import Foundation
import POSCore
import POSSecurity
import POSStorage
import Synchronization

struct DemoCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a realistic clinic in a fresh database and run a morning of checkouts through it.",
        discussion: """
            Without --db the demo uses its own file beside the appliance's database and starts it afresh each time. \
            With --db, the file must not exist yet (or pass --replace).
            """
    )

    @Option(help: "The database file to create (default: vetpos-demo.sqlite beside the appliance's database).")
    var db: String?
    @Flag(help: "Replace the --db file if it exists.") var replace = false
    @Option(help: "The business day to simulate, YYYY-MM-DD (default: today).") var date: String?

    func execute() async throws {
        // A bare `DatabaseOptions()` was never parsed: reading its `@Option` traps, so parse it (no arguments).
        let path =
            try db
            ?? URL(fileURLWithPath: DatabaseOptions.parse([]).path).deletingLastPathComponent().appendingPathComponent(
                "vetpos-demo.sqlite"
            ).path
        // Check every input before removing anything: a bad --date must not cost the user their file.
        let calendar = try BusinessCalendar(timeZoneIdentifier: DemoData.timeZone)
        let day: BusinessDate
        if let date {
            day = try BusinessDate.parse(date, field: "--date")
        } else {
            day = calendar.businessDate(atMillis: Int64(Date().timeIntervalSince1970 * 1000))
        }
        if FileManager.default.fileExists(atPath: path) {
            guard db == nil || replace else {
                throw POSError.invalid(
                    field: "--db",
                    reason: "\(path) already exists; the demo needs a fresh database (pass --replace)"
                )
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]
        )
        let clock = DemoClock(start: calendar.millis(of: day, hour: 7, minute: 30))
        let store = try Store(path: path, pinHasher: BcryptPINHasher(), clock: { clock.now })
        let morning = DemoMorning(store: store, clock: clock, calendar: calendar)
        try await morning.run()
        print("")
        print(try await store.dayReport(day).text, terminator: "")
        try await morning.settleAndReconcile(day: day, folder: URL(fileURLWithPath: path).deletingLastPathComponent())
        let journal = try await store.auditJournal()
        print("")
        print(
            "Journal: \(journal.entries) entries, "
                + (journal.findings.first.map { "BROKEN: \($0)" }
                    ?? "chain verified (recorded heads and money rows too)")
                + "."
        )
        print("Database: \(path)")
        print("Try: vetpos report day --db \(path) --date \(day) --format json")
    }
}

/// The demo's wall clock: a morning at the desk, minutes apart, not seconds.
final class DemoClock: Sendable {
    private let millis: Mutex<Int64>

    init(start: Int64) { millis = Mutex(start) }

    var now: Int64 { millis.withLock { $0 } }

    func advance(minutes: Int64) { millis.withLock { $0 += minutes * 60_000 } }

    /// Moves the clock to a later instant (never back: the journal's times only go forward).
    func set(_ value: Int64) { millis.withLock { $0 = max($0, value) } }
}
