import ArgumentParser
import Foundation
import POSServer
import POSServices

/// `vetpos tls`: the clinic's certificate authority and the server certificate `vetpos serve` uses, created if missing.
struct TLSCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "tls",
        abstract: "Create or show the clinic's certificate authority and server certificate (HTTPS).",
        discussion: """
            The folder is --tls, else $VETPOS_TLS, else tls beside the database. Created on first use (vetpos serve \\
            does the same); afterwards reused, with the server certificate issued again when it expires within 30 \\
            days or this machine's names or addresses changed. --renew issues it again now (dropping old addresses). \\
            Terminals trust the authority (ca.crt), so a new server certificate needs nothing on them.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The clinic's certificates folder (default: $VETPOS_TLS, else tls beside the database).")
    var tls: String?
    @Option(help: "An address or name to include besides this machine's (e.g. the address serve listens on).")
    var host: String?
    @Flag(help: "Issue the server certificate again now.") var renew = false

    func execute() async throws {
        let folder = tls ?? Installation.current().tlsFolder(database: database.path)
        let certificates = try ClinicTLS.prepare(
            folder: URL(fileURLWithPath: folder),
            names: .thisMachine(listeningOn: host),
            renew: renew
        )
        var lines = certificates.changes.map { $0 + "\n" }.joined()
        lines += """
            Certificate authority: \(certificates.authorityCertificatePath)
            SHA-256 fingerprint:   \(certificates.authorityFingerprint)
            Server certificate:    \(certificates.folder.appendingPathComponent("server.crt").path)
            Names:                 \(certificates.names.description)
            Valid until:           \(ISO8601DateFormatter().string(from: certificates.serverNotValidAfter))

            """
        FileHandle.standardOutput.write(Data(lines.utf8))
    }
}
