import Foundation
import HTTPTypes
import Logging
import POSServer
import Synchronization
import Testing

/// A log handler that keeps every line in memory.
final class CapturedLog: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        var text: String {
            "\(level) \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        }
    }

    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "vetpos.test") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let line = Line(
                level: event.level,
                message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" }
            )
            log.lines.withLock { $0.append(line) }
        }
    }
}

@Suite struct LoggingTests {
    @Test func oneLinePerRequestWithWhoAndHowLongAndNoPINsTokensOrBodies() async throws {
        let log = CapturedLog()
        let fixture = try await ServerFixture.make(logger: log.logger)
        try await fixture.test { api in
            let wrong = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "VET", "pin": "not-a-pin-zz", "terminal": "FRONT-1"}"#
            )
            #expect(wrong.status == 401)
            let token = try await api.signIn("CSR")
            let sale = try await api.post(
                "/api/checkouts",
                token: token,
                json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]}"#
            )
            #expect(sale.status == 201, "\(sale)")
            let lines = log.all
            let warning = try #require(lines.first { $0.level == .warning })
            #expect(warning.message == "wrong PIN" && warning.metadata["employee"] == "VET", "\(warning.text)")
            #expect(warning.metadata["client"] != nil)
            let checkout = try #require(lines.first { $0.metadata["path"] == "/api/checkouts" })
            #expect(checkout.metadata["method"] == "POST" && checkout.metadata["status"] == "201", "\(checkout.text)")
            #expect(checkout.metadata["employee"] == "CSR")
            #expect(checkout.metadata["request"]?.isEmpty == false && checkout.metadata["ms"] != nil)
            let everything = lines.map(\.text).joined(separator: "\n")
            #expect(!everything.contains("not-a-pin-zz"), "a PIN was logged")
            #expect(!everything.contains(token), "a token was logged")
            #expect(!everything.contains("REX"), "a body was logged")
        }
    }
}
