import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import POSStorage
import POSTestSupport
import SwiftASN1
import Testing
import X509

@testable import POSServer

/// HTTPS by default: the clinic's certificate authority and server certificate (ClinicTLS), and the real
/// `vetpos serve` over HTTPS, reached with curl trusting the clinic's authority (and refused without it).
@Suite(.serialized) struct HTTPSServeTests {
    static func scratchFolder(_ label: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vetpos-\(label)-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static let names = ServerNames(
        dnsNames: ["frontdesk", "frontdesk.local", "localhost"],
        ipAddresses: ["127.0.0.1", "::1", "192.168.1.20"]
    )

    static func verify(
        _ leaf: Certificate,
        trusting authority: Certificate,
        host: String? = nil,
        ip: String? = nil
    ) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([authority])) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: host, serverIP: ip)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
        if case .validCertificate = result { return true }
        return false
    }

    @Test func theAuthorityAndTheServerCertificateAreWhatBrowsersExpect() async throws {
        let folder = try Self.scratchFolder("tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tls = try ClinicTLS.prepare(folder: folder.appendingPathComponent("tls"), names: Self.names)
        let dir = folder.appendingPathComponent("tls").path
        #expect(tls.changes.count == 2, "\(tls.changes)")

        // Modes: the folder 0750, keys 0600, certificates 0644.
        #expect(try Self.mode(dir) == 0o750)
        #expect(try Self.mode(dir + "/ca.key") == 0o600)
        #expect(try Self.mode(dir + "/server.key") == 0o600)
        #expect(try Self.mode(dir + "/ca.crt") == 0o644)
        #expect(try Self.mode(dir + "/server.crt") == 0o644)

        let authority = try Certificate(pemEncoded: try String(contentsOfFile: dir + "/ca.crt", encoding: .utf8))
        #expect(try authority.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let authorityUsage = try #require(try authority.extensions.keyUsage)
        #expect(authorityUsage.keyCertSign)
        #expect(authority.issuer == authority.subject)
        #expect(authority.publicKey.isValidSignature(authority.signature, for: authority), "self-signed")
        #expect(authority.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(authority.notValidAfter.timeIntervalSinceNow > 9 * 365 * 24 * 3600)
        #expect(tls.authorityFingerprint == (try ClinicTLS.fingerprint(authority)))
        #expect(tls.authorityFingerprint.count == 32 * 3 - 1)

        // The server certificate (server.crt), sent with the authority after it.
        let file = try String(contentsOfFile: dir + "/server.crt", encoding: .utf8)
        let leaf = try Certificate(pemEncoded: file)
        let certificates = try PEMDocument.parseMultiple(pemString: tls.serverCertificatePEM).map {
            try Certificate(pemDocument: $0)
        }
        #expect(certificates == [leaf, authority])
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try leaf.extensions.extendedKeyUsage == (try ExtendedKeyUsage([.serverAuth])))
        let usage = try #require(try leaf.extensions.keyUsage)
        #expect(usage.digitalSignature && !usage.keyCertSign)
        let sans = try #require(try leaf.extensions.subjectAlternativeNames)
        let dns = sans.compactMap { name -> String? in if case .dnsName(let text) = name { text } else { nil } }
        let ips = sans.compactMap { name -> [UInt8]? in
            if case .ipAddress(let octets) = name { Array(octets.bytes) } else { nil }
        }
        #expect(dns == ["frontdesk", "frontdesk.local", "localhost"])
        #expect(ips == [[127, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [192, 168, 1, 20]])
        #expect(leaf.issuer == authority.subject)
        #expect(leaf.notValidAfter.timeIntervalSinceNow > 700 * 24 * 3600)
        #expect(leaf.notValidAfter.timeIntervalSinceNow < 731 * 24 * 3600)

        // Signed by the authority: swift-certificates' verifier builds the chain for each name, and refuses a name
        // the certificate lacks and another authority.
        #expect(await Self.verify(leaf, trusting: authority, host: "localhost"))
        #expect(await Self.verify(leaf, trusting: authority, host: "frontdesk.local"))
        #expect(await Self.verify(leaf, trusting: authority, ip: "127.0.0.1"))
        #expect(await Self.verify(leaf, trusting: authority, ip: "192.168.1.20"))
        #expect(await Self.verify(leaf, trusting: authority, ip: "::1"))
        #expect(!(await Self.verify(leaf, trusting: authority, host: "elsewhere.example")))
        #expect(!(await Self.verify(leaf, trusting: authority, ip: "192.168.1.21")))
        let other = try ClinicTLS.makeAuthority(now: Date()).certificate
        #expect(!(await Self.verify(leaf, trusting: other, host: "localhost")))
    }

    @Test func existingFilesAreReusedAndTheServerCertificateIsIssuedAgainWhenDueOrRenamed() async throws {
        let folder = try Self.scratchFolder("tls-reuse")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try ClinicTLS.prepare(folder: folder, names: Self.names)
        let again = try ClinicTLS.prepare(folder: folder, names: Self.names)
        #expect(again.changes == [])
        #expect(again.authorityPEM == first.authorityPEM && again.serverCertificatePEM == first.serverCertificatePEM)
        #expect(again.serverKeyPEM == first.serverKeyPEM)

        // A new address: issued again, by the same authority, naming the old and new addresses.
        var moved = Self.names
        moved.add("10.0.0.7")
        let renamed = try ClinicTLS.prepare(folder: folder, names: moved)
        #expect(
            renamed.changes.count == 1 && renamed.changes[0].contains("does not name 10.0.0.7"),
            "\(renamed.changes)"
        )
        #expect(renamed.authorityFingerprint == first.authorityFingerprint)
        #expect(renamed.names.ipAddresses.contains("10.0.0.7") && renamed.names.ipAddresses.contains("192.168.1.20"))
        #expect(try Self.mode(folder.path + "/server.key") == 0o600)

        // Within 30 days of expiry: issued again.
        let late = renamed.serverNotValidAfter.addingTimeInterval(-20 * 24 * 3600)
        let renewed = try ClinicTLS.prepare(folder: folder, names: moved, now: late)
        #expect(renewed.changes.count == 1 && renewed.changes[0].contains("expires"), "\(renewed.changes)")
        #expect(renewed.serverNotValidAfter > renamed.serverNotValidAfter)
        #expect(renewed.authorityFingerprint == first.authorityFingerprint)

        // A lone ca.key is refused rather than replaced.
        try FileManager.default.removeItem(atPath: folder.path + "/ca.crt")
        #expect(throws: TLSSetupError.self) { try ClinicTLS.prepare(folder: folder, names: Self.names) }
    }

    @Test func thisMachinesNamesIncludeLoopbackAndTheHostName() {
        let names = ServerNames.thisMachine(listeningOn: "0.0.0.0")
        #expect(names.dnsNames.contains("localhost"))
        #expect(names.ipAddresses.starts(with: ["127.0.0.1", "::1"]))
        #expect(!names.ipAddresses.contains("0.0.0.0"))
        #expect(names.ipAddresses.allSatisfy { !$0.hasPrefix("127.") || $0 == "127.0.0.1" })
        #expect(ServerNames.thisMachine(listeningOn: "10.1.2.3").ipAddresses.contains("10.1.2.3"))
    }

    @Test func theAuthorityIsOfferedWithoutASessionAndOnlyWhenThereIsOne() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let none = try await api.get("/ca.crt", token: nil)
            #expect(none.status == 404, "plain HTTP has no authority to offer: \(none)")
        }
        let folder = try Self.scratchFolder("tls-route")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tls = try ClinicTLS.prepare(folder: folder, names: Self.names)
        let server = APIServer(
            store: fixture.store,
            logger: Logger(label: "vetpos.test", factory: { _ in SwiftLogNoOpLogHandler() }),
            authorityCertificate: tls.authorityPEM
        )
        try await Application(router: server.router()).test(.router) { client in
            let reply = try await API(client: client).get("/ca.crt", token: nil)
            #expect(reply.status == 200)
            #expect(reply.headers[.contentType] == "application/x-x509-ca-cert")
            #expect(reply.text == tls.authorityPEM)
            #expect(!reply.text.contains("PRIVATE KEY"))
        }
    }

    // MARK: The real server

    struct Run: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ executable: String, _ arguments: [String]) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try ProcessSpawning.run(process)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self)
        )
    }

    @Test(.timeLimit(.minutes(2))) func serveIsHTTPSByDefaultWithTheClinicsAuthority() async throws {
        let folder = try Self.scratchFolder("https")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("clinic.sqlite").path
        try await ServerFixture.seed(try Store(path: path, pinHasher: ServerFixture.hasher))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ServeProcessTests.binary())
        process.arguments = ["serve", "--db", path, "--host", "127.0.0.1", "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try ProcessSpawning.run(process)
        defer { if process.isRunning { process.terminate() } }

        // "VetPOS is serving … at https://127.0.0.1:PORT/", then the authority's file and fingerprint.
        let printed = ServeProcessTests.startupLines(output)
        let address = try #require(ServeProcessTests.address(in: printed), "\(printed)")
        #expect(address.hasPrefix("https://127.0.0.1:"), "\(printed)")
        #expect(!printed.contains("WARNING"))
        let authorityPath = folder.appendingPathComponent("tls/ca.crt").path
        let authority = try Certificate(pemEncoded: try String(contentsOfFile: authorityPath, encoding: .utf8))
        let fingerprint = try ClinicTLS.fingerprint(authority)
        #expect(printed.contains("The clinic's certificate authority: \(authorityPath), SHA-256 \(fingerprint)"))
        #expect(printed.contains("\(address)ca.crt"), "\(printed)")

        // A client trusting the clinic's authority gets the document; one that does not is refused (curl: 60).
        let trusted = try await Self.run(
            "/usr/bin/curl",
            ["-sS", "--cacert", authorityPath, "-o", "/dev/null", "-w", "%{http_code}", address + "api/openapi.json"]
        )
        #expect(trusted.status == 0 && trusted.output == "200", "\(trusted)")
        let untrusted = try await Self.run("/usr/bin/curl", ["-sS", "-o", "/dev/null", address + "api/openapi.json"])
        #expect(untrusted.status == 60, "\(untrusted)")
        // Plain HTTP to the HTTPS port gets nothing useful.
        let plain = try await Self.run(
            "/usr/bin/curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                address.replacingOccurrences(of: "https://", with: "http://") + "api/openapi.json",
            ]
        )
        #expect(plain.output != "200", "\(plain)")

        // The authority for the terminals, without a session: the same certificate as the file.
        let download = try await Self.run("/usr/bin/curl", ["-sS", "--cacert", authorityPath, address + "ca.crt"])
        #expect(download.status == 0)
        #expect(download.output == (try String(contentsOfFile: authorityPath, encoding: .utf8)))

        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(process.terminationStatus == 0)
    }

    @Test func plainHTTPIsOnlyForLoopbackUnlessAllowedOutright() async throws {
        let folder = try Self.scratchFolder("insecure")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("clinic.sqlite").path
        let refused = try await Self.run(
            try ServeProcessTests.binary(),
            ["serve", "--db", path, "--host", "0.0.0.0", "--port", "0", "--insecure-http"]
        )
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.errors.contains("--insecure-http on 0.0.0.0"), "\(refused)")
        let alone = try await Self.run(
            try ServeProcessTests.binary(),
            ["serve", "--db", path, "--allow-insecure-lan"]
        )
        #expect(alone.status == 64, "\(alone)")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing was created")
    }
}
