import ArgumentParser
import Foundation
import Hummingbird
import Logging
import POSCore
import POSDevices
import POSServer
import POSStorage

/// `vetpos serve`: the appliance. One process, one database file; the front-desk terminals are browsers on the
/// clinic's network talking to the JSON API.
struct ServeCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the front desk: the JSON API (OpenAPI document at /api/openapi.json).",
        discussion: """
            Staff sign in with their PIN (POST /api/sessions); sessions live in memory, so a restart signs everyone \
            out. SIGTERM or Ctrl-C stops taking new connections, finishes the requests in flight, then exits.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The address to listen on: 0.0.0.0 for the clinic's network, 127.0.0.1 for this machine only.")
    var host = "0.0.0.0"
    @Option(help: "The port (0: any free port).") var port = 8080
    @Option(help: "Minutes without a request before a session expires.") var idleMinutes = 15
    @Option(
        help: ArgumentHelp(
            "Read the USB barcode scanner for this terminal (e.g. FRONT-1).",
            discussion: "Each code is added as by POST /api/terminals/TERMINAL/scans, as whoever signed in there last."
        )
    )
    var scanner: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (1...24 * 60).contains(idleMinutes) else { throw ValidationError("--idle-minutes must be 1…1440") }
    }

    func execute() async throws {
        let path = database.path
        let store = try database.openStore(creating: !FileManager.default.fileExists(atPath: path))
        // The access log goes to standard error; standard output carries the address line.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "vetpos.server")
        logger.logLevel = .info
        let server = APIServer(
            store: store,
            sessions: Sessions(store: store, idleTimeout: .seconds(idleMinutes * 60)),
            logger: logger
        )
        let host = host
        let app = server.application(host: host, port: port) { bound in
            var lines = "VetPOS is serving \(path) at http://\(host):\(bound)/\n"
            if host == "0.0.0.0" {
                lines +=
                    "Open http://\(ProcessInfo.processInfo.hostName):\(bound)/ from the clinic's other terminals.\n"
            }
            if (try? await store.isSetUp()) == false {
                lines += "The clinic is not set up yet: run `vetpos setup` (or `vetpos demo`) with this --db first.\n"
            }
            FileHandle.standardOutput.write(Data(lines.utf8))
        }
        // The scanner is read until the server has shut down gracefully.
        let reading = try await scannerTerminal(store).map { terminal in
            Task { await server.readScanner(USBBarcodeScanner(usb: USBContext.shared), at: terminal) }
        }
        defer { reading?.cancel() }
        try await app.runService()
        reading?.cancel()
        await reading?.value
        await server.deviceWork.settled()
        logger.info("stopped", metadata: ["db": .string(path)])
    }

    /// The terminal of `--scanner`, refused when its settings turn its scanner off.
    private func scannerTerminal(_ store: Store) async throws -> String? {
        guard let scanner else { return nil }
        try Identifier.validate(scanner, field: "--scanner")
        if let devices = (try? await store.policy())?.terminals[scanner], !devices.scanner {
            throw POSError.conflict("terminal \(scanner) has its scanner turned off in the settings")
        }
        return scanner
    }
}
