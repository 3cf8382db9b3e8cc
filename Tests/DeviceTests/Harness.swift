import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hardware harness of the package (`TestTools/harness`, README there): a private cupsd, a loopback
/// "network printer" that records every byte, the ESC/POS decoder (emupos) and zbarimg. `./dev test` runs setup.sh and
/// exports `HARNESS_TMP`, `HARNESS_BUILD` and `HARNESS_VENV`; with `VETPOS_REQUIRE_DEVICES=1` (CI) a missing harness
/// fails the device tests instead of skipping them.
enum Harness {
    static let environment = ProcessInfo.processInfo.environment
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TestTools/harness").path
    static let required = environment["VETPOS_REQUIRE_DEVICES"] == "1"
    static var available: Bool {
        environment["HARNESS_TMP"] != nil && environment["HARNESS_BUILD"] != nil
            && FileManager.default.fileExists(atPath: directory + "/private-cupsd.sh")
    }
    static var enabled: Bool { available || required }
    static var scratch: String { environment["HARNESS_TMP"] ?? NSTemporaryDirectory() }

    /// Runs a program to completion (off the cooperative pool), returning its status and output.
    @discardableResult
    static func run(
        _ program: String,
        _ arguments: [String],
        environment extra: [String: String] = [:],
        check: Bool = true
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        // Output goes to files, not pipes: a daemon the program starts (cupsd) may inherit a pipe and
                        // keep it open long after the program itself has exited.
                        let base = Harness.scratch + "/vetpos-run-\(UUID().uuidString.prefix(8))"
                        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
                        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
                        defer {
                            try? FileManager.default.removeItem(atPath: base + ".out")
                            try? FileManager.default.removeItem(atPath: base + ".err")
                        }
                        let status = try spawn(
                            program,
                            arguments,
                            environment: environment.merging(extra) { $1 },
                            stdout: base + ".out",
                            stderr: base + ".err"
                        )
                        let result = (
                            status,
                            (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                            (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
                        )
                        if check && result.0 != 0 {
                            throw HarnessFailure(
                                "\(program) \(arguments.joined(separator: " ")) → \(result.0): \(result.2)"
                            )
                        }
                        return result
                    }
                )
            }
        }
    }

    /// posix_spawn and waitpid: Foundation's Process did not always notice the exit of a script that leaves a daemon
    /// behind (private-cupsd.sh).
    static func spawn(
        _ program: String,
        _ arguments: [String],
        environment: [String: String],
        stdout: String,
        stderr: String
    ) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // Dispatch's worker threads block signals, and a spawned program inherits the mask: unblock everything, so
        // the daemons started here (the recording printer, cupsd) still stop on SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw HarnessFailure("cannot start \(program): errno \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS by hand: the macros do not import.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    @discardableResult
    static func shell(_ command: String, environment: [String: String] = [:]) async throws -> String {
        try await run("/bin/bash", ["-c", command], environment: environment).stdout
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One private cupsd and one recording printer for the whole test process, stopped when it exits.
actor PrintServer {
    static let shared = PrintServer()

    struct Running: Sendable {
        var cupsServer: String
        var root: String
        /// Every byte the "network printer" behind queue ``queue`` received, appended job after job.
        var capture: String
        var queue: String
    }

    private var task: Task<Running, any Error>?

    func start() async throws -> Running {
        if let task { return try await task.value }
        let task = Task { try await Self.launch() }
        self.task = task
        return try await task.value
    }

    private static func launch() async throws -> Running {
        let root = Harness.scratch + "/vetpos-cupsd-\(getpid())"
        let capture = Harness.scratch + "/vetpos-printer-\(getpid()).bin"
        let started = try await Harness.run(
            Harness.directory + "/private-cupsd.sh",
            ["start"],
            environment: ["PRIVATE_CUPSD_ROOT": root]
        )
        guard let server = started.stdout.split(separator: " ").first(where: { $0.hasPrefix("CUPS_SERVER=") }) else {
            throw HarnessFailure("private-cupsd.sh printed no CUPS_SERVER: \(started.stdout) \(started.stderr)")
        }
        let cupsServer = String(server.dropFirst("CUPS_SERVER=".count))
        // The recording printer: a raw TCP port, as a network receipt printer's 9100; it appends every job.
        let ready = Harness.scratch + "/vetpos-printer-\(getpid()).port"
        try await Harness.shell(
            """
            rm -f '\(capture)' '\(ready)'; python3 '\(Harness.directory)/capture_9100.py' 0 '\(capture)' 100000 900 \
              > '\(ready)' 2>/dev/null & echo $! > '\(ready).pid'
            for i in $(seq 100); do grep -q listening '\(ready)' 2>/dev/null && break; sleep 0.05; done
            """
        )
        let port = try String(contentsOfFile: ready, encoding: .utf8).split(separator: ":").last.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let port else { throw HarnessFailure("the recording printer did not start") }

        atexit {
            let root = Harness.scratch + "/vetpos-cupsd-\(getpid())"
            let ready = Harness.scratch + "/vetpos-printer-\(getpid()).port"
            _ = system(
                "kill $(cat '\(ready).pid') 2>/dev/null; PRIVATE_CUPSD_ROOT='\(root)' '\(Harness.directory)/private-cupsd.sh' stop"
            )
        }
        try await Harness.run(
            "/usr/sbin/lpadmin",
            ["-p", "front", "-E", "-v", "socket://127.0.0.1:\(port)/?contimeout=5", "-m", "raw"],
            environment: ["CUPS_SERVER": cupsServer],
            check: false
        )
        return Running(cupsServer: cupsServer, root: root, capture: capture, queue: "front")
    }
}
