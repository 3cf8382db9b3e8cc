import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clinic's own certificate authority and the server certificate it signs, kept in one folder (`tls/` beside the
/// database, or `$VETPOS_TLS`):
///
/// - `ca.key` (0600) and `ca.crt` (0644): a self-signed P-256 authority, valid 10 years. Each terminal installs `ca.crt`
///   once as a trusted root (the server offers it at `GET /ca.crt`).
/// - `server.key` (0600) and `server.crt` (0644): the server's certificate, valid 2 years, for serverAuth, naming this
///   machine (``ServerNames``). It is issued again, silently, when it expires within 30 days, when this machine's
///   names or addresses are no longer all in it, or when it was not signed by `ca.crt`; the terminals trust the
///   authority, not the certificate, so they notice nothing.
///
/// The folder is 0750. Files are written under a temporary name and renamed, under an exclusive lock on `.lock`, so
/// two processes starting at once never see half a file or two authorities.
public struct ClinicTLS: Sendable {
    public static let authorityValidity: TimeInterval = 10 * 366 * 24 * 3600
    public static let serverValidity: TimeInterval = 2 * 365 * 24 * 3600
    /// A server certificate expiring sooner than this is issued again.
    public static let renewBefore: TimeInterval = 30 * 24 * 3600

    public let folder: URL
    /// The authority's certificate, PEM (what terminals install).
    public let authorityPEM: String
    /// The SHA-256 of the authority's certificate (DER), as uppercase hex pairs joined by colons: what a browser's
    /// certificate viewer shows, so a terminal can check the file it installed.
    public let authorityFingerprint: String
    /// The server certificate chain (server, then authority) and its key, PEM.
    public let serverCertificatePEM: String
    public let serverKeyPEM: String
    /// The names in the server certificate.
    public let names: ServerNames
    public let serverNotValidAfter: Date
    /// What this call did: created the authority, issued the server certificate (and why), or reused both.
    public let changes: [String]

    public var authorityCertificatePath: String { folder.appendingPathComponent("ca.crt").path }

