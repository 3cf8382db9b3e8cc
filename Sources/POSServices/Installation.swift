import Foundation

/// Where this machine keeps the clinic's database and backups, for every command and the server alike.
///
/// An installed appliance (`./dev install`, the Debian package) writes `/etc/vetpos/vetpos.env`: `KEY=VALUE` lines
/// that the systemd units read as their environment and that every `vetpos` command reads as defaults, so a manager
/// typing `vetpos status` on that machine finds the installed database without options. The order is always: the
/// command's own option, then the process environment, then the file, then the per-user default.
public struct Installation: Sendable, Equatable {
    /// The appliance's settings file; `$VETPOS_CONFIG` names another one (tests, a second clinic on one machine).
    public static let defaultConfigPath = "/etc/vetpos/vetpos.env"

    /// The process environment over the settings file's values.
    public var values: [String: String]

    public init(values: [String: String]) {
        self.values = values
    }

    /// The settings in force for this process: its environment over the settings file (when readable).
    public static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Installation {
        let path = environment["VETPOS_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultConfigPath
        let file = (try? String(contentsOfFile: path, encoding: .utf8)).map(parse) ?? [:]
        return Installation(values: file.merging(environment.filter { !$0.value.isEmpty }) { $1 })
    }

    /// `KEY=VALUE` lines as systemd's EnvironmentFile reads them: blank lines and `#` comments skipped, one pair of
    /// surrounding quotes removed. A line without `=` is ignored rather than fatal: a hand-edited file must never stop
    /// the desk from starting.
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty, !value.isEmpty else { continue }
            values[key] = value
        }
        return values
    }

    /// The database: `$VETPOS_DB` (environment or settings file), else the user's own data folder.
    public var databasePath: String {
        if let path = values["VETPOS_DB"] { return path }
        let base = values["XDG_DATA_HOME"] ?? (NSHomeDirectory() + "/.local/share")
        return base + "/vetpos/vetpos.sqlite"
    }

    /// The backups folder for a database: `$VETPOS_BACKUPS`, else `backups` beside the database file.
    public func backupFolder(database: String) -> String {
        if let folder = values["VETPOS_BACKUPS"] { return folder }
        return URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("backups").path
    }

    /// The clinic's certificate authority and server certificate (`vetpos serve` over HTTPS): `$VETPOS_TLS`, else
    /// `tls` beside the database file.
    public func tlsFolder(database: String) -> String {
        if let folder = values["VETPOS_TLS"] { return folder }
        return URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("tls").path
    }
}
