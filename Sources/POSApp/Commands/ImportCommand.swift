import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSStorage
import Synchronization

/// `vetpos import settlement|bank FILE`: the bookkeeper's imports of processor settlements and bank statements.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import card-processor settlement files and bank statements (bookkeeper or manager).",
        discussion: """
            Each import is the whole file or nothing: a malformed file is refused with its line number and reason. \
            Importing the same file again adds nothing, and a line already imported from another file is not \
            stored twice. Progress goes to standard error at a terminal or for files over 10,000 lines.
            """,
        subcommands: [Settlement.self, Bank.self]
    )

    struct Settlement: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Import a processor's settlement or payout file (Stripe, Square, or any CSV with a mapping)."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The file, or - for standard input.") var file: String
        @Option(help: "stripe, square or csv (default: told from the file's header when only one fits).")
        var format: String?
        @Option(help: "The column mapping of a generic CSV file (JSON; implies --format csv).") var mapping: String?
        @Option(help: "A client-generated id for this command (default: derived from the file's contents).")
        var id: String?
        @Flag(help: "Print the result as JSON.") var json = false

        func execute() async throws {
            let (data, source) = try Output.read(file)
            let mapping = try ImportCommand.mapping(self.mapping)
            let format: SettlementFormat
            if let name = self.format {
                guard let chosen = SettlementFormat(rawValue: name) else {
                    throw POSError.invalid(field: "--format", reason: "'\(name)' is not stripe, square or csv")
                }
                format = chosen
            } else if mapping != nil {
                format = .csv
            } else if let detected = SettlementImport.detect(data) {
                format = detected
            } else if let nearest = SettlementImport.nearest(data) {
                format = nearest  // its reading fails, saying which column is wrong
            } else {
                throw POSError.invalid(
                    field: source,
                    reason: "cannot tell its format from its content: say --format stripe or square, "
                        + "or --format csv with --mapping FILE"
                )
            }
            try ImportCommand.checkMapping(mapping, format: format.rawValue)
            let store = try database.openStore()
            let calendar = try BusinessCalendar(timeZoneIdentifier: try await store.policy().timeZone)
            let progress = ProgressPrinter(source: source, data: data)
            let parsed = try SettlementImport.parse(
                data,
                source: source,
                format: format,
                mapping: mapping,
                calendar: calendar,
                progress: progress.callback
            )
            let clerk = try await signIn.signIn(store)
            let digest = SHA256.hexDigest(data)
            let commandID = id ?? "import-settlement-" + String(digest.prefix(40))
            let replay = try await store.commandExists(commandID)
            progress.storing(parsed.lines.count)
            let result = try await store.importSettlement(
                parsed.lines,
                from: Store.ImportSource(name: source, digest: digest, format: format.rawValue),
                commandID: commandID,
                by: clerk
            )
            let payouts = ImportCommand.payouts(parsed.lines)
            if json {
                print(
                    try Output.json(Report(result: result, replay: replay, warnings: parsed.warnings, payouts: payouts))
                )
                return
            }
            if let text = ImportCommand.alreadyImported(result, replay: replay, source: source) {
                print(text)
                return
            }
            print(
                "\(source): \(ImportCommand.formatName(format.rawValue)) settlement file, \(ImportCommand.lines(result.lines)) — "
                    + "\(result.added) added, \(result.alreadyImported) already imported from other files"
            )
            for payout in payouts {
                let name = payout.payout.map { "payout \($0)" } ?? "not yet paid out"
                let date = payout.payoutDate.map { " (expected \($0))" } ?? ""
                print(
                    "  \(name)\(date): \(ImportCommand.lines(payout.lines)), gross \(payout.gross), fees \(payout.fee), net \(payout.net)"
                )
            }
            for warning in parsed.warnings { print("  warning: \(warning)") }
        }
    }

    struct Bank: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Import a bank statement (BAI2, OFX 1 or 2, or any CSV with a mapping)."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The file, or - for standard input.") var file: String
        @Option(help: "bai2, ofx or csv (default: told from the file's content when only one fits).")
        var format: String?
        @Option(help: "The column mapping of a bank CSV file (JSON; implies --format csv).") var mapping: String?
        @Option(help: "A client-generated id for this command (default: derived from the file's contents).")
        var id: String?
        @Flag(help: "Print the result as JSON.") var json = false

        func execute() async throws {
            let (data, source) = try Output.read(file)
            let mapping = try ImportCommand.mapping(self.mapping)
            let format: BankFormat
            if let name = self.format {
                guard let chosen = BankFormat(rawValue: name) else {
                    throw POSError.invalid(field: "--format", reason: "'\(name)' is not bai2, ofx or csv")
                }
                format = chosen
            } else if mapping != nil {
                format = .csv
            } else if let detected = BankImport.detect(data) {
                format = detected
            } else {
                throw POSError.invalid(
                    field: source,
                    reason: "cannot tell its format from its content: say --format bai2 or ofx, "
                        + "or --format csv with --mapping FILE"
                )
            }
            try ImportCommand.checkMapping(mapping, format: format.rawValue)
            let store = try database.openStore()
            _ = try await store.policy()  // a set-up clinic, before the file is read
            let progress = ProgressPrinter(source: source, data: data)
            let parsed = try BankImport.parse(
                data,
                source: source,
                format: format,
                mapping: mapping,
                progress: progress.callback
            )
            let clerk = try await signIn.signIn(store)
            let digest = SHA256.hexDigest(data)
            let commandID = id ?? "import-bank-" + String(digest.prefix(40))
            let replay = try await store.commandExists(commandID)
            progress.storing(parsed.lines.count)
            let result = try await store.importBankStatement(
                parsed.lines,
                from: Store.ImportSource(name: source, digest: digest, format: format.rawValue),
                commandID: commandID,
                by: clerk
            )
            let accounts = ImportCommand.accounts(parsed.lines)
            if json {
                print(
                    try Output.json(
                        Report(result: result, replay: replay, warnings: parsed.warnings, accounts: accounts)
                    )
                )
                return
            }
            if let text = ImportCommand.alreadyImported(result, replay: replay, source: source) {
                print(text)
                return
            }
            print(
                "\(source): \(ImportCommand.formatName(format.rawValue)) bank statement, \(ImportCommand.lines(result.lines)) — "
                    + "\(result.added) added, \(result.alreadyImported) already imported from other files"
            )
            for account in accounts {
                print(
                    "  account \(account.account): \(ImportCommand.lines(account.lines)), credits \(account.credits), "
                        + "debits \(account.debits), \(account.from)…\(account.through)"
                )
            }
            for warning in parsed.warnings { print("  warning: \(warning)") }
        }
    }

    // MARK: - Shared

    static func mapping(_ path: String?) throws -> CSVMapping? {
        guard let path else { return nil }
        let (data, source) = try Output.read(path)
        return try CSVMapping.parse(data, source: source)
    }

    static func checkMapping(_ mapping: CSVMapping?, format: String) throws {
        if mapping != nil, format != "csv" {
            throw POSError.invalid(field: "--mapping", reason: "a mapping is for --format csv, not \(format)")
        }
    }

    static func lines(_ count: Int) -> String { count == 1 ? "1 line" : "\(count) lines" }

    static func formatName(_ format: String) -> String {
        ["stripe": "Stripe", "square": "Square", "csv": "CSV", "bai2": "BAI2", "ofx": "OFX"][format] ?? format
    }

    static func alreadyImported(_ result: Store.ImportResult, replay: Bool, source: String) -> String? {
        guard result.fileAlreadyImported || replay else { return nil }
        let first = result.file == source ? "" : " as \(result.file)"
        return "\(source): already imported\(first) by \(result.importedBy) (\(lines(result.lines)), SHA-256 "
            + "\(result.digest.prefix(12))…); nothing changed"
    }

    /// Per payout, in the order the file first names it: what it pays (the payout's own row left out).
    struct PayoutTotal: Encodable {
        var payout: String?
        var payoutDate: BusinessDate?
        var lines: Int
        var gross: Money
        var fee: Money
        var net: Money
    }

    static func payouts(_ lines: [SettlementLine]) -> [PayoutTotal] {
        var order: [String?] = []
        var totals: [String?: PayoutTotal] = [:]
        for line in lines where line.type != .payout {
            if totals[line.payoutID] == nil {
                order.append(line.payoutID)
                totals[line.payoutID] = PayoutTotal(
                    payout: line.payoutID,
                    payoutDate: line.payoutDate,
                    lines: 0,
                    gross: .zero,
                    fee: .zero,
                    net: .zero
                )
            }
            totals[line.payoutID]!.lines += 1
            totals[line.payoutID]!.gross += line.gross
            totals[line.payoutID]!.fee += line.fee
            totals[line.payoutID]!.net += line.net
        }
        return order.map { totals[$0]! }
    }

    struct AccountTotal: Encodable {
        var account: String
        var lines: Int
        var credits: Money
        var debits: Money
        var from: BusinessDate
        var through: BusinessDate
    }

    static func accounts(_ lines: [BankLine]) -> [AccountTotal] {
        var order: [String] = []
        var totals: [String: AccountTotal] = [:]
        for line in lines {
            if totals[line.account] == nil {
                order.append(line.account)
                totals[line.account] = AccountTotal(
                    account: line.account,
                    lines: 0,
                    credits: .zero,
                    debits: .zero,
                    from: line.date,
                    through: line.date
                )
            }
            totals[line.account]!.lines += 1
            if line.amount.isNegative {
                totals[line.account]!.debits -= line.amount
            } else {
                totals[line.account]!.credits += line.amount
            }
            totals[line.account]!.from = min(totals[line.account]!.from, line.date)
            totals[line.account]!.through = max(totals[line.account]!.through, line.date)
        }
        return order.map { totals[$0]! }
    }

    /// `--json`: the store's result, whether it was a replay, the reader's warnings and the totals.
    struct Report: Encodable {
        var result: Store.ImportResult
        var replay: Bool
        var warnings: [String]
        var payouts: [PayoutTotal]?
        var accounts: [AccountTotal]?
    }
}

/// Progress on standard error, when someone can see it (a terminal) or waits long (over 10,000 lines): a line that
/// rewrites itself at a terminal, else one line per tenth of the file.
final class ProgressPrinter: Sendable {
    let source: String
    let enabled: Bool
    let terminal: Bool
    private let lastShown = Mutex(-1)

    init(source: String, data: Data) {
        self.source = source
        terminal = isatty(STDERR_FILENO) == 1
        let lines = data.reduce(into: 0) { count, byte in if byte == UInt8(ascii: "\n") { count += 1 } }
        enabled = terminal || lines > 10_000
    }

    var callback: ImportProgress? {
        guard enabled else { return nil }
        return { [self] done, total in self.show(done: done, total: total) }
    }

    private func show(done: Int, total: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        let step = terminal ? percent : percent / 10 * 10
        let changed = lastShown.withLock { last in
            guard step > last else { return false }
            last = step
            return true
        }
        guard changed else { return }
        let text = "\(source): read \(done) of \(total) lines (\(step)%)"
        FileHandle.standardError.write(Data((terminal ? "\r" + text + (done == total ? "\n" : "") : text + "\n").utf8))
    }

    func storing(_ lines: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\(source): storing \(lines) lines…\n".utf8))
    }
}
