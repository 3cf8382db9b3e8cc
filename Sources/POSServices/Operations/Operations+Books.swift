import Foundation
import POSCore
import POSReports
import POSStorage

/// The bookkeeper's and manager's work: imports of settlement files and bank statements, exports of closed days,
/// deposits, card batch closes and matching decisions.
extension Operations {
    // MARK: - Imports

    /// A file to import, as the caller got it.
    public struct ImportFile: Sendable {
        public var data: Data
        /// The file's name, which refusals and the import record name.
        public var name: String
        /// The format asked for (nil: told from the content).
        public var format: String?
        public var mapping: CSVMapping?
        /// The command id; nil: derived from the file's contents, so the same file is one command.
        public var commandID: String?
        /// How the caller's inputs are called in refusals: `--format` and `--mapping`, or `query format` and `query
        /// mapping`.
        public var formatField: String
        public var mappingField: String
        /// Where the file's contents are, in refusals about them as a whole: its name, or `body` for an upload.
        public var contentField: String
        /// Called as lines are read, and once before they are stored.
        public var progress: ImportProgress?
        public var storing: (@Sendable (_ lines: Int) -> Void)?

        public init(
            data: Data,
            name: String,
            format: String?,
            mapping: CSVMapping?,
            commandID: String?,
            formatField: String,
            mappingField: String,
            contentField: String? = nil,
            progress: ImportProgress? = nil,
            storing: (@Sendable (_ lines: Int) -> Void)? = nil
        ) {
            self.data = data
            self.name = name
            self.format = format
            self.mapping = mapping
            self.commandID = commandID
            self.formatField = formatField
            self.mappingField = mappingField
            self.contentField = contentField ?? name
            self.progress = progress
            self.storing = storing
        }
    }

    /// What an import did: the store's record, whether the command had already run, the reader's warnings and the
    /// file's totals per payout or per account.
    public struct ImportOutcome: Sendable, Encodable {
        public var result: Store.ImportResult
        public var replay: Bool
        public var warnings: [String]
        public var payouts: [ImportTotals.Payout]?
        public var accounts: [ImportTotals.Account]?
    }

    /// Imports a processor's settlement or payout file: the whole file or nothing.
    public func importSettlement(_ file: ImportFile) async throws -> ImportOutcome {
        try clerk.require(.exportData)
        let format = try Self.settlementFormat(file)
        let calendar = try BusinessCalendar(timeZoneIdentifier: try await store.policy().timeZone)
        let parsed = try SettlementImport.parse(
            file.data,
            source: file.name,
            format: format,
            mapping: file.mapping,
            calendar: calendar,
            progress: file.progress
        )
        return try await storing(file, kind: "settlement", format: format.rawValue, lines: parsed.lines.count) {
            source,
            commandID in
            let result = try await store.importSettlement(parsed.lines, from: source, commandID: commandID, by: clerk)
            return ImportOutcome(
                result: result,
                replay: false,
                warnings: parsed.warnings,
                payouts: ImportTotals.payouts(parsed.lines)
            )
        }
    }

    /// Imports a bank statement: the whole file or nothing.
    public func importBankStatement(_ file: ImportFile) async throws -> ImportOutcome {
        try clerk.require(.exportData)
        let format = try Self.bankFormat(file)
        _ = try await store.policy()  // a set-up clinic, before the file is read
        let parsed = try BankImport.parse(
            file.data,
            source: file.name,
            format: format,
            mapping: file.mapping,
            progress: file.progress
        )
        return try await storing(file, kind: "bank", format: format.rawValue, lines: parsed.lines.count) {
            source,
            commandID in
            let result = try await store.importBankStatement(
                parsed.lines,
                from: source,
                commandID: commandID,
                by: clerk
            )
            return ImportOutcome(
                result: result,
                replay: false,
                warnings: parsed.warnings,
                accounts: ImportTotals.accounts(parsed.lines)
            )
        }
    }

    /// Stores a read file under its command id (derived from its contents unless given), noting a replay.
    private func storing(
        _ file: ImportFile,
        kind: String,
        format: String,
        lines: Int,
        _ store: (Store.ImportSource, String) async throws -> ImportOutcome
    ) async throws -> ImportOutcome {
        let digest = SHA256.hexDigest(file.data)
        let commandID = file.commandID ?? "import-\(kind)-" + String(digest.prefix(40))
        let replay = try await self.store.commandExists(commandID)
        file.storing?(lines)
        var outcome = try await store(Store.ImportSource(name: file.name, digest: digest, format: format), commandID)
        outcome.replay = replay
        return outcome
    }

    static func settlementFormat(_ file: ImportFile) throws -> SettlementFormat {
        // The nearest format's reading fails, saying which column is wrong.
        try format(of: file) { SettlementImport.detect($0) ?? SettlementImport.nearest($0) }
    }

