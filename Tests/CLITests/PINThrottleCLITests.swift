import Foundation
import Testing

/// Wrong PINs at the command line go through the same throttle as the server's, kept in the database: after three,
/// each run waits longer (exit 7, "try again in N seconds"), per employee and `cli:USER@TERMINAL`.
@Suite struct PINThrottleCLITests {
    @Test func repeatedWrongPINsAreThrottledWithExitSevenAndAnotherTerminalStillSignsIn() async throws {
        let sandbox = try await SeededTemplate.copy("pin-throttle")
        defer { sandbox.remove() }
        let wrong = Staff(id: Clinic.manager.id, name: Clinic.manager.name, role: "manager", pin: "1111")
        let audit = ["audit", "pins", "--db", sandbox.db, "--terminal", "FRONT-1"]
        var failures = 0
        var throttled: CLIResult?
        var statuses: [Int32] = []
        // Keep guessing until seven wrong PINs were counted (a wait of 16 s: time for the runs below on a loaded
        // machine) and the next run is refused unchecked.
        for _ in 1...80 where !(failures >= 7 && throttled != nil) {
            let run = try await sandbox.run(audit, as: wrong)
            statuses.append(run.status)
            #expect(!run.stderr.contains("1111") && !run.stdout.contains("1111"))
            switch run.status {
            case 3:
                #expect(run.errorCode == "signIn.failed" && run.stderrLines.count == 1, "\(run)")
                failures += 1
                throttled = nil
            case 7:
                #expect(run.errorCode == "signIn.throttled", "\(run)")
                throttled = run
            default: Issue.record("unexpected \(run)")
            }
            if throttled != nil && failures < 7 { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(Array(statuses.prefix(3)) == [3, 3, 3] && statuses.contains(7), "\(statuses)")
        #expect(failures >= 7 && throttled != nil, "\(statuses)")
        // The right PIN at the same terminal waits too; at another terminal it works, and shows the failures.
        let waiting = try await sandbox.run(audit, as: Clinic.manager)
        #expect(waiting.status == 7, "\(waiting)")
        let elsewhere = try await sandbox.run(
            ["audit", "pins", "--db", sandbox.db, "--terminal", "FRONT-2", "--format", "json"],
            as: Clinic.manager
        )
        #expect(elsewhere.status == 0, "\(elsewhere)")
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(elsewhere.stdout.utf8)) as? [[String: Any]]
        )
        #expect(listed.count == failures, "\(elsewhere.stdout)")
        for row in listed {
            #expect(row["employee"] as? String == "MGR")
            #expect((row["source"] as? String)?.hasPrefix("cli:") == true)
            #expect((row["source"] as? String)?.hasSuffix("@FRONT-1") == true)
            #expect(row["purpose"] as? String == "sign-in")
            #expect(row["cleared"] as? Bool == false)
        }
        let text = try await sandbox.run(
            ["audit", "pins", "--db", sandbox.db, "--terminal", "FRONT-2"],
            as: Clinic.manager
        )
        #expect(text.status == 0 && text.stdout.contains("MGR") && text.stdout.contains("counting"), "\(text)")
    }
}
