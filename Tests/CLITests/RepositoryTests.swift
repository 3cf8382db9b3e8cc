import Foundation
import Testing

/// A clone in an empty folder must test itself: everything the suite needs is tracked in the repository (the test
/// tools of `TestTools/`, the benchmark baselines), and nothing reads a folder beside the clone.
@Suite("The repository stands alone")
struct RepositoryTests {
    static let packageRoot = ImportInput.packageRoot

    /// The tracked files, as a fresh clone has them.
    static func trackedFiles() async throws -> [String] {
        let listing = try await Runner.run(
            ["-C", packageRoot.path, "ls-files", "-z"],
            environment: ProcessInfo.processInfo.environment,
            directory: packageRoot,
            executable: "/usr/bin/git"
        )
        guard listing.status == 0 else {
            throw HarnessError("git ls-files failed (the tests run from a git clone): \(listing.stderr)")
        }
        return listing.stdout.split(separator: "\0").map(String.init).filter { !$0.isEmpty }
    }

    @Test("no tracked file reads a folder beside the clone")
    func nothingReadsASiblingFolder() async throws {
        // Spelt in two pieces so that this file does not find itself.
        let sibling = ".." + "/shared"
        let variable = "VETPOS_" + "SHARED"
        var offenders: [String] = []
        for file in try await Self.trackedFiles() {
            guard let data = FileManager.default.contents(atPath: Self.packageRoot.appendingPathComponent(file).path)
            else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if text.contains(sibling) || text.contains(variable) { offenders.append(file) }
        }
        #expect(offenders.isEmpty, "these tracked files still name a folder beside the clone: \(offenders)")
    }

    @Test("a copy of the tracked files in an empty folder sets up its test tools and runs them, with nothing beside it")
    func copyInAnEmptyFolderSetsUpItsTestTools() async throws {
        let sandbox = try Sandbox("alone")
        defer { sandbox.remove() }
        let empty = sandbox.directory.appendingPathComponent("empty")
        let copy = empty.appendingPathComponent("vetpos")
        for file in try await Self.trackedFiles() {
            let source = Self.packageRoot.appendingPathComponent(file)
            let target = copy.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try FileManager.default.copyItem(at: source, to: target)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path) == ["vetpos"])
        for script in ["dev", ".ci/run", "TestTools/harness/setup.sh", "TestTools/validators/setup.sh"] {
            #expect(
                FileManager.default.isExecutableFile(atPath: copy.appendingPathComponent(script).path),
                "\(script) is tracked as executable"
            )
        }

        var environment = ProcessInfo.processInfo.environment
        environment["HARNESS_TMP"] = sandbox.path("harness")
        environment["HARNESS_BUILD"] = nil
        // The emupos environment `./dev test` made is reused when there is one; otherwise it is not made again here.
        var harnessOptions: [String] = []
        if environment["HARNESS_VENV"] == nil { harnessOptions.append("--no-venv") }
        let harness = try await Runner.run(
            harnessOptions,
            environment: environment,
            directory: copy,
            timeoutSeconds: 600,
            executable: copy.appendingPathComponent("TestTools/harness/setup.sh").path
        )
        #expect(harness.status == 0, "harness set-up from the copy: \(harness.stderr)")
        #expect(harness.stdout.split(separator: "\n").last?.hasPrefix("export HARNESS_TMP=") == true)
        #expect(FileManager.default.isExecutableFile(atPath: sandbox.path("harness/build/pos_usb_emu")))

        let validators = try await Runner.run(
            [],
            environment: environment,
            directory: copy,
            timeoutSeconds: 900,
            executable: copy.appendingPathComponent("TestTools/validators/setup.sh").path
        )
        #expect(validators.status == 0, "validators set-up from the copy: \(validators.stdout) \(validators.stderr)")
        #expect(validators.stdout.contains("setup complete"))

        // The copy's validators read the copy's examples and samples.
        let checks: [([String], String, String)] = [
            (["check-ofx"], "examples/ofx/good-deposit-v102.ofx", "OK (OFX 1.02 SGML"),
            (["check-csv", "--profile", "stripe"], "../samples/hledger-examples-stripe-balance-change.csv", "OK"),
            (["check-iif"], "examples/iif/bad-unbalanced.iif", "INVALID"),
        ]
        let folder = copy.appendingPathComponent("TestTools/validators")
        for (command, file, verdict) in checks {
            let result = try await Runner.run(
                Array(command.dropFirst()) + [file],
                environment: environment,
                directory: folder,
                executable: folder.appendingPathComponent(command[0]).path
            )
            #expect(result.status == (verdict == "OK" || verdict.hasPrefix("OK ") ? 0 : 1), "\(command) \(file)")
            #expect(result.stdout.contains(verdict), "\(command) \(file): \(result.stdout)")
        }
    }
}
