import Foundation
import POSCore
import POSStorage

/// The appliance at a glance, for `vetpos status`, `GET /api/status` and the managers' status page: the database
/// (size, schema, the journal verified from its first entry, open drawers, waiting print jobs), the backups folder
/// (the newest backup and whether it verified), and the devices seen.
public struct ApplianceStatus: Sendable, Encodable {
    /// A backup is overdue when the newest verified one is older than this (36 hours) or there is none.
    public static let maximumBackupAgeMillis: Int64 = 36 * 3_600_000

    /// The exit status of `vetpos status` when a backup is overdue.
    public static let backupOverdueExitCode: Int32 = 6
    /// … and when the journal does not verify (as `vetpos journal verify`).
    public static let journalBrokenExitCode: Int32 = 5

    public struct Backup: Sendable, Encodable, Equatable {
        public var name: String
        public var path: String
        public var bytes: Int64
        public var takenAtMillis: Int64
        /// It has its verification record (``BackupRecord``).
        public var verified: Bool
        public var journalEntries: Int64?
        public var schemaVersion: String?

        init(_ file: Backups.File) {
            name = file.name
            path = file.path
            bytes = file.bytes
            takenAtMillis = file.takenAtMillis
            verified = file.record != nil
            journalEntries = file.record?.journalEntries
            schemaVersion = file.record?.schemaVersion
        }
    }

    public struct Devices: Sendable, Encodable, Equatable {
        /// Printer queues seen, each with its state in words.
        public var printers: [Device]
        public var printerProblem: String?
        /// Recognised USB devices (scanners, drawers, printers).
        public var usb: [Device]
        public var usbProblem: String?

        public init(printers: [Device], printerProblem: String?, usb: [Device], usbProblem: String?) {
            self.printers = printers
            self.printerProblem = printerProblem
            self.usb = usb
            self.usbProblem = usbProblem
        }
    }

    public struct Device: Sendable, Encodable, Equatable {
        public var name: String
        public var state: String

        public init(name: String, state: String) {
            self.name = name
            self.state = state
        }
    }

    public var checkedAtMillis: Int64
    public var database: DatabaseStatus
    /// The binary's own schema version (`v7`).
    public var programSchemaVersion: String
    public var backupFolder: String
    public var backups: Int
    /// The newest backup file in the folder, verified or not.
    public var lastBackup: Backup?
    public var lastVerifiedBackup: Backup?
    /// No verified backup, or the newest is older than 36 hours.
    public var backupOverdue: Bool
    public var devices: Devices?

    public init(
        database: DatabaseStatus,
        backupFolder: String,
        devices: Devices?,
        now: Int64
    ) {
        let files = Backups.list(folder: backupFolder)
        checkedAtMillis = now
        self.database = database
        programSchemaVersion = Store.schemaVersion
        self.backupFolder = backupFolder
        backups = files.count
        lastBackup = files.first.map(Backup.init)
        lastVerifiedBackup = files.first { $0.record != nil }.map(Backup.init)
        backupOverdue = lastVerifiedBackup.map { now - $0.takenAtMillis > Self.maximumBackupAgeMillis } ?? true
        self.devices = devices
    }

    /// 0 when all is well, 5 when the journal does not verify, 6 when a backup is overdue.
    public var exitCode: Int32 {
        if !database.journalVerified { return Self.journalBrokenExitCode }
        if backupOverdue { return Self.backupOverdueExitCode }
        return 0
    }

    // MARK: - In words