    /// The authority and server certificate in `folder`: reused when present and good, otherwise created.
    /// `renew` issues the server certificate again whatever its state.
    public static func prepare(
        folder: URL,
        names: ServerNames,
        now: Date = Date(),
        renew: Bool = false
    ) throws -> ClinicTLS {
        try FileManager.default.createDirectory(
            at: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]
        )
        _ = chmod(folder.path, 0o750)
        return try withLock(folder.appendingPathComponent(".lock").path) {
            try prepareLocked(folder: folder, names: names, now: now, renew: renew)
        }
    }

    private static func prepareLocked(folder: URL, names: ServerNames, now: Date, renew: Bool) throws -> ClinicTLS {
        let paths = (
            caKey: folder.appendingPathComponent("ca.key").path,
            caCert: folder.appendingPathComponent("ca.crt").path,
            key: folder.appendingPathComponent("server.key").path,
            cert: folder.appendingPathComponent("server.crt").path
        )
        var changes: [String] = []

        // The authority: reused if both files are there, else created (a lone half is an error, never overwritten).
        let authority: (key: P256.Signing.PrivateKey, certificate: Certificate)
        let haveKey = FileManager.default.fileExists(atPath: paths.caKey)
        let haveCert = FileManager.default.fileExists(atPath: paths.caCert)
        if haveKey && haveCert {
            let key = try P256.Signing.PrivateKey(pemRepresentation: try read(paths.caKey))
            let certificate = try Certificate(pemEncoded: try read(paths.caCert))
            guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
                throw TLSSetupError("\(paths.caCert) does not belong to \(paths.caKey)")
            }
            guard certificate.notValidAfter > now else {
                throw TLSSetupError(
                    "the clinic's certificate authority \(paths.caCert) expired on \(certificate.notValidAfter); "
                        + "move \(folder.path) aside to create a new one, then install the new ca.crt on every terminal"
                )
            }
            authority = (key, certificate)
        } else if haveKey || haveCert {
            throw TLSSetupError(
                "\(folder.path) has only one of ca.key and ca.crt; restore the other or move the folder aside"
            )
        } else {
            authority = try makeAuthority(now: now)
            try write(authority.key.pemRepresentation, to: paths.caKey, mode: 0o600)
            try write(try authority.certificate.serializeAsPEM().pemString + "\n", to: paths.caCert, mode: 0o644)
            changes.append("created the clinic's certificate authority \(paths.caCert)")
        }

        // The server certificate: reused unless a reason to issue it again.
        var reason: String? = renew ? "renewal asked for" : nil
        var existing: (key: P256.Signing.PrivateKey, certificate: Certificate)?
        if reason == nil {
            if let key = try? P256.Signing.PrivateKey(pemRepresentation: try read(paths.key)),
                let certificate = try? Certificate(pemEncoded: try read(paths.cert))
            {
                existing = (key, certificate)
                if certificate.publicKey != Certificate.PublicKey(key.publicKey) {
                    reason = "server.crt does not belong to server.key"
                } else if certificate.issuer != authority.certificate.subject
                    || !authority.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
                {
                    reason = "server.crt was not signed by ca.crt"
                } else if certificate.notValidAfter.timeIntervalSince(now) < renewBefore {
                    reason = "server.crt expires on \(certificate.notValidAfter)"
                } else {
                    let missing = names.missing(from: (try? certificate.extensions.subjectAlternativeNames) ?? nil)
                    if !missing.isEmpty {
                        reason = "server.crt does not name \(missing.joined(separator: ", "))"
                    }
                }
            } else {
                reason = "no server certificate yet"
            }
        }
        let server: (key: P256.Signing.PrivateKey, certificate: Certificate)
        let serverNames: ServerNames
        if let reason {
            // Names once in the certificate are kept (an address seen at an earlier start may come back), unless renewing.
            var all = names
            if !renew, let previous = (try? existing?.certificate.extensions.subjectAlternativeNames) ?? nil {
                all.merge(ServerNames(previous))
            }
            let key = P256.Signing.PrivateKey()
            let certificate = try makeServerCertificate(key: key, names: all, authority: authority, now: now)
            try write(key.pemRepresentation, to: paths.key, mode: 0o600)
            try write(try certificate.serializeAsPEM().pemString + "\n", to: paths.cert, mode: 0o644)
            changes.append("issued the server certificate \(paths.cert) for \(all.description) (\(reason))")
            server = (key, certificate)
            serverNames = all
        } else {
            // swift-format-ignore: NeverForceUnwrap
            server = existing!  // safe: this branch runs only when `existing` was found
            serverNames = ServerNames((try? server.certificate.extensions.subjectAlternativeNames) ?? nil)
        }

        let authorityPEM = try authority.certificate.serializeAsPEM().pemString + "\n"
        return ClinicTLS(
            folder: folder,
            authorityPEM: authorityPEM,
            authorityFingerprint: try fingerprint(authority.certificate),
            serverCertificatePEM: try server.certificate.serializeAsPEM().pemString + "\n" + authorityPEM,
            serverKeyPEM: server.key.pemRepresentation,
            names: serverNames,
            serverNotValidAfter: server.certificate.notValidAfter,
            changes: changes
        )
    }

    /// The server side of TLS 1.2+ with the server certificate chain.
    public func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(serverCertificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(serverKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    public static func fingerprint(_ certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }
            .joined(separator: ":")
    }

    // MARK: Issuing

    static func makeAuthority(now: Date) throws -> (key: P256.Signing.PrivateKey, certificate: Certificate) {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("VetPOS")
            CommonName("VetPOS clinic certificate authority \(hostName()) \(Self.stamp(now))")
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(authorityValidity),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return (key, certificate)
    }

    static func makeServerCertificate(
        key: P256.Signing.PrivateKey,
        names: ServerNames,
        authority: (key: P256.Signing.PrivateKey, certificate: Certificate),
        now: Date
    ) throws -> Certificate {
        let publicKey = Certificate.PublicKey(key.publicKey)
        let authorityKeyID =
            (try? authority.certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: authority.certificate.publicKey).keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names.generalNames)
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(serverValidity),
            issuer: authority.certificate.subject,
            subject: try DistinguishedName {
                OrganizationName("VetPOS")
                CommonName(names.dnsNames.first ?? "localhost")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(authority.key)
        )
    }

    private static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    // MARK: Files

    private static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Writes `text` to a temporary file with `mode` (whatever the umask), syncs it and renames it over `path`.
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        let temporary = path + ".partial"
        _ = unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw TLSSetupError("cannot create \(temporary): \(errorText())") }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw TLSSetupError("cannot chmod \(temporary): \(errorText())") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw TLSSetupError("cannot write \(temporary): \(errorText())") }
            written += result
        }
        guard fsync(descriptor) == 0, rename(temporary, path) == 0 else {
            throw TLSSetupError("cannot write \(path): \(errorText())")
        }
    }

    private static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TLSSetupError("cannot open \(path): \(errorText())") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw TLSSetupError("cannot lock \(path): \(errorText())") }
        defer { _ = flock(descriptor, LOCK_UN) }
        return try body()
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    /// This machine's host name (`gethostname`).
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Why the clinic's certificates could not be set up: one line for the person at the server.
public struct TLSSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

#if canImport(Glibc)
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixWrite = Darwin.write
#endif
