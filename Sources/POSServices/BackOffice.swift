import Foundation
import POSCore
import POSStorage

/// The back office's operations, shared by the CLI's commands and the server's routes: staff, the catalog file, tax
/// categories, coupons, the drawer rules and devices of the settings, backups. Each checks and builds what the Store
/// is given; the Store checks permissions and stores it.
public enum BackOffice {
    // MARK: - Staff

    /// Changes an employee's name, role, status or PIN (each nil: unchanged).
    public static func updateEmployee(
        _ id: String,
        name: String?,
        role: Role?,
        active: Bool?,
        newPIN: String?,
        store: Store,
        commandID: String,
        by clerk: Operator
    ) async throws -> Employee {
        try clerk.require(.manageEmployees)
        guard var employee = try await store.employees().first(where: { $0.id == id }) else {
            throw POSError.notFound(what: "employee", id: id)
        }
        employee.name = name ?? employee.name
        employee.role = role ?? employee.role
        employee.active = active ?? employee.active
        return try await store.updateEmployee(employee, newPIN: newPIN, commandID: commandID, by: clerk)
    }

    // MARK: - Catalog

    /// What a catalog import did, and whether the command had already run (then nothing changed).
    public struct CatalogImport: Sendable, Encodable {
        public var file: String
        public var items: Int
        public var added: Int
        public var updated: Int
        public var unchanged: Int
        public var alreadyImported: Bool
        public var command: String
    }

