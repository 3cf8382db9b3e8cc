import ArgumentParser
import Foundation
import POSCore
import POSReports
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
            let clerk = try await signIn.signIn(store)
            let deposit = try await store.prepareDeposit(
                sessions: session.isEmpty ? nil : session,
                note: note,
                commandID: id,
                by: clerk
            )
            let slip = DepositReports.slip(deposit)
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
            let slip = DepositReports.slip(try await store.deposit(id: deposit, viewer: try await signIn.signIn(store)))
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
            let clerk = try await signIn.signIn(store)
            let batches: [CardBatchRecord]
            if let cardTerminal {
                batches = [
                    try await store.closeCardBatch(
                        terminal: cardTerminal,
                        reference: reference,
                        reportedNet: net,
                        commandID: id,
                        by: clerk
                    )
                ]
            } else {
                batches = try await store.closeCardBatches(commandID: id, by: clerk)
            }
            let closed = batches.map(DepositReports.batch)
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
            let closed = DepositReports.batch(
                try await store.cardBatch(id: batch, viewer: try await signIn.signIn(store))
            )
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
            let report = DepositReports.report(try await store.depositDay(day, viewer: viewer))
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

/// Turns the store's deposit and batch records into the report models of POSReports (which sees no database).
enum DepositReports {
    static func slip(_ record: DepositRecord) -> DepositSlip {
        func check(_ check: DepositRecord.Check) -> DepositSlip.Check {
            DepositSlip.Check(
                number: check.number,
                payer: check.payer,
                bank: check.bank,
                amount: check.amount,
                payment: check.payment,
                invoice: check.invoice,
                session: check.session
            )
        }
        return DepositSlip(
            id: record.id,
            businessDate: record.businessDate,
            clinic: record.clinic,
            preparedAt: record.preparedAt,
            preparedBy: record.preparedBy,
            terminal: record.terminal,
            note: record.note,
            sessions: record.sessions.map {
                DepositSlip.Session(
                    id: $0.id,
                    drawer: $0.drawer,
                    zNumber: $0.zNumber,
                    closedAt: $0.closedAt,
                    closedBy: $0.closedBy,
                    cash: $0.cash,
                    checks: $0.checks
                )
            },
            cash: record.cash.map {
                DepositSlip.CashLine(
                    denomination: $0.denomination,
                    name: $0.name,
                    form: $0.form,
                    quantity: $0.quantity,
                    amount: $0.amount
                )
            },
            checks: record.checks.map(check),
            exceptions: record.exceptions.map {
                DepositSlip.Exception(
                    kind: DepositSlip.ExceptionKind(rawValue: $0.kind.rawValue)!,
                    drawer: $0.drawer,
                    session: $0.session,
                    checkNumber: $0.checkNumber,
                    check: $0.check.map(check)
                )
            }
        )
    }

    static func report(_ day: DepositDay) -> DepositReport {
        DepositReport(
            date: day.date,
            clinic: day.clinic,
            deposits: day.deposits.map(slip),
            awaiting: day.awaiting.map {
                DepositReport.Awaiting(
                    drawer: $0.drawer,
                    session: $0.session,
                    zNumber: $0.zNumber,
                    closedAt: $0.closedAt,
                    closedOn: $0.closedOn,
                    cash: $0.cash,
                    checks: $0.checks
                )
            }
        )
    }

    static func payment(_ payment: CardBatchRecord.Payment) -> CardBatch.Payment {
        CardBatch.Payment(
            number: payment.number,
            kind: payment.kind,
            tender: payment.tender,
            brand: payment.brand,
            last4: payment.last4,
            authCode: payment.authCode,
            terminal: payment.terminal,
            amount: payment.amount,
            atMillis: payment.atMillis,
            businessDate: payment.businessDate,
            invoice: payment.invoice,
            reverses: payment.reverses
        )
    }

    static func batch(_ record: CardBatchRecord) -> CardBatch {
        CardBatch(
            id: record.id,
            terminal: record.terminal,
            businessDate: record.businessDate,
            sequence: record.sequence,
            closedAt: record.closedAt,
            closedBy: record.closedBy,
            reference: record.reference,
            reportedNet: record.reportedNet,
            payments: record.payments.map(payment)
        )
    }

    static func report(_ day: CardBatchDay) -> CardBatchReport {
        CardBatchReport(
            date: day.date,
            clinic: day.clinic,
            payments: day.payments.map { (payment($0), $0.batch) },
            batches: day.batches.map(batch),
            open: day.open.map(payment)
        )
    }

    /// The day's card batches with their settlement, fees, bank credit and status, as matched with everything
    /// imported; statuses are as of today, or ten days after the day when it is further back.
    static func batchMatching(_ day: BusinessDate, _ store: Store, viewer: Operator) async throws -> CardBatchReport {
        var report = report(try await store.cardBatchDay(day, viewer: viewer))
        let data = try await ReconciliationData.load(store, viewer: viewer, through: day)
        let today = try await store.businessDate(atMillis: store.currentMillis)
        let asOf = min(today, day.adding(days: ReconciliationData.lateArrivalDays))
        let batches = data.inputs.batches.filter { $0.closedOn == day }
        let settlements = BatchSettlement.of(batches, inputs: data.inputs, result: data.result, asOf: asOf)
        report.settlement = CardBatchReport.Settlement(
            asOf: asOf,
            batches: settlements,
            payouts: PayoutComposition.of(
                Array(Set(settlements.flatMap(\.payouts))).sorted(),
                inputs: data.inputs,
                result: data.result
            )
        )
        return report
    }

    /// The deposit slip as the receipt printer prints it.
    static func slipText(_ record: DepositRecord, calendar: BusinessCalendar) -> String {
        slip(record).text(calendar: calendar)
    }

    /// The card batches report of a day as the receipt printer prints it.
    static func batchesText(_ day: CardBatchDay, calendar: BusinessCalendar) -> String {
        report(day).text(calendar: calendar)
    }

    /// `--date`, or today's business day.
    static func day(_ text: String?, _ store: Store) async throws -> BusinessDate {
        guard let text else { return try await store.businessDate(atMillis: store.currentMillis) }
        guard let day = BusinessDate(text) else {
            throw POSError.invalid(field: "--date", reason: "'\(text)' is not a date (YYYY-MM-DD)")
        }
        return day
    }
}
