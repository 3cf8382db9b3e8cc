import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSServices
import POSStorage

/// `vetpos export FORMAT --from DATE --to DATE -o FILE [--mapping FILE]`: the bookkeeper's files of closed business
/// days. Only reads the database; the same days give the same bytes every time.
struct ExportCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write closed business days for the bookkeeper: IIF, QBO, OFX, Xero CSV, plain CSV or hledger.",
        discussion: """
            iif and hledger carry one balanced summary journal entry per day (income by category, discounts, returns, \
            sales tax, undeposited cash and checks, card clearing, CareCredit, receivables, cash over/short); qbo, \
            ofx, xero and csv carry the lines each day's takings send to the bank, with stable ids, so exporting the \
            same days again gives the same file. --mapping FILE (JSON) names the accounts, the clinic code of the ids \
            and the bank account (a .qbo file needs bank.intuBid); keys it leaves out keep the defaults. Needs a \
            bookkeeper or manager.
            """
    )

    @Argument(help: "iif, qbo, ofx, xero, csv or hledger.") var format: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Option(help: "The first business day, YYYY-MM-DD.") var from: String
    @Option(help: "The last business day, YYYY-MM-DD (default: --from).") var to: String?
    @Option(name: [.customShort("o"), .long], help: "The file to write (- for standard output).") var output: String
    @Option(help: "A JSON file of account names and numbers, clinic code and bank account.") var mapping: String?

    func execute() async throws {
        guard let format = ExportFormat(rawValue: format) else {
            throw POSError.invalid(
                field: "FORMAT",
                reason: "'\(format)' is not one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let first = try Self.date(from, field: "--from")
        let last = try to.map { try Self.date($0, field: "--to") } ?? first
        // Refused before anything is read or signed in: a range no export may cover.
        try BusinessDate.checkRange(from: first, through: last, maximumDays: ExportFormat.maximumDays, field: "--to")
        let accounts = try mapping.map { path in
            let (data, _) = try Output.read(path)
            return try ExportMapping.read(data, source: path)
        }
        let operations = try await signIn.operations(try database.openStore())
        let file = try await operations.export(
            format,
            from: first,
            through: last,
            mapping: accounts,
            rangeField: "--to"
        )
        if output == "-" {
            FileHandle.standardOutput.write(Data(file.bytes))
            return
        }
        try Data(file.bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        let entries = file.entries
        let days = entries.filter { format.carriesJournal ? !$0.lines.isEmpty : !$0.bankLines.isEmpty }
        let period = first == last ? "\(first)" : "\(first) to \(last)"
        let what =
            format.carriesJournal
            ? "\(days.count) day \(days.count == 1 ? "entry" : "entries"), debits = credits = "
                + days.map(\.debits).sum().formatted
            : "\(days.flatMap(\.bankLines).count) bank lines, net "
                + days.flatMap(\.bankLines).map(\.amount).sum().formatted
        print("Exported \(period) as \(format.rawValue) to \(output): \(what).")
    }

    static func date(_ text: String, field: String) throws -> BusinessDate {
        try BusinessDate.parse(text, field: field)
    }
}