    static func bankFormat(_ file: ImportFile) throws -> BankFormat {
        try format(of: file, detect: BankImport.detect)
    }

    /// The format asked for, or csv with a mapping, or the one the content shows; a mapping only with csv.
    static func format<Format: RawRepresentable & CaseIterable>(
        of file: ImportFile,
        detect: (Data) -> Format?
    ) throws -> Format where Format.RawValue == String {
        let names = Format.allCases.map(\.rawValue)
        let format: Format
        if let name = file.format {
            guard let chosen = Format(rawValue: name) else {
                throw POSError.invalid(
                    field: file.formatField,
                    reason: "'\(name)' is not \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")",
                    code: "import.unknownFormat"
                )
            }
            format = chosen
        } else if file.mapping != nil, let csv = Format(rawValue: "csv") {
            format = csv
        } else if let detected = detect(file.data) {
            format = detected
        } else {
            throw POSError.invalid(
                field: file.contentField,
                reason: "cannot tell its format from its content: give \(file.formatField) "
                    + "\(names.filter { $0 != "csv" }.joined(separator: " or ")), or csv with \(file.mappingField)",
                code: "import.unknownFormat"
            )
        }
        try checkMapping(file, format: format.rawValue)
        return format
    }

    static func checkMapping(_ file: ImportFile, format: String) throws {
        if file.mapping != nil, format != "csv" {
            throw POSError.invalid(
                field: file.mappingField,
                reason: "a mapping is for format csv, not \(format)",
                code: "import.mappingNotCSV"
            )
        }
    }

    // MARK: - Export

    /// An export of closed business days, ready to save or download.
    public struct ExportFile: Sendable {
        public var bytes: [UInt8]
        /// `vetpos-2025-03-14.iif`, or `vetpos-FIRST-to-LAST.EXT`.
        public var fileName: String
        public var entries: [DailyEntry]
    }

    /// Writes the closed business days `first` through `last` (at most ``ExportFormat/maximumDays``) in `format`.
    public func export(
        _ format: ExportFormat,
        from first: BusinessDate,
        through last: BusinessDate,
        mapping: ExportMapping?,
        rangeField: String
    ) async throws -> ExportFile {
        try BusinessDate.checkRange(
            from: first,
            through: last,
            maximumDays: ExportFormat.maximumDays,
            field: rangeField
        )
        try clerk.require(.exportData)
        let source = try await store.exportDays(from: first, through: last)
        let entries = try source.days.map(ExportEntries.entry)
        guard let zone = TimeZone(identifier: source.timeZone) else {
            throw POSError.conflict("the clinic's time zone '\(source.timeZone)' is not known", code: "clinic.timeZone")
        }
        let context = ExportContext(
            clinic: source.clinic,
            mapping: mapping ?? .standard,
            timeZone: zone,
            first: first,
            last: last
        )
        let bytes = try Exporter.write(entries, as: format, context: context)
        let name = "vetpos-\(first)\(first == last ? "" : "-to-\(last)").\(format.fileExtension)"
        return ExportFile(bytes: bytes, fileName: name, entries: entries)
    }

    // MARK: - Deposits, batches, matching

    /// Makes up the bank deposit from closed drawer sessions (every one waiting when `sessions` is nil).
    public func prepareDeposit(sessions: [Int64]?, note: String?, commandID: String) async throws -> DepositSlip {
        try await store.prepareDeposit(sessions: sessions, note: note, commandID: commandID, by: clerk)
    }

    /// Closes one card terminal's batch, or every terminal's with open payments when `terminal` is nil.
    public func closeCardBatches(
        terminal: String?,
        reference: String?,
        reportedNet: Money?,
        commandID: String
    ) async throws -> [CardBatch] {
        guard let terminal else {
            guard reference == nil, reportedNet == nil else {
                throw POSError.invalid(
                    field: "reference",
                    reason: "a reference and a reported net belong to one terminal's batch, not all",
                    code: "batch.oneTerminal"
                )
            }
            return try await store.closeCardBatches(commandID: commandID, by: clerk)
        }
        return [
            try await store.closeCardBatch(
                terminal: terminal,
                reference: reference,
                reportedNet: reportedNet,
                commandID: commandID,
                by: clerk
            )
        ]
    }

    /// Records a matching decision (a match, a write-off or a reversal), checked against what matching sees now.
    public func recordDecision(
        _ decision: ReconciliationDecision,
        commandID: String
    ) async throws
        -> ReconciliationDecision
    {
        try clerk.require(decision.action == .match ? .reconcile : .overrideReconciliation)
        let today = try await store.businessDate(atMillis: store.currentMillis)
        let data = try await ReconciliationData.load(store, viewer: clerk, through: today)
        let checked = try Reconciler.check(decision, against: data.inputs)
        return try await store.recordReconciliation(checked, commandID: commandID, by: clerk)
    }
}