    /// A catalog CSV's items with their lines; the first problem throws, naming the line and the field.
    public static func parseCatalog(_ data: Data, source: String) throws -> [(line: Int, item: CatalogItem)] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw POSError.invalid(field: source, reason: "is not UTF-8 text")
        }
        return try CatalogCSV.parseRows(text, source: source)
    }

    /// Imports a parsed catalog CSV: every row, or none if any row is wrong. Every refusal names the file's line and
    /// field, including a tax category the clinic does not have.
    public static func importCatalog(
        _ rows: [(line: Int, item: CatalogItem)],
        source: String,
        store: Store,
        commandID: String,
        by clerk: Operator
    ) async throws -> CatalogImport {
        try clerk.require(.manageCatalog)
        let categories = Set(try await store.taxCategories().map(\.code))
        for row in rows where !categories.contains(row.item.taxCategory) {
            throw POSError.invalid(
                field: "\(source) line \(row.line), tax_category",
                reason: "item \(row.item.code) names an unknown tax category '\(row.item.taxCategory)' "
                    + "(the clinic has \(categories.sorted().joined(separator: ", ")))"
            )
        }
        let replay = try await store.commandExists(commandID)
        let items = rows.map(\.item)
        let result = try await store.importCatalog(items, commandID: commandID, by: clerk)
        return CatalogImport(
            file: source,
            items: items.count,
            added: result.added,
            updated: result.updated,
            unchanged: result.unchanged,
            alreadyImported: replay,
            command: commandID
        )
    }

    /// The command id of a catalog file imported without one: the same file imported twice is one command.
    public static func catalogCommandID(_ data: Data) -> String {
        "catalog-" + String(SHA256.hexDigest(String(decoding: data, as: UTF8.self)).prefix(40))
    }

    // MARK: - Tax categories

    /// A tax category from its code, name and rate as a percent ("8.25").
    public static func taxCategory(code: String, name: String, percent: String, field: String) throws -> TaxCategory {
        guard let rate = Percent(parsing: percent) else {
            throw POSError.invalid(field: field, reason: "'\(percent)' is not a percent such as 8.25")
        }
        // Percent holds hundredths of a percent; a rate in parts per million is 100 times that.
        let category = TaxCategory(code: code, name: name, ratePPM: rate.basisPoints * 100)
        try category.validate()
        return category
    }

    /// A tax category as listed: with its rate as a percent.
    public struct TaxRate: Hashable, Sendable, Encodable {
        public var code: String
        public var name: String
        public var ratePPM: Int64
        /// "8.25%"
        public var percent: String

        public init(_ category: TaxCategory) {
            code = category.code
            name = category.name
            ratePPM = category.ratePPM
            percent = Percent(basisPoints: category.ratePPM / 100).description
        }
    }

    // MARK: - Coupons

    /// A coupon from what a person types: a percent or an amount off, a scope, the last valid day.
    public static func coupon(
        code: String,
        description: String,
        percent: String?,
        amount: String?,
        scope: String,
        expires: String,
        singleUse: Bool,
        fields: (percent: String, amount: String)
    ) throws -> Coupon {
        Coupon(
            code: code,
            description: description,
            percent: try percent.map {
                guard let value = Percent(parsing: $0) else {
                    throw POSError.invalid(field: fields.percent, reason: "'\($0)' is not a percent")
                }
                return value
            },
            amount: try amount.map {
                guard let value = Money(parsing: $0) else {
                    throw POSError.invalid(field: fields.amount, reason: "'\($0)' is not an amount")
                }
                return value
            },
            scope: scope,
            expiresOn: expires,
            singleUse: singleUse
        )
    }

    // MARK: - Settings

    /// Replaces the drawer rules of the clinic's settings.
    public static func setDrawerRules(
        _ drawer: DrawerPolicy,
        store: Store,
        commandID: String,
        by clerk: Operator
    ) async throws -> ClinicPolicy {
        try clerk.require(.manageSettings)
        var policy = try await store.policy()
        policy.drawer = drawer
        return try await store.updatePolicy(policy, commandID: commandID, by: clerk)
    }

    /// Sets a terminal's devices, or removes them (`devices` nil).
    public static func setTerminalDevices(
        _ devices: TerminalDevices?,
        terminal: String,
        store: Store,
        commandID: String,
        by clerk: Operator
    ) async throws -> ClinicPolicy {
        try clerk.require(.manageSettings)
        var policy = try await store.policy()
        policy.terminals[terminal] = devices
        return try await store.updatePolicy(policy, commandID: commandID, by: clerk)
    }

    /// How a drawer opens, from its name.
    public static func drawerConnection(_ text: String, field: String) throws -> TerminalDevices.DrawerConnection {
        guard let connection = TerminalDevices.DrawerConnection(rawValue: text) else {
            throw POSError.invalid(field: field, reason: "'\(text)' is not printer, usb or none")
        }
        return connection
    }

    // MARK: - Backups

    /// A verified backup.
    public struct BackupSummary: Hashable, Sendable, Encodable {
        public var path: String
        public var integrity: String
        public var journalEntries: Int64
        public var invoices: Int
        public var payments: Int
        public var verified: Bool
    }

    /// Copies the database to `path` (which must not exist) with SQLite's online backup, then opens the copy and
    /// verifies it.
    public static func backup(
        to path: String,
        field: String,
        store: Store,
        by clerk: Operator
    ) async throws
        -> BackupSummary
    {
        try clerk.require(.backup)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw POSError.conflict("\(field): \(path) already exists; choose a new name")
        }
        let check = try await store.backup(to: path)
        return BackupSummary(
            path: check.path,
            integrity: check.integrity,
            journalEntries: check.journalEntries,
            invoices: check.invoices,
            payments: check.payments,
            verified: check.integrity == "ok"
        )
    }

    /// The folder backups go to: `$VETPOS_BACKUPS` (or the installed appliance's), else `backups` beside the database.
    public static func backupFolder(of store: Store) -> URL {
        URL(fileURLWithPath: Installation.current().backupFolder(database: store.path))
    }

    /// The file a backup named by a client goes to: only a plain name (letters, digits, `.`, `-`, `_`; not starting
    /// with a dot), always inside ``backupFolder(of:)``; `.sqlite` is added when the name has no extension.
    public static func backupPath(name: String, store: Store, field: String) throws -> String {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        guard (1...64).contains(name.count), allowed, !name.hasPrefix("."), !name.contains("..") else {
            throw POSError.invalid(
                field: field,
                reason: "'\(name)' is not a backup name: 1 to 64 letters, digits, '.', '-' or '_', not starting "
                    + "with a dot (backups are written to the database's backups folder)"
            )
        }
        let folder = backupFolder(of: store)
        try FileManager.default.createDirectory(
            at: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]
        )
        let file = name.contains(".") ? name : name + ".sqlite"
        let url = folder.appendingPathComponent(file).standardizedFileURL
        guard url.deletingLastPathComponent().path == folder.standardizedFileURL.path else {
            throw POSError.invalid(field: field, reason: "'\(name)' leaves the backups folder")
        }
        return url.path
    }
}
