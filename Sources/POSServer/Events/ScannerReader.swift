import Foundation
import Logging
import POSCore
import POSStorage

extension APIServer {
    /// Reads a terminal's barcode scanner in the server (`vetpos serve --scanner TERMINAL`) until the task is
    /// cancelled. Each code goes the way of `POST /api/terminals/{terminal}/scans`, as the employee who signed in at
    /// the terminal most recently; with nobody signed in there, nothing is added and the page is told to sign in. A
    /// scanner unplugged or plugged back in is a `scanner` event.
    public func readScanner(_ scanner: any BarcodeScanner, at terminal: String) async {
        while !Task.isCancelled {
            let event: ScannerEvent?
            do throws(DeviceFailure) {
                event = try await scanner.next(timeoutMilliseconds: 500)
            } catch {
                logger.warning("scanner", metadata: ["terminal": .string(terminal), "problem": .string(error.message)])
                let data = ScannerEventData(state: "failed", message: error.message)
                await events.publish(.json("scanner", data), to: terminal)
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            switch event {
            case nil: continue
            case .disconnected:
                logger.warning("scanner", metadata: ["terminal": .string(terminal), "state": "disconnected"])
                await events.publish(.json("scanner", ScannerEventData(state: "disconnected")), to: terminal)
            case .reconnected:
                logger.info("scanner", metadata: ["terminal": .string(terminal), "state": "connected"])
                await events.publish(.json("scanner", ScannerEventData(state: "connected")), to: terminal)
            case .scanned(let code): await scanned(code, at: terminal)
            }
        }
    }

    /// One code from the terminal's scanner: the scan of whoever signed in there last, or refused.
    func scanned(_ code: String, at terminal: String) async {
        guard let newest = try? await sessions.newest(atTerminal: terminal),
            let session = try? await sessions.follow(
                session: newest,
                record: store.currentEmployee(newest.clerk.employee.id)
            )
        else {
            let data = ScanEventData(code: code, result: "refused", message: "sign in at \(terminal) first")
            await events.publish(.json("scan", data), to: terminal)
            return
        }
        do {
            try session.clerk.require(.addVisitLines)
            _ = try await scan(
                code,
                invoice: nil,
                patient: nil,
                at: terminal,
                by: session.clerk,
                commandID: UUID().uuidString.lowercased()
            )
        } catch {
            let data = ScanEventData(
                code: code,
                result: "refused",
                message: "nothing added: \(APIError.from(error).message)"
            )
            await events.publish(.json("scan", data), to: terminal)
        }
    }
}

/// The data of a `scanner` event: the terminal's scanner was unplugged, plugged back in, or failed.
struct ScannerEventData: Encodable {
    /// `disconnected`, `connected` or `failed`.
    var state: String
    var message: String?
}