    /// "2026-12-06 01:30" in the clinic's time zone (UTC before setup), with the zone's abbreviation.
    public func time(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = database.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// "12.4 MB"
    public static func size(_ bytes: Int64) -> String {
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// "3 hours ago", "2 days ago"
    public func age(_ millis: Int64) -> String {
        let minutes = max(0, (checkedAtMillis - millis) / 60_000)
        if minutes < 60 { return minutes == 1 ? "1 minute ago" : "\(minutes) minutes ago" }
        let hours = minutes / 60
        if hours < 48 { return hours == 1 ? "1 hour ago" : "\(hours) hours ago" }
        return "\(hours / 24) days ago"
    }

    /// The lines of the status, each a label and what it says, for the CLI and the web page.
    public var lines: [(label: String, value: String)] {
        var lines: [(String, String)] = []
        let db = database
        lines.append(("Clinic", db.clinic ?? "not set up yet"))
        lines.append(("Database", db.path))
        lines.append(("Size", Self.size(db.bytes)))
        var schema = "\(db.schemaVersion) (\(db.migrations.count) migrations applied)"
        if !db.pendingMigrations.isEmpty {
            schema +=
                "; this vetpos (\(programSchemaVersion)) will upgrade it when it next opens it: "
                + db.pendingMigrations.joined(separator: ", ")
        }
        lines.append(("Schema", schema))
        if let problem = db.journalProblem {
            lines.append(("Journal", "DOES NOT VERIFY: \(problem)"))
        } else if let last = db.lastEntry {
            lines.append(
                ("Journal", "verified up to entry \(last.sequence) (\(last.kind), \(time(last.atMillis)))")
            )
        } else {
            lines.append(("Journal", "verified (no entries yet)"))
        }
        lines.append(
            (
                "Open drawers",
                db.openDrawers.isEmpty
                    ? "none"
                    : db.openDrawers.map {
                        "\($0.drawer) (\($0.state == "open" ? "open" : "counted, not yet verified"), "
                            + "cashier \($0.cashier), since \(time($0.openedAtMillis)))"
                    }.joined(separator: "; ")
            )
        )
        lines.append(("Print jobs waiting", db.waitingPrintJobs == 0 ? "none" : "\(db.waitingPrintJobs)"))
        lines.append(("Backups folder", "\(backupFolder) (\(backups) backup\(backups == 1 ? "" : "s"))"))
        if let last = lastVerifiedBackup {
            lines.append(
                (
                    "Last verified backup",
                    "\(last.name), \(time(last.takenAtMillis)) (\(age(last.takenAtMillis))), \(Self.size(last.bytes))"
                )
            )
        } else {
            lines.append(("Last verified backup", "none"))
        }
        if let last = lastBackup, last != lastVerifiedBackup {
            lines.append(("Newest backup", "\(last.name), \(time(last.takenAtMillis)), NOT VERIFIED"))
        }
        lines.append(
            (
                "Backup state",
                backupOverdue
                    ? "OVERDUE: no verified backup in the last 36 hours (run `vetpos backup`)" : "up to date"
            )
        )
        if let devices {
            lines.append(
                (
                    "Printers",
                    devices.printerProblem
                        ?? (devices.printers.isEmpty
                            ? "none" : devices.printers.map { "\($0.name): \($0.state)" }.joined(separator: "; "))
                )
            )
            lines.append(
                (
                    "USB devices",
                    devices.usbProblem
                        ?? (devices.usb.isEmpty
                            ? "none" : devices.usb.map { "\($0.name) (\($0.state))" }.joined(separator: "; "))
                )
            )
        }
        for (terminal, devices) in db.terminals.sorted(by: { $0.key < $1.key }) {
            lines.append(
                (
                    "Terminal \(terminal)",
                    "printer \(devices.printerQueue ?? "none"), drawer \(devices.drawer.rawValue), "
                        + "scanner \(devices.scanner ? "on" : "off")"
                )
            )
        }
        return lines
    }

    /// The status as `vetpos status` prints it.
    public var text: String {
        let width = (lines.map(\.label.count).max() ?? 0) + 2
        return lines.map { line in
            (line.label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + line.value + "\n"
        }.joined()
    }
}

extension ApplianceStatus.Devices {
    /// The devices of an inventory, in words.
    public init(_ inventory: DeviceInventory) {
        self.init(
            printers: inventory.cups.queues.map {
                .init(name: $0.name, state: $0.blockedReason ?? "\($0.state.rawValue), accepting jobs")
            },
            printerProblem: inventory.cups.problem,
            usb: inventory.usb.devices.map { .init(name: $0.name, state: "\($0.role), \($0.id)") },
            usbProblem: inventory.usb.problem
        )
    }
}
