import Foundation
import Logging
import POSCore
import POSDevices
import POSServices
import POSStorage

/// The device side effects the server started after committed calls (drawer kicks), run in the background so that a
/// slow or broken device never holds up or fails the response. ``settled()`` waits for them: on graceful shutdown,
/// and in tests.
public actor DeviceWork {
    private var running: [Int: Task<Void, Never>] = [:]
    private var started = 0

    public init() {}

    /// Starts `work` in the background.
    func start(_ work: @escaping @Sendable () async -> Void) {
        started += 1
        let id = started
        running[id] = Task {
            await work()
            self.finished(id)
        }
    }

    private func finished(_ id: Int) { running[id] = nil }

    /// Returns once everything started so far has finished.
    public func settled() async {
        while let (id, task) = running.first {
            await task.value
            running[id] = nil
        }
    }
}

extension APIServer {
    /// The hardware of `terminal` as the server drives it: this server's print server and USB bus, warnings and
    /// notes in the log. Nil when the terminal has no devices configured.
    func hardware(at terminal: String) async throws -> TerminalHardware? {
        let logger = logger
        return try await TerminalHardware.at(terminal, store: store, printer: printer, usb: usb) { message in
            switch message {
            case .warning(let text):
                logger.warning("device", metadata: ["terminal": .string(terminal), "problem": .string(text)])
            case .note(let text):
                logger.info("device", metadata: ["terminal": .string(terminal), "state": .string(text)])
            }
        }
    }
}

extension APIServer {
    /// The server's device work after a commit: in the background (``DeviceWork``), problems in the log. Receipts
    /// print when the page asks (`POST /api/invoices/{n}/print`), so that it can show the printer's answer.
    var afterCommit: AfterCommit {
        let server = self
        return AfterCommit(
            printsReceipts: false,
            hardware: { terminal in try await server.hardware(at: terminal) },
            start: { work in await server.deviceWork.start(work) },
            warn: { terminal, problem in
                server.logger.warning("device", metadata: ["terminal": .string(terminal), "problem": .string(problem)])
            }
        )
    }
}

extension APICall {
    /// The application's operations for the signed-in caller at their terminal.
    var operations: Operations {
        get throws { Operations(store: store, clerk: try clerk, devices: server.afterCommit) }
    }
}
