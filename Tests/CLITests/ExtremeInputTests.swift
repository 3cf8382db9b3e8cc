import Foundation
import Testing

/// The CLI's date, amount, count and number arguments fed the extremes a script or a slip of the hand produces: the
/// first and last days of the calendar, the largest whole number, negatives, nothing, and a huge value. Every run ends
/// with an exit status (never a signal), a refusal is one coded line, and nothing is stored.
@Suite struct ExtremeInputTests {
    /// 8 KB in one argument (the 1 MB case goes through a file below): a command line is no place for more, and
    /// Foundation's `Process.run` has crashed here while other tests started processes with much larger ones.
    static let huge = String(repeating: "9", count: 8_000)
    static let extremes = ["0001-01-01", "9999-12-31", "9223372036854775807", "-9223372036854775808", "-1", "", huge]

    /// Each command with `V` where the extreme goes.
    static let commands: [(staff: Staff, arguments: [String])] = [
        (Clinic.manager, ["report", "day", "--date", "V"]),
        (Clinic.manager, ["report", "deposit", "--date", "V"]),
        (Clinic.manager, ["report", "batches", "--date", "V"]),
        (Clinic.manager, ["report", "reconcile", "--from", "V"]),
        (Clinic.manager, ["report", "reconcile", "--from", "2025-01-01", "--to", "V"]),
        (Clinic.bookkeeper, ["export", "csv", "--from", "V", "-o", "out.csv"]),
        (Clinic.bookkeeper, ["export", "iif", "--from", "2025-03-14", "--to", "V", "-o", "out.iif"]),
        (Clinic.csr, ["drawer", "paid-in", "--amount", "V", "--reason", "change from the bank"]),
        (Clinic.manager, ["drawer", "adjust", "--amount", "V", "--reason", "found later"]),
        (Clinic.manager, ["batch", "close", "--card-terminal", "PAX-1", "--reported-net", "V"]),
        (Clinic.csr, ["drawer", "drop", "--count", "20xV"]),
        (Clinic.csr, ["drawer", "drop", "--count", "V"]),
        (Clinic.csr, ["invoice", "show", "V"]),
        (Clinic.csr, ["invoice", "add-lines", "V", "--line", "REX:EXAM:VET"]),
        (Clinic.csr, ["invoice", "add-lines", "1", "--line", "REX:EXAM:V:VET"]),
        (Clinic.manager, ["reconcile", "reverse", "V", "--reason", "a test"]),
        (Clinic.manager, ["deposit", "prepare", "--session", "V"]),
    ]

    @Test func extremeArgumentsAreRefusedWithACodeAndStoreNothing() async throws {
        let sandbox = try await SeededTemplate.copy("extremes")
        defer { sandbox.remove() }
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        var refused = 0
        for (staff, template) in Self.commands {
            for value in Self.extremes {
                let arguments = template.map { $0.replacingOccurrences(of: "V", with: value) }
                let result = try await sandbox.run(arguments + ["--db", sandbox.db], as: staff)
                let shown = "vetpos \(template.joined(separator: " ")) with \(value.prefix(24))"
                #expect(!result.signaled && !result.timedOut, "\(shown): \(result)")
                guard result.status != 0 else { continue }
                refused += 1
                #expect(result.stderrLines.count == 1, "\(shown): \(result.stderr.prefix(400))")
                #expect(result.errorCode != nil, "\(shown): no code in \(result.stderr.prefix(400))")
                #expect(result.stderr.utf8.count < 2_000, "\(shown): the refusal repeats the input")
            }
        }
        #expect(refused >= Self.commands.count * 4)
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
    }

    /// A checkout file with a 1 MB amount, a 1 MB client id, Int64.max quantities and extreme numbers in JSON.
    @Test func extremeValuesInACheckoutFileAreRefused() async throws {
        let sandbox = try await SeededTemplate.copy("extremes-json")
        defer { sandbox.remove() }
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        let megabyte = String(repeating: "9", count: 1_000_000)
        let line = #"{"patient":"REX","item":"EXAM","provider":"VET"}"#
        let files = [
            #"{"id":"extreme-0001","client":"OWNER","lines":[\#(line)],"payments":[{"tender":"cash","amount":"\#(megabyte)"}]}"#,
            #"{"id":"extreme-0002","client":"\#(megabyte)","lines":[\#(line)],"payments":[]}"#,
            #"{"id":"extreme-0003","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET","quantity":"9223372036854775807"}],"payments":[]}"#,
            #"{"id":"extreme-0004","client":"OWNER","lines":[\#(line)],"payments":[{"tender":"cash","amount":1e308}]}"#,
            #"{"id":"extreme-0005","client":"OWNER","lines":[\#(line)],"payments":[{"tender":"cash","amount":"-9223372036854775808"}]}"#,
            #"{"id":"extreme-0006","client":"OWNER","lines":[\#(Array(repeating: line, count: 1001).joined(separator: ","))],"payments":[]}"#,
            String(repeating: "[", count: 100_000),
        ]
        for (index, text) in files.enumerated() {
            try sandbox.write("visit.json", text)
            let result = try await sandbox.run(["checkout", "--db", sandbox.db, "visit.json"], as: Clinic.csr)
            #expect(!result.signaled && result.status != 0, "file \(index + 1): \(result)")
            #expect(result.stderrLines.count == 1 && result.errorCode != nil, "file \(index + 1): \(result)")
            #expect(result.stderr.utf8.count < 2_000, "file \(index + 1): the refusal repeats the input")
        }
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
    }
}
