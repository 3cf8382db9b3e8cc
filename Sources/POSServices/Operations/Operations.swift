import Foundation
import POSCore
import POSStorage

/// The application's operations: one function per thing a person does (check out, take a payment, count the drawer,
/// import a bank file, …), shared by the CLI's commands and the server's routes, which only parse, call and render.
///
/// Each function is the whole use case: it validates what the Store is not given to check, makes the one Store call
/// (which checks the employee's permission, stores the change and journals it in one transaction), and after the
/// commit does the device work (the drawer kicked by ``DrawerOpening``'s rule, the receipt queued and printed). A
/// replayed command (its id already used: the Store returns the first result) never kicks or prints again.
public struct Operations: Sendable {
    public let store: Store
    /// The signed-in employee at their terminal.
    public let clerk: Operator
    public let devices: AfterCommit

    public init(store: Store, clerk: Operator, devices: AfterCommit = .none) {
        self.store = store
        self.clerk = clerk
        self.devices = devices
    }

    /// Runs a Store command, then, unless it was a replay, `effects` with the result on the terminal's hardware.
    func committing<Result: Sendable>(
        _ commandID: String,
        _ command: () async throws -> Result,
        then effects: @escaping @Sendable (Result, TerminalHardware) async -> Void
    ) async throws -> Result {
        let replay = try await store.commandExists(commandID)
        let result = try await command()
        if !replay { await devices.run(at: clerk.terminal) { await effects(result, $0) } }
        return result
    }
}

/// How device work after a commit is done: by the CLI while the command waits (warnings on standard error), by the
/// server in the background (warnings in the log) so that a slow or broken device never holds up a response.
public struct AfterCommit: Sendable {
    /// The hardware of a terminal; nil when none is configured.
    let hardware: @Sendable (_ terminal: String) async throws -> TerminalHardware?
    /// Runs the work: at once and waiting, or in the background.
    let start: @Sendable (_ work: @escaping @Sendable () async -> Void) async -> Void
    /// Whether a committed sale, payment or refund prints its receipt at once. The web page asks for the receipt
    /// itself (`POST /api/invoices/{n}/print`) so that it can show the printer's answer next to the sale.
    public let printsReceipts: Bool
    /// Where a failure to reach the devices is reported.
    let warn: @Sendable (_ terminal: String, _ problem: String) -> Void

    public init(
        printsReceipts: Bool,
        hardware: @escaping @Sendable (_ terminal: String) async throws -> TerminalHardware?,
        start: @escaping @Sendable (_ work: @escaping @Sendable () async -> Void) async -> Void,
        warn: @escaping @Sendable (_ terminal: String, _ problem: String) -> Void
    ) {
        self.printsReceipts = printsReceipts
        self.hardware = hardware
        self.start = start
        self.warn = warn
    }

    /// No devices: scripts, the demo and tests of the rules.
    public static let none = AfterCommit(
        printsReceipts: false,
        hardware: { _ in nil },
        start: { _ in },
        warn: { _, _ in }
    )

    func run(at terminal: String, _ work: @escaping @Sendable (TerminalHardware) async -> Void) async {
        let hardware = hardware
        let warn = warn
        await start {
            do {
                guard let found = try await hardware(terminal) else { return }
                await work(found)
            } catch {
                warn(terminal, "the devices were not reached: \(error)")
            }
        }
    }
}
