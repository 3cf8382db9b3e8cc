import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSServices
import POSStorage

/// `vetpos reconcile match|write-off|reverse|decisions`: what people decide about matching, recorded for good.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Confirm or make matches, write off what cannot be matched, and undo either.",
        discussion: """
            Items are named KIND:ID as `vetpos report reconcile` prints them: payment:P12, entry:stripe:txn_1, \
            payout:po_1, bank:ACCOUNT:ID, batch:B-…, slip:D-…. Automatic matches are recomputed from the imported \
            files each time; a recorded decision takes its items out of automatic matching until it is reversed.
            """,
        subcommands: [Match.self, WriteOff.self, Reverse.self, Decisions.self]
    )

    struct Match: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Record that items settle each other (a suggestion confirmed, or a match made by hand).",
            discussion: """
                Both sides must add up to the cent (a card batch matched to its bank credit may be less by the \
                processor's fee). Bookkeepers and managers.
                """
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "An item of the clinic's or the processor's side, KIND:ID (repeatable).") var left: [String] = []
        @Option(help: "An item that settles them, KIND:ID (repeatable).") var right: [String] = []
        @Option(help: "Why these match (shown on every report).") var reason: String
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let decision = ReconciliationDecision(
                action: .match,
                left: try left.map { try MatchItem(parsing: $0) },
                right: try right.map { try MatchItem(parsing: $0) },
                reason: reason
            )
            try await ReconcileCommand.record(decision, database, signIn, format: format, id: id)
        }
    }

    struct WriteOff: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            commandName: "write-off",
            abstract: "Take items out of matching for good, with the reason (managers only)."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The items, KIND:ID.") var items: [String]
        @Option(help: "Why they will never be matched.") var reason: String
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let decision = ReconciliationDecision(
                action: .writeOff,
                left: try items.map { try MatchItem(parsing: $0) },
                reason: reason
            )
            try await ReconcileCommand.record(decision, database, signIn, format: format, id: id)
        }
    }

    struct Reverse: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Undo a recorded match or write-off: its items are open again (managers only)."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The decision's number.") var decision: Int64
        @Option(help: "Why it is undone.") var reason: String
        @Option(help: "text or json.") var format = OutputFormat.text
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let reversal = ReconciliationDecision(action: .reversal, reason: reason, reverses: decision)
            try await ReconcileCommand.record(reversal, database, signIn, format: format, id: id)
        }
    }

    struct Decisions: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Every matching decision, in the order made.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "text or json.") var format = OutputFormat.text

        func execute() async throws {
            let store = try database.openStore()
            let viewer = try await signIn.signIn(store)
            try viewer.require(.viewReports)
            let decisions = try await store.reconciliationDecisions()
            if format == .json {
                print(try Output.json(decisions))
            } else {
                for decision in decisions { print(ReconcileCommand.line(decision)) }
                if decisions.isEmpty { print("no matching decisions recorded") }
            }
        }
    }

    /// Checks the decision against what matching sees now, records it and prints it.
    static func record(
        _ decision: ReconciliationDecision,
        _ database: DatabaseOptions,
        _ signIn: SignInOptions,
        format: OutputFormat,
        id: String
    ) async throws {
        let operations = try await signIn.operations(try database.openStore())
        let recorded = try await operations.recordDecision(decision, commandID: id)
        print(format == .json ? try Output.json(recorded) : line(recorded))
    }

    static func line(_ decision: ReconciliationDecision) -> String {
        let what: String
        switch decision.action {
        case .match:
            let difference = decision.amount == .zero ? "" : " (difference \(decision.amount.formatted))"
            what =
                "match \(decision.left.map(\.description).joined(separator: " + ")) ↔ "
                + "\(decision.right.map(\.description).joined(separator: " + "))\(difference)"
        case .writeOff:
            what = "write-off \(decision.left.map(\.description).joined(separator: ", ")) \(decision.amount.formatted)"
        case .reversal:
            what = "reversal of decision \(decision.reverses ?? 0)"
        }
        return "decision \(decision.number): \(what) by \(decision.decidedBy) — \(decision.reason)"
    }
}
