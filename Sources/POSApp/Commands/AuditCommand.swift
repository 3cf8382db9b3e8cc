import ArgumentParser
import Foundation
import POSCore
import POSStorage

/// `vetpos audit pins`: the wrong PINs a manager should know about.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "What managers review: wrong PINs.",
        subcommands: [Pins.self]
    )

    struct Pins: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Wrong PINs (sign-in and approvals) by employee and source, newest first; never the PIN.",
            discussion:
                "A source is a terminal at a client address (the server) or cli:USER@TERMINAL. 'cleared' means the "
                + "right PIN was given there afterwards. Kept 90 days."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "How many days back (default 7).") var days = 7
        @Option(help: "text or json.") var format = OutputFormat.text

        func validate() throws {
            guard (1...90).contains(days) else { throw ValidationError("--days must be 1…90") }
        }

        func execute() async throws {
            let store = try database.openStore()
            let viewer = try await signIn.signIn(store)
            let since = Int64(Date().timeIntervalSince1970 * 1000) - Int64(days) * 24 * 3600 * 1000
            let failures = try await store.pinFailures(since: since, viewer: viewer)
            switch format {
            case .json: print(try Output.json(failures))
            case .text:
                if failures.isEmpty {
                    print("No wrong PINs in the last \(days) days.")
                    return
                }
                let formatter = ISO8601DateFormatter()
                for failure in failures {
                    let at = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(failure.at) / 1000))
                    let state = failure.cleared ? "cleared" : "counting"
                    print("\(at)  \(failure.employee)  \(failure.source)  \(failure.purpose)  \(state)")
                }
            }
        }
    }
}
