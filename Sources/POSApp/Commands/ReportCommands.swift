import ArgumentParser
import Foundation
import POSCore
import POSServices
import POSStorage

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for closing staff and the bookkeeper.",
        subcommands: [Day.self, Deposit.self, Batches.self, ReconcileReport.self]
    )

    struct Day: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "The day's sales by category, discounts by class and money by tender."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The business day, YYYY-MM-DD (default: today in the clinic's time zone).") var date: String?
        @Option(help: "text or json.") var format = OutputFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let day: BusinessDate
            if let date {
                day = try BusinessDate.parse(date, field: "--date")
            } else {
                day = try await store.businessDate(atMillis: store.currentMillis)
            }
            let report = try await store.dayReport(day)
            print(format == .json ? try Output.json(report) : report.text, terminator: format == .json ? "\n" : "")
        }
    }
}

struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "The hash-chained journal of every money-affecting event.",
        subcommands: [Verify.self, Show.self]
    )

    struct Verify: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the chain, compare it with the heads recorded outside the database and the money rows "
                + "with their entries; exit 5 on any finding."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Also compare with this backup's verification record (BACKUP or BACKUP.verified).")
        var backup: String?

        func execute() async throws {
            let result = try await database.openStore().auditJournal(backupRecord: backup)
            for warning in result.warnings {
                FileHandle.standardError.write(Data("vetpos: warning: \(warning)\n".utf8))
            }
            if !result.verified {
                for finding in result.findings {
                    FileHandle.standardError.write(Data("vetpos: journal does NOT verify: \(finding)\n".utf8))
                }
                throw ExitCode(5)
            }
            print("journal verified: \(result.entries) entries, head \(result.head)")
        }
    }

    struct Show: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Print journal entries as JSON lines.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Entries after this sequence number.") var after: Int64 = 0
        @Option(help: "At most this many entries.") var limit = 100

        func execute() async throws {
            for entry in try await database.openStore().journalEntries(limit: limit, after: after) {
                print(
                    "\(entry.sequence)\t\(entry.atMillis)\t\(entry.kind)\t\(entry.employee)@\(entry.terminal)\t\(entry.subject)\t\(entry.payload)"
                )
            }
        }
    }
}
