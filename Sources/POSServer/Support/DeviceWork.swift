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

extension APICall {
    /// Runs a mutating command, then kicks the caller's terminal's drawer in the background when `opening` of its
    /// result allows it (``DrawerOpening``). A replayed command (its Idempotency-Key already used: the store returns
    /// the first result) never kicks again. A device problem is a warning in the log, never the call's error.
    func committing<Result: Sendable>(
        _ command: () async throws -> Result,
        kicking opening: @escaping @Sendable (Result) -> DrawerOpening?
    ) async throws -> Result {
        let replay = try await store.commandExists(commandID)
        let result = try await command()
        guard !replay, let opening = opening(result), opening.opensDrawer else { return result }
        let terminal = try clerk.terminal
        let server = server
        await server.deviceWork.start {
            do {
                try await server.hardware(at: terminal)?.kickDrawer(for: opening)
            } catch {
                server.logger.warning(
                    "device",
                    metadata: [
                        "terminal": .string(terminal), "problem": .string("the drawer was not kicked: \(error)"),
                    ]
                )
            }
        }
        return result
    }
}
