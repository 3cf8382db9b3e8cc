import ArgumentParser
import Foundation
import Hummingbird
import Logging
import POSCore
import POSDevices
import POSServer
import POSServices
import POSStorage

/// `vetpos serve`: the appliance. One process, one database file; the front-desk terminals are browsers on the
/// clinic's network talking to the JSON API.
struct ServeCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the front desk: the JSON API (OpenAPI document at /api/openapi.json).",
        discussion: """
            HTTPS by default, with the clinic's own certificate authority: created on first start in the tls folder \
            (--tls, $VETPOS_TLS, else tls beside the database) with a server certificate for this machine's names and \
            addresses, re-issued when it nears expiry or the names change. Each terminal installs the authority once \
            as a trusted root, from https://THIS-MACHINE:PORT/ca.crt; the startup lines print its SHA-256 fingerprint. \
            Plain HTTP (PINs and tokens readable on the network) only with --insecure-http, and on another address \
            than 127.0.0.1 or ::1 only with --allow-insecure-lan as well.

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
    @Option(help: "The clinic's certificates folder (default: $VETPOS_TLS, else tls beside the database).")
    var tls: String?
    @Flag(
        help:
            "Serve plain HTTP, not HTTPS: PINs and session tokens cross the network readable. Tests, or behind a TLS proxy."
    )
    var insecureHttp = false
    @Flag(help: "With --insecure-http: allow listening on an address other than 127.0.0.1 or ::1.")
    var allowInsecureLan = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (1...24 * 60).contains(idleMinutes) else { throw ValidationError("--idle-minutes must be 1…1440") }
        if allowInsecureLan && !insecureHttp {
            throw ValidationError("--allow-insecure-lan goes with --insecure-http only")
        }
        if insecureHttp && !allowInsecureLan && !Self.isLoopback(host) {
            throw ValidationError(
                "--insecure-http on \(host) would send PINs and session tokens across the clinic's network readable; "
                    + "use it with --host 127.0.0.1 (this machine only), or add --allow-insecure-lan if a TLS proxy "
                    + "in front of VetPOS is what the terminals reach"
            )
        }
    }

    /// An address only this machine can reach.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    func execute() async throws {
        let path = database.path
        let store = try database.openStore(creating: !FileManager.default.fileExists(atPath: path))
        let certificates =
            insecureHttp
            ? nil
            : try ClinicTLS.prepare(
                folder: URL(fileURLWithPath: tls ?? Installation.current().tlsFolder(database: path)),
                names: .thisMachine(listeningOn: host)
            )
        // The access log goes to standard error; standard output carries the address line.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "vetpos.server")
        logger.logLevel = .info
        let server = APIServer(
            store: store,
            sessions: Sessions(store: store, idleTimeout: .seconds(idleMinutes * 60)),
            logger: logger,
            authorityCertificate: certificates?.authorityPEM
        )
        if insecureHttp {
            logger.warning("plain HTTP (--insecure-http): PINs and session tokens cross the network unencrypted")
        }
        for change in certificates?.changes ?? [] { logger.notice("tls", metadata: ["change": .string(change)]) }
        let host = host
        let scheme = certificates == nil ? "http" : "https"
        let app = try server.application(host: host, port: port, tls: certificates) { bound in
            let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
            var lines = ""
            if certificates == nil {
                lines +=
                    "WARNING: plain HTTP (--insecure-http): PINs, approval PINs and session tokens are not encrypted.\n"
            }
            lines += "VetPOS is serving \(path) at \(scheme)://\(shown):\(bound)/\n"
            if let certificates {
                lines +=
                    "The clinic's certificate authority: \(certificates.authorityCertificatePath), SHA-256 "
                    + "\(certificates.authorityFingerprint); install it on each terminal as a trusted root "
                    + "(download: \(scheme)://\(shown == "0.0.0.0" ? ClinicTLS.hostName() : shown):\(bound)/ca.crt).\n"
            }
            if host == "0.0.0.0" {
                lines += "Open \(scheme)://\(ClinicTLS.hostName()):\(bound)/ from the clinic's other terminals.\n"
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
