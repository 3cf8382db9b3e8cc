import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSServices
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
            let progress = ProgressPrinter(source: source, data: data)
            let file = ImportCommand.file(
                data,
                source,
                format: format,
                mapping: try ImportCommand.mapping(mapping),
                id,
                progress
            )
            let operations = try await signIn.operations(try database.openStore())
            let outcome = try await operations.importSettlement(file)
            let result = outcome.result
            if json {
                print(try Output.json(outcome))
                return
            }
            if let text = ImportCommand.alreadyImported(result, replay: outcome.replay, source: source) {
                print(text)
                return
            }
            print(
                "\(source): \(ImportCommand.formatName(result.format)) settlement file, \(ImportCommand.lines(result.lines)) — "
                    + "\(result.added) added, \(result.alreadyImported) already imported from other files"
            )
            for payout in outcome.payouts ?? [] {
                let name = payout.payout.map { "payout \($0)" } ?? "not yet paid out"
                let date = payout.payoutDate.map { " (expected \($0))" } ?? ""
                print(
                    "  \(name)\(date): \(ImportCommand.lines(payout.lines)), gross \(payout.gross), fees \(payout.fee), net \(payout.net)"
                )
            }
            for warning in outcome.warnings { print("  warning: \(warning)") }
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
            let progress = ProgressPrinter(source: source, data: data)
            let file = ImportCommand.file(
                data,
                source,
                format: format,
                mapping: try ImportCommand.mapping(mapping),
                id,
                progress
            )
            let operations = try await signIn.operations(try database.openStore())
            let outcome = try await operations.importBankStatement(file)
            let result = outcome.result
            if json {
                print(try Output.json(outcome))
                return
            }
            if let text = ImportCommand.alreadyImported(result, replay: outcome.replay, source: source) {
                print(text)
                return
            }
            print(
                "\(source): \(ImportCommand.formatName(result.format)) bank statement, \(ImportCommand.lines(result.lines)) — "
                    + "\(result.added) added, \(result.alreadyImported) already imported from other files"
            )
            for account in outcome.accounts ?? [] {
                print(
                    "  account \(account.account): \(ImportCommand.lines(account.lines)), credits \(account.credits), "
                        + "debits \(account.debits), \(account.from)…\(account.through)"
                )
            }
            for warning in outcome.warnings { print("  warning: \(warning)") }
        }
    }

    // MARK: - Shared

    /// The file as the operation takes it; without --id the command id is derived from the file's contents.
    static func file(
        _ data: Data,
        _ source: String,
        format: String?,
        mapping: CSVMapping?,
        _ id: String?,
        _ progress: ProgressPrinter
    ) -> Operations.ImportFile {
        Operations.ImportFile(
            data: data,
            name: source,
            format: format,
            mapping: mapping,
            commandID: id,
            formatField: "--format",
            mappingField: "--mapping",
            progress: progress.callback,
            storing: { progress.storing($0) }
        )
    }

    static func mapping(_ path: String?) throws -> CSVMapping? {
        guard let path else { return nil }
        let (data, source) = try Output.read(path)
        return try CSVMapping.parse(data, source: source)
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
