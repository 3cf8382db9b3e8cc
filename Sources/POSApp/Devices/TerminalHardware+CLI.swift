import Foundation
import POSCore
import POSDevices
import POSServices
import POSStorage

/// The terminal's hardware as a command drives it: CUPS and the USB bus, device problems as warnings on stderr.
extension TerminalHardware {
    /// The hardware of the terminal a command runs at, or nil when none is configured.
    static func at(_ terminal: String, store: Store) async throws -> TerminalHardware? {
        try await at(terminal, store: store) { message in
            switch message {
            case .warning(let text): warn(text)
            case .note(let text): note(text)
            }
        }
    }

    /// Delivers the print queue; what waits or failed becomes warnings. Returns the pass's report.
    @discardableResult
    static func deliver(
        store: Store,
        queue: String?,
        waitingUpTo milliseconds: Int
    ) async -> PrintSpooler.Report? {
        let delivery = await ReceiptPrinting.deliver(
            store: store,
            printer: CUPSClient.shared,
            queue: queue,
            waitingUpTo: milliseconds
        )
        for problem in delivery.warnings { warn(problem) }
        return delivery.report
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("vetpos: warning: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("vetpos: \(message)\n".utf8))
    }
}

extension AfterCommit {
    /// The CLI's device work: done while the command waits, warnings and notes on standard error, receipts printed.
    static func cli(_ store: Store) -> AfterCommit {
        AfterCommit(
            printsReceipts: true,
            hardware: { terminal in try await TerminalHardware.at(terminal, store: store) },
            start: { work in await work() },
            warn: { terminal, problem in TerminalHardware.warn("\(terminal): \(problem)") }
        )
    }
}

extension SignInOptions {
    /// Signs in and returns the application's operations for this employee at this terminal, with its devices.
    func operations(_ store: Store) async throws -> Operations {
        Operations(store: store, clerk: try await signIn(store), devices: .cli(store))
    }
}
