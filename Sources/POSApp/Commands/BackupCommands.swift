import ArgumentParser
import Foundation
import POSCore
import POSServices
import POSStorage

/// `vetpos backup`: a verified copy of the database in the backups folder, named after the time (UTC), pruned to the
/// clinic's retention. Its authority is access to the database file, so the nightly timer runs it with no employee;
/// with `--employee` (or `$VETPOS_EMPLOYEE`) it signs in and needs the backup permission.
struct BackupCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract:
            "Copy the database with SQLite's online backup into the backups folder, verify the copy, prune old backups.",
        discussion: """
            The copy is taken in one read transaction, written as .NAME.partial, checked (integrity_check, the \
            journal's hash chain, every table's row count against the source's at the copy), renamed to \
            vetpos-YYYYMMDD-HHMMSS.sqlite (UTC) and recorded in NAME.sqlite.verified (JSON); mode 0640. A copy \
            that does not verify is removed and the command exits 5; older backups are never touched then.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Option(
        help:
            "The backups folder (default: $VETPOS_BACKUPS, the installed appliance's, or 'backups' beside the database)."
    )
    var to: String?
    @Option(help: "Keep the newest backup of each of the last N days that have one (default: $VETPOS_KEEP_DAILY).")
    var keepDaily: Int?
    @Option(help: "Keep the newest backup of each of the last M months that have one (default: $VETPOS_KEEP_MONTHLY).")
    var keepMonthly: Int?
    @Argument(help: "The older form: write the copy to this file (must not exist); nothing is pruned.")
    var path: String?

    func execute() async throws {
        let store = try database.openStore()
        if signIn.named {
            try await signIn.signIn(store).require(.backup)
        }
        if let path {
            guard to == nil, keepDaily == nil, keepMonthly == nil else {
                throw POSError.invalid(field: "PATH", reason: "give a file, or --to with --keep-daily/--keep-monthly")
            }
            guard !FileManager.default.fileExists(atPath: path) else {
                throw POSError.invalid(field: "PATH", reason: "\(path) already exists; choose a new file")
            }
            let check = try await store.backup(to: path)
            print(
                "backup written to \(check.path): integrity \(check.integrity), journal \(check.journalEntries) entries "
                    + "verified, \(check.invoices) invoices, \(check.payments) payments"
            )
            return
        }
        let installation = Installation.current()
        let folder = to ?? installation.backupFolder(database: store.path)
        let daily = try keepDaily ?? Self.count(installation, "VETPOS_KEEP_DAILY")
        let monthly = try keepMonthly ?? Self.count(installation, "VETPOS_KEEP_MONTHLY")
        for (value, field) in [(daily, "--keep-daily"), (monthly, "--keep-monthly")] where (value ?? 0) < 0 {
            throw POSError.invalid(field: field, reason: "must be 0 or more")
        }
        let record = try await store.backup(into: folder)
        let rows = record.rowCounts.values.reduce(0, +)
        print(
            "backup written to \(folder)/\(record.file): verified (integrity \(record.integrity), journal "
                + "\(record.journalEntries) entries, \(record.rowCounts.count) tables, \(rows) rows, schema "
                + "\(record.schemaVersion)), \(ApplianceStatus.size(record.bytes))"
        )
        guard daily != nil || monthly != nil else { return }
        let removed = try Backups.prune(folder: folder, keepDaily: daily ?? 0, keepMonthly: monthly ?? 0)
        print(
            "kept the newest of \(daily ?? 0) days and \(monthly ?? 0) months; removed \(removed.count) older backup"
                + (removed.count == 1 ? "" : "s") + (removed.isEmpty ? "" : ": " + removed.joined(separator: ", "))
        )
    }

    static func count(_ installation: Installation, _ key: String) throws -> Int? {
        guard let text = installation.values[key] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw POSError.invalid(field: "$\(key)", reason: "'\(text)' is not a number of backups")
        }
        return value
    }
}

/// `vetpos restore BACKUP`: a verified backup put in place of the database.
struct RestoreCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a verified backup in place of the database (stop `vetpos serve` first).",
        discussion: """
            The backup is verified first (its record's SHA-256, integrity_check, the journal chain); one that does \
            not verify is refused (exit 5) and nothing changes. A database whose journal is ahead of the backup's is \
            kept unless --force (exit 4). The replaced database is checkpointed and kept as \
            DB.replaced-YYYYMMDD-HHMMSS (UTC); the backup is copied to a temporary name, then renamed, mode 0640.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The backup file.") var backup: String
    @Flag(help: "Replace a database whose journal is ahead of the backup's (it is kept aside).") var force = false

    func execute() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result = try Backups.restore(backup: backup, to: database.path, force: force, now: now)
        let time = { (millis: Int64) in Self.time(millis, zone: result.timeZone) }
        var lines = ["restored \(result.backup) (taken \(time(result.backupTakenAtMillis))) to \(result.database)"]
        if let replaced = result.replacedFile { lines.append("the database it replaced is kept as \(replaced)") }
        lines.append("schema \(result.schemaVersion), journal \(result.journalEntries) entries verified")
        if let last = result.lastEntry {
            lines.append("last journal entry: \(last.sequence), \(last.kind), \(time(last.atMillis))")
        } else {
            lines.append("last journal entry: none")
        }
        if let z = result.lastZ {
            lines.append(
                "last Z report: number \(z.number), drawer \(z.drawer), \(z.businessDate ?? time(z.closedAtMillis))"
            )
        } else {
            lines.append("last Z report: none")
        }
        print(lines.joined(separator: "\n"))
    }

    static func time(_ millis: Int64, zone: String?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}

/// `vetpos status`: the appliance at a glance; exit 6 when a backup is overdue, 5 when the journal does not verify.
struct StatusCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The database, journal, backups, open drawers, waiting print jobs and devices at a glance.",
        discussion: """
            Exit status: 0 all is well; 5 the journal does not verify; 6 no verified backup in the backups folder, \
            or the newest is older than 36 hours. The database is read, never migrated.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "text or json.") var format = OutputFormat.text
    @Flag(help: "Do not ask the print server and the USB bus.") var noDevices = false

    func execute() async throws {
        let path = database.path
        let db = try DatabaseStatus.read(file: path)
        let devices =
            noDevices ? nil : ApplianceStatus.Devices(await DeviceInventory.gather(terminals: db.terminals))
        let status = ApplianceStatus(
            database: db,
            backupFolder: Installation.current().backupFolder(database: path),
            devices: devices,
            now: Int64(Date().timeIntervalSince1970 * 1000)
        )
        print(format == .json ? try Output.json(status) : status.text, terminator: format == .json ? "\n" : "")
        if status.exitCode != 0 {
            FileHandle.standardError.write(
                Data(
                    "vetpos: \(status.exitCode == ApplianceStatus.backupOverdueExitCode ? "backup overdue: no verified backup in the last 36 hours" : "journal does NOT verify")\n"
                        .utf8
                )
            )
            throw ExitCode(status.exitCode)
        }
    }
}
