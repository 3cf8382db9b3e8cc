import ArgumentParser
import Foundation
import POSCore
import POSServices
import POSStorage

struct DrawerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drawer",
        abstract: "The cash drawer of this terminal: counts, paid in/out, drops, shift changes, blind close, X and Z.",
        discussion: """
            The drawer is the terminal's (--terminal or $VETPOS_TERMINAL). Counts are given as --count 100x2,20x15,… \
            (denomination × quantity), as --count-file FILE (JSON object of denomination to quantity), or typed \
            denomination by denomination when neither is given at a terminal.
            """,
        subcommands: [
            Open.self, PaidIn.self, PaidOut.self, Drop.self, NoSale.self, Handover.self, Close.self, Recount.self,
            Verify.self, Adjust.self, X.self, Z.self, History.self,
        ]
    )

    /// How a count is given on the command line.
    struct CountOptions: ParsableArguments {
        @Option(help: "The count, as DENOMINATIONxQUANTITY,… e.g. 20x15,5x10,0.25x40.") var count: String?
        @Option(help: "The count as a JSON file: {\"20\": 15, \"0.25\": 40}.") var countFile: String?

        func read(_ store: Store, what: String) async throws -> CashCount {
            let denominations = try await store.policy().drawer.denominations
            if let count { return try CashCount.parse(count, denominations: denominations) }
            if let countFile {
                let (data, source) = try Output.read(countFile)
                let quantities = try RequestDecoder.decode([String: Int64].self, from: data, source: source)
                let parsed = CashCount(quantities)
                try parsed.validate(denominations, field: source)
                return parsed
            }
            return try Self.prompt(denominations, what: what)
        }

        /// Asks for each denomination in turn, as people count: largest bills first, blank for none.
        static func prompt(_ denominations: [Denomination], what: String) throws -> CashCount {
            guard isatty(STDIN_FILENO) == 1 else {
                throw POSError.invalid(field: "--count", reason: "give the \(what) with --count or --count-file")
            }
            // Prompts go to stderr: stdout carries the result (JSON with --format json), even when redirected.
            func say(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
            say("Count the drawer (\(what)); press Enter for none.\n")
            var count = CashCount()
            for denomination in denominations {
                while true {
                    say("  \(denomination.name): ")
                    // End of input (Ctrl-D) abandons the count rather than submitting what was typed so far.
                    guard let line = readLine() else {
                        say("\n")
                        throw POSError.invalid(
                            field: "--count",
                            reason: "the \(what) was not finished; nothing was recorded"
                        )
                    }
                    let text = line.trimmingCharacters(in: .whitespaces)
                    if text.isEmpty { break }
                    if let quantity = Int64(text), quantity >= 0, quantity <= 100_000 {
                        count[denomination.code] = quantity
                        break
                    }
                    say("    '\(text)' is not a count; type a whole number.\n")
                }
            }
            return count
        }
    }

    struct Open: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Open the drawer with its opening count.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @OptionGroup var count: CountOptions
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let opening = try await count.read(store, what: "opening count")
            let report = try await operations.openDrawer(count: opening, commandID: id)
            let denominations = report.denominations
            print(
                "Drawer \(report.drawer) opened (session \(report.session)) with \(report.openingCount.total(denominations).formatted)."
            )
            if let previous = report.previousFloat, let difference = report.openingDifference {
                print(
                    difference == .zero
                        ? "Matches the last close's float of \(previous.total(denominations).formatted)."
                        : "Differs from the last close's float of \(previous.total(denominations).formatted) by \(difference.formatted): recorded."
                )
            }
        }
    }

    struct PaidIn: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            commandName: "paid-in",
            abstract: "Cash put into the drawer for a non-sale reason."
        )
        @OptionGroup var movement: MovementOptions

        func execute() async throws { try await movement.record(.paidIn) }
    }

    struct PaidOut: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            commandName: "paid-out",
            abstract: "Cash taken out of the drawer for a non-sale reason."
        )
        @OptionGroup var movement: MovementOptions

        func execute() async throws { try await movement.record(.paidOut) }
    }

    /// What a paid-in or paid-out takes.
    struct MovementOptions: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "The amount, e.g. 12.50.") var amount: String
        @Option(help: "One of the clinic's reasons (see `vetpos settings show`), e.g. postage.") var reason: String
        @Option(help: "What it was, for reason 'other' (and any other detail).") var note: String?
        @Option(
            help: "A paid-out above the clinic's limits: the approving manager's id (PIN from $VETPOS_APPROVER_PIN)."
        )
        var approvedBy: String?
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func record(_ kind: DrawerEventKind) async throws {
            guard let value = Money(parsing: amount) else {
                throw POSError.invalid(field: "--amount", reason: "'\(amount)' is not an amount such as 12.50")
            }
            let approval = try Secret.approval(by: approvedBy, reason: note ?? reason)
            let operations = try await signIn.operations(try database.openStore())
            let event = try await operations.paidInOrOut(
                kind,
                amount: value,
                reason: reason,
                note: note,
                approval: approval,
                commandID: id
            )
            let what = kind == .paidIn ? "Paid in" : "Paid out"
            print("\(what) \(value.formatted) — \(event.reason ?? "") (event \(event.sequence)).")
        }
    }

    struct Drop: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "A safe drop: cash taken to the safe mid-shift, counted by denomination."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @OptionGroup var count: CountOptions
        @Option(help: "Why (default: safe drop).") var reason = "safe drop"
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let dropped = try await count.read(store, what: "cash going to the safe")
            let event = try await operations.safeDrop(count: dropped, reason: reason, commandID: id)
            print("Safe drop of \((-event.amount).formatted) recorded (event \(event.sequence)).")
        }
    }

    struct NoSale: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            commandName: "no-sale",
            abstract: "Open the drawer without a sale; logged with who and why."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "Why the drawer is opened.") var reason: String
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let operations = try await signIn.operations(try database.openStore())
            let event = try await operations.noSale(reason: reason, commandID: id)
            print("No-sale recorded: \(event.reason ?? "") (event \(event.sequence)).")
        }
    }

    struct Handover: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Shift change: both cashiers count; the incoming one signs with their PIN ($VETPOS_INCOMING_PIN)."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @OptionGroup var count: CountOptions
        @Option(help: "The incoming cashier's employee id.") var to: String
        @Option(
            help: "A count beyond the tolerance: the confirming manager's id (PIN from $VETPOS_APPROVER_PIN)."
        )
        var approvedBy: String?
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let counted = try await count.read(store, what: "handover count")
            let pin = try Secret.read(environment: "VETPOS_INCOMING_PIN", prompt: "PIN for \(to): ")
            let approval = try Secret.approval(by: approvedBy, reason: "handover variance")
            let result = try await operations.handOver(
                count: counted,
                to: ApprovalRequest(employee: to, pin: pin, reason: "shift change"),
                approval: approval,
                commandID: id
            )
            print("Drawer handed over from \(result.cashier) to \(to).")
            DrawerCommand.printResult(result)
        }
    }

    struct Close: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "The blind close count: submit the count first, then see expected cash and the variance."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @OptionGroup var count: CountOptions
        @Option(help: "A check number found in the drawer (repeatable).") var check: [String] = []
        @Option(help: "A card terminal's settlement slip total, TERMINAL=AMOUNT (repeatable).") var cardSlip: [String] =
            []
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            var slips: [String: Money] = [:]
            for text in cardSlip {
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let amount = Money(parsing: parts[1]) else {
                    throw POSError.invalid(field: "--card-slip", reason: "'\(text)' is not TERMINAL=AMOUNT")
                }
                slips[parts[0]] = amount
            }
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let counted = try await count.read(store, what: "close count")
            let result = try await operations.closeCount(count: counted, checks: check, cardSlips: slips, commandID: id)
            if format == .json {
                print(try Output.json(result))
            } else {
                DrawerCommand.printClose(result, denominations: try await store.policy().drawer.denominations)
            }
        }
    }

    struct Recount: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "The one recount allowed after the close count.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @OptionGroup var count: CountOptions
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let operations = try await signIn.operations(store)
            let counted = try await count.read(store, what: "recount")
            let result = try await operations.recount(count: counted, commandID: id)
            if format == .json {
                print(try Output.json(result))
            } else {
                DrawerCommand.printClose(result, denominations: try await store.policy().drawer.denominations)
            }
        }
    }

    struct Verify: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "A second employee verifies the close: reduce to float, record the deposit, print the Z report.",
            discussion:
                "Beyond the tolerance a note and a manager are needed: sign in as one, or --approved-by with $VETPOS_APPROVER_PIN."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "What stays as the float, if not the proposal (DENOMINATIONxQUANTITY,…).") var keep: String?
        @Option(help: "Explanation of the variance (required beyond the tolerance).") var note: String?
        @Option(help: "The approving manager's employee id.") var approvedBy: String?
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let policy = try await store.policy()
            let kept = try keep.map {
                try CashCount.parse($0, denominations: policy.drawer.denominations, field: "--keep")
            }
            let approval = try Secret.approval(by: approvedBy, reason: note ?? "")
            let operations = try await signIn.operations(store)
            let report = try await operations.verifyClose(keep: kept, note: note, approval: approval, commandID: id)
            print(
                format == .json
                    ? try Output.json(report)
                    : report.text(calendar: try BusinessCalendar(timeZoneIdentifier: policy.timeZone))
            )
        }
    }

    struct Adjust: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "A manager's correction found later, as cash in (+) or out (−) of the open session."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "Signed amount, e.g. 20.00 or -5.00.") var amount: String
        @Option(help: "What was found.") var reason: String
        @Option(help: "The closed session it corrects.") var corrects: Int64?
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            guard let value = Money(parsing: amount) else {
                throw POSError.invalid(field: "--amount", reason: "'\(amount)' is not an amount such as -5.00")
            }
            let operations = try await signIn.operations(try database.openStore())
            let event = try await operations.adjustDrawer(
                amount: value,
                reason: reason,
                corrects: corrects,
                commandID: id
            )
            print("Adjustment of \(event.amount.formatted) recorded (event \(event.sequence)).")
        }
    }

    struct X: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "The X report of this terminal's drawer (no reset).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "text or json.") var format = OutputFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let report = try await store.drawerReport(viewer: try await signIn.signIn(store))
            print(
                format == .json
                    ? try Output.json(report)
                    : report.text(calendar: try BusinessCalendar(timeZoneIdentifier: try await store.policy().timeZone))
            )
        }
    }

    struct Z: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "A closed session's Z report.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The Z number.") var number: Int
        @Option(help: "The drawer (default: this terminal's).") var drawer: String?
        @Option(help: "text or json.") var format = OutputFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let viewer = try await signIn.signIn(store)
            try viewer.require(.viewReports)
            let report = try await store.zReport(drawer: drawer ?? viewer.terminal, number: number, viewer: viewer)
            print(
                format == .json
                    ? try Output.json(report)
                    : report.text(calendar: try BusinessCalendar(timeZoneIdentifier: try await store.policy().timeZone))
            )
        }
    }

    struct History: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Over/short of every close and handover, by employee and drawer."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        // Not --employee: that is who signs in (SignInOptions).
        @Option(name: .customLong("cashier"), help: "Only this cashier's counts.") var employee: String?
        @Option(help: "Only this drawer.") var drawer: String?
        @Option(help: "text or json.") var format = OutputFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let viewer = try await signIn.signIn(store)
            let entries = try await store.overShortHistory(employee: employee, drawer: drawer, viewer: viewer)
            if format == .json {
                print(try Output.json(entries))
                return
            }
            let calendar = try BusinessCalendar(timeZoneIdentifier: try await store.policy().timeZone)
            for entry in entries {
                let when =
                    "\(calendar.businessDate(atMillis: entry.atMillis)) \(calendar.timeOfDay(atMillis: entry.atMillis))"
                print(
                    "\(when)\t\(entry.drawer)\tZ\(entry.zNumber ?? 0)\t\(entry.kind.rawValue)\t\(entry.cashier)\tcounted \(entry.counted)\texpected \(entry.expected)\tover/short \(entry.overShort)"
                )
            }
            var byEmployee: [String: (count: Int, total: Money)] = [:]
            for entry in entries {
                byEmployee[entry.cashier, default: (0, .zero)] = (
                    byEmployee[entry.cashier, default: (0, .zero)].count + 1,
                    byEmployee[entry.cashier, default: (0, .zero)].total + entry.overShort
                )
            }
            for (employee, summary) in byEmployee.sorted(by: { $0.key < $1.key }) {
                print("\(employee): \(summary.count) counts, net over/short \(summary.total.formatted)")
            }
        }
    }

    static func printResult(_ result: CountResult) {
        print("  counted   \(result.counted.formatted)")
        print("  expected  \(result.expected.formatted)")
        print(
            "  \(result.overShort.isNegative ? "short" : result.overShort == .zero ? "even " : "over ")     \(result.overShort.formatted)"
        )
    }

    static func printClose(_ close: DrawerCloseResult, denominations: [Denomination]) {
        print("\(close.result.kind == .recount ? "Recount" : "Close count") submitted for session \(close.session).")
        printResult(close.result)
        if close.withinTolerance {
            print("Within the \(close.tolerance.formatted) tolerance.")
        } else {
            print(
                "Beyond the \(close.tolerance.formatted) tolerance: "
                    + (close.recountAllowed ? "recount once (vetpos drawer recount), or " : "")
                    + "a manager accepts it with a note at verify."
            )
        }
        for check in close.missingChecks {
            print("MISSING check \(check.checkNumber ?? "") for \(check.amount.formatted) (payment \(check.number))")
        }
        for number in close.unexpectedChecks { print("UNEXPECTED check \(number): no payment in this session took it") }
        for batch in close.cardBatches {
            print(
                "Card terminal \(batch.terminal): recorded \(batch.recorded.formatted)"
                    + (batch.slip.map { ", slip \($0.formatted), difference \((batch.difference ?? .zero).formatted)" }
                        ?? ", no slip typed")
            )
        }
        print(
            "Proposed float to keep: \(close.proposal.keepTotal.formatted) — \(close.proposal.keep.text(denominations))"
        )
        print(
            "Proposed deposit:       \(close.proposal.depositTotal.formatted) — \(close.proposal.deposit.text(denominations))"
        )
        print("A second employee verifies with: vetpos drawer verify [--keep …] [--note …]")
    }
}
