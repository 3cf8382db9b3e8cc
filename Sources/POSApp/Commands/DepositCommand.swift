import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSServices
import POSStorage

/// `--format` of the deposit and card-batch reports.
enum DepositReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, json
}

/// `vetpos deposit`: the bank deposit made up from closed drawers.
struct DepositCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deposit",
        abstract: "The bank deposit: cash and checks of closed drawers, on a slip with the id the bank line matches.",
        discussion: """
            A deposit empties closed (verified) drawer sessions: their cash as the reduce-to-float sent it to the bank, \
            by denomination, and every check counted at their close. A check taken but not found at the close, found \
            without a payment, or voided after the close is listed as an exception and not deposited. A session goes \
            into one deposit only; a deposit is never changed. Its id, D-YYYYMMDD-NN, is the business day it is made \
            up on and its number that day.
            """,
        subcommands: [Prepare.self, Show.self]
    )

    struct Prepare: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Make up the deposit from closed drawer sessions not yet deposited, and print its slip."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "A closed drawer session to deposit (repeatable; default: every one waiting).") var session:
            [Int64] = []
        @Option(help: "A note printed on the slip (bag number, who takes it to the bank).") var note: String?
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let deposit = try await operations.prepareDeposit(
                sessions: session.isEmpty ? nil : session,
                note: note,
                commandID: id
            )
            let slip = deposit
            if format == .json {
                print(try Output.json(slip))
            } else {
                print(slip.text(calendar: try await store.policy().calendar()), terminator: "")
            }
        }
    }

    struct Show: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Print a recorded deposit's slip.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The deposit id, e.g. D-20250314-01.") var deposit: String
        @Option(help: "text, csv or json.") var format = DepositReportFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let slip = try await store.deposit(id: deposit, viewer: try await signIn.signIn(store))
            switch format {
            case .text: print(slip.text(calendar: try await store.policy().calendar()), terminator: "")
            case .json: print(try Output.json(slip))
            case .csv:
                let report = DepositReport(date: slip.businessDate, clinic: slip.clinic, deposits: [slip], awaiting: [])
                print(report.csv(), terminator: "")
            }
        }
    }
}

/// `vetpos batch`: card terminal batches.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Card terminal batches: close a terminal's batch when it settles; show a closed batch.",
        discussion: """
            Every card payment, refund and reversal carries the card terminal it was run on. Closing a terminal's \
            batch puts all of its card payments that are in no batch yet into a new one, with totals by tender and \
            brand; each payment is in exactly one batch. VetPOS never closes a batch by itself: close each terminal \
            when it settles (`--terminal`), or every terminal at once at the clinic's cut-off (`--all`, e.g. from \
            cron). Until then its payments are reported as open. A batch id is TERMINAL-YYYYMMDD-NN: the terminal, \
            the business day of the close and its number that day.
            """,
        subcommands: [Close.self, Show.self]
    )

    struct Close: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Close a card terminal's batch (or every one's).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        // Not --terminal: that is the POS terminal signing in (SignInOptions).
        @Option(name: .customLong("card-terminal"), help: "The card terminal, e.g. PAX-1.") var cardTerminal: String?
        @Flag(help: "Close the batch of every card terminal with open payments.") var all = false
        @Option(help: "The terminal's own batch number, from its batch report.") var reference: String?
        @Option(help: "The net total of the terminal's batch report, e.g. 1240.00.") var reportedNet: String?
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func validate() throws {
            guard (cardTerminal == nil) == all else {
                throw ValidationError("give either --card-terminal TERMINAL or --all")
            }
            if all && (reference != nil || reportedNet != nil) {
                throw ValidationError("--reference and --reported-net belong to one terminal's batch, not --all")
            }
        }

        func execute() async throws {
            let net = try reportedNet.map { text in
                guard let value = Money(parsing: text) else {
                    throw POSError.invalid(
                        field: "--reported-net",
                        reason: "'\(text)' is not an amount such as 1240.00"
                    )
                }
                return value
            }
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let batches = try await operations.closeCardBatches(
                terminal: cardTerminal,
                reference: reference,
                reportedNet: net,
                commandID: id
            )
            let closed = batches
            if format == .json {
                print(try Output.json(closed))
                return
            }
            if closed.isEmpty { print("No card terminal has payments outside a closed batch.") }
            let calendar = try await store.policy().calendar()
            for batch in closed { print(batch.text(calendar: calendar), terminator: "") }
        }
    }

    struct Show: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Print a closed card batch.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The batch id, e.g. PAX-1-20250314-01.") var batch: String
        @Option(help: "text or json.") var format = OutputFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let closed = try await store.cardBatch(id: batch, viewer: try await signIn.signIn(store))
            if format == .json {
                print(try Output.json(closed))
            } else {
                print(closed.text(calendar: try await store.policy().calendar()), terminator: "")
            }
        }
    }
}

extension ReportCommand {
    struct Deposit: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "The day's deposit slips, their exceptions, and the closed drawers still waiting for a deposit."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "The business day, YYYY-MM-DD (default: today in the clinic's time zone).") var date: String?
        @Option(help: "text (42 columns, for the receipt printer), csv or json.") var format = DepositReportFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let viewer = try await signIn.signIn(store)
            let day = try await DepositReports.day(date, store)
            let report = try await store.depositDay(day, viewer: viewer)
            switch format {
            case .text: print(report.text(calendar: try await store.policy().calendar()), terminator: "")
            case .csv: print(report.csv(), terminator: "")
            case .json: print(try Output.json(report))
            }
        }
    }

    struct Batches: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "The day's card payments by brand, the card batches closed that day, and what is still open."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "The business day, YYYY-MM-DD (default: today in the clinic's time zone).") var date: String?
        @Option(help: "text (42 columns, for the receipt printer), csv or json.") var format = DepositReportFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let viewer = try await signIn.signIn(store)
            let day = try await DepositReports.day(date, store)
            let report = try await DepositReports.batchMatching(day, store, viewer: viewer)
            switch format {
            case .text: print(report.text(calendar: try await store.policy().calendar()), terminator: "")
            case .csv: print(report.csv(), terminator: "")
            case .json: print(try Output.json(report))
            }
        }
    }
}
