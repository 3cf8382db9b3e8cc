import Foundation
import POSTestSupport
import Testing

/// The front-desk pages in a real browser: each Playwright script of `Tests/Browser/` drives Debian's Chromium
/// (headless, 1280×800) against the real `vetpos serve` on loopback over a freshly set-up clinic. The scripts get the
/// address and the staff's ids and PINs from the environment, assert what the pages show and what the API then
/// holds, and leave a screenshot of every screen in `test-output/screens/`.
@Suite(.serialized) struct BrowserTests {
    static let scripts = [
        "sign_in.py", "checkout_split_tender.py", "discount_approval.py", "drawer_close.py", "desk_edits.py",
    ]

    @Test(.timeLimit(.minutes(2)), arguments: scripts)
    func browserScriptPasses(_ script: String) async throws {
        if let reason = PythonTools.reasonToSkip() {
            print("BrowserTests skipped: \(reason)")
            return
        }
        // VETPOS_BROWSER_SCRIPT=name.py runs that script only (while working on one page).
        if let only = ProcessInfo.processInfo.environment["VETPOS_BROWSER_SCRIPT"], !only.isEmpty, only != script {
            return
        }
        let python = try PythonTools.executable("python")
        let chromium = ProcessInfo.processInfo.environment["VETPOS_CHROMIUM"] ?? "/usr/bin/chromium"
        #expect(FileManager.default.isExecutableFile(atPath: chromium), "\(chromium) missing: run ./dev test")
        let folder = TestOutput.root.appendingPathComponent("Tests/Browser")
        let screens = try TestOutput.folder("screens")
        let name = String(script.dropLast(3))
        let server = try await RunningServer.start(name: "browser-\(name)")
        var environment = [
            "VETPOS_URL": server.base.absoluteString,
            "VETPOS_SCREENS": screens.path,
            "VETPOS_CHROMIUM": chromium,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        ]
        for (role, id) in [("CSR", "CSR"), ("CSR2", "CSR2"), ("MANAGER", "MGR")] {
            environment["VETPOS_\(role)"] = id
            environment["VETPOS_\(role)_PIN"] = TestClinic.pin(id)
        }
        let result = try ProcessRun.run(
            python,
            [folder.appendingPathComponent(script).path],
            environment: environment,
            timeout: .seconds(90),
            outputFile: try TestOutput.folder("browser").appendingPathComponent("\(name).txt")
        )
        let serverErrors = try server.serverErrors()
        await server.stop()
        print("BrowserTests: \(script) took \(String(format: "%.1f", result.seconds)) s, exit \(result.status)")
        #expect(!result.timedOut, "\(script) ran past its time limit:\n\(result.output.suffix(4000))")
        #expect(result.status == 0, "\(script) failed:\n\(result.output.suffix(6000))")
        #expect(
            result.output.contains("PASS \(name)"),
            "\(script) did not reach its end:\n\(result.output.suffix(2000))"
        )
        #expect(serverErrors.isEmpty, "5xx in the server log:\n\(serverErrors.joined(separator: "\n"))")
    }
}
