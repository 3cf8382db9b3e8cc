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
