import ArgumentParser
import Foundation
import POSCore
import POSReports
import POSServices
import POSStorage

/// `vetpos report reconcile`: card batches, processor settlements, deposits and bank lines matched by the stages of
/// FORMATS.md §6, with every match's rule and every leftover listed.
struct ReconcileReport: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Match card batches and deposits of the days to imported settlements and bank lines.",
        discussion: """
            Batches and deposits of --from…--to are matched against settlement and bank lines dated up to ten days \
            later (settlements arrive days after the batch). Subset-sum matches are suggestions to confirm; unmatched \
            items are carried forward and listed, never absorbed.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Option(help: "First business day, YYYY-MM-DD.") var from: String
    @Option(help: "Last business day (default: --from).") var to: String?
    @Option(help: "text or json.") var format = OutputFormat.text

    func execute() async throws {
        let first = try BusinessDate.parse(from, field: "--from")
        let last = try to.map { try BusinessDate.parse($0, field: "--to") } ?? first
        guard last >= first else { throw POSError.invalid(field: "--to", reason: "\(last) is before --from \(first)") }
        let store = try database.openStore()
        let viewer = try await signIn.signIn(store)
        let outcome = try await ReconciliationReports.reconcile(store, viewer: viewer, from: first, through: last)
        print(format == .json ? try Output.json(outcome.result) : outcome.text, terminator: format == .json ? "\n" : "")
    }
}
