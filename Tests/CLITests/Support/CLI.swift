import Dispatch
import Foundation
import POSTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the test harness itself (not of the product), with a message that says what to do.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The real `vetpos` binary, found beside the test runner: `swift build --build-tests` puts both in the same
/// folder (`.build/<triple>/debug/`).
enum Vetpos {
    static let binary: Result<String, HarnessError> = locate()

    static func path() throws -> String { try binary.get() }

    private static func locate() -> Result<String, HarnessError> {
        var folders: [String] = []
        if let override = ProcessInfo.processInfo.environment["VETPOS_TEST_BINARY"], !override.isEmpty {
            return FileManager.default.isExecutableFile(atPath: override)
                ? .success(override)
                : .failure(HarnessError("$VETPOS_TEST_BINARY=\(override) is not an executable file"))
        }
        if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: runner).deletingLastPathComponent().path)
        }
        // macOS: the runner is xctest inside the toolchain; the bundle sits in the build folder.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent().path)
        }
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first).deletingLastPathComponent().path)
        }
        for folder in folders {
            let candidate = folder + "/vetpos"
            if FileManager.default.isExecutableFile(atPath: candidate) { return .success(candidate) }
        }
        return .failure(
            HarnessError(
                "the vetpos binary was not found beside the test runner (looked in: "
                    + folders.joined(separator: ", ")
                    + "); run `swift build --build-tests` before `swift test --skip-build`"
            )
        )
    }
}

/// What a `vetpos` run left behind.
struct CLIResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    /// The exit status, or the signal number when `signaled` is true.
    var status: Int32
    var signaled: Bool
    var stdout: String
    /// Every complete (newline-terminated) line of stdout, in order.
    var lines: [String]
    var stderr: String
    var timedOut: Bool
    var seconds: Double

    var stderrLines: [Substring] {
        stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stderr.hasSuffix("\n") ? 1 : 0).map {
            $0
        }
    }

    /// The stable code at the end of an error line (`vetpos: error: … [drawer.notOpen]`), or nil.
    var errorCode: String? {
        guard let line = stderrLines.last(where: { $0.hasPrefix("vetpos: error: ") }),
            let match = line.firstMatch(of: /\[([a-zA-Z0-9.]+)\]$/)
        else { return nil }
        return String(match.1)
    }

    var description: String {
        "vetpos \(arguments.joined(separator: " ")) → \(signaled ? "signal" : "status") \(status)"
            + (timedOut ? " (TIMED OUT)" : "") + "\nstderr: \(stderr)\nstdout: \(stdout.prefix(2000))"
    }
}

/// Set once the child is known to have been reaped, so a late timer never signals a reused pid.
private final class ChildState: Sendable {
    struct State {
        var finished = false
        var killSent = false
        var timedOut = false
    }
    let state = Mutex(State())

    /// Sends SIGKILL unless the child was already waited for.
    func terminate(_ pid: pid_t, timedOut: Bool = false) {
        state.withLock {
            guard !$0.finished, !$0.killSent else { return }
            $0.killSent = true
            $0.timedOut = timedOut
            _ = kill(pid, SIGKILL)
        }
    }
}

enum Runner {
    /// Runs `vetpos` to completion (or until killed) on a thread of its own, off Swift's cooperative pool: the read
    /// loop and `waitUntilExit` block.
    static func run(
        _ arguments: [String],
        environment: [String: String],
        directory: URL,
        stdin: Data? = nil,
        killAfterLines: Int? = nil,
        killAfterMilliseconds: Int? = nil,
        killAfterFirstLineMilliseconds: Int? = nil,
        timeoutSeconds: Int = 120,
        executable: String? = nil
    ) async throws -> CLIResult {
        let binary = try executable ?? Vetpos.path()
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try runBlocking(
                            binary: binary,
                            arguments: arguments,
                            environment: environment,
                            directory: directory,
                            stdin: stdin,
                            killAfterLines: killAfterLines,
                            killAfterMilliseconds: killAfterMilliseconds,
                            killAfterFirstLineMilliseconds: killAfterFirstLineMilliseconds,
                            timeoutSeconds: timeoutSeconds
                        )
                    }
                )
            }
        }
    }

    private static func runBlocking(
        binary: String,
        arguments: [String],
        environment: [String: String],
        directory: URL,
        stdin: Data?,
        killAfterLines: Int?,
        killAfterMilliseconds: Int?,
        killAfterFirstLineMilliseconds: Int?,
        timeoutSeconds: Int
    ) throws -> CLIResult {
        let started = Date()
        let tag = UUID().uuidString.prefix(8)
        let errURL = directory.appendingPathComponent(".stderr-\(tag)")
        guard FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw HarnessError("cannot create \(errURL.path)")
        }
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? errHandle.close() }

        var inURL: URL?
        let inHandle: FileHandle
        if let stdin {
            let url = directory.appendingPathComponent(".stdin-\(tag)")
            try stdin.write(to: url)
            inURL = url
            inHandle = try FileHandle(forReadingFrom: url)
        } else {
            inHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/null"))
        }
        defer {
            try? inHandle.close()
            if let inURL { try? FileManager.default.removeItem(at: inURL) }
        }

        // stdout through a pipe, read as it comes; posix_spawn rather than Foundation's Process (ProcessSpawning).
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw HarnessError("pipe failed: errno \(errno)") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do {
            pid = try ProcessSpawning.spawn(
                binary,
                arguments: arguments,
                environment: environment,
                directory: directory.path,
                stdin: inHandle.fileDescriptor,
                stdout: ends[1],
                stderr: errHandle.fileDescriptor
            )
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        defer { close(ends[0]) }
        let child = ChildState()

        if let killAfterMilliseconds {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(killAfterMilliseconds)) {
                child.terminate(pid)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds)) {
            child.terminate(pid, timedOut: true)
        }

        // Read stdout as it comes: every complete line is something the program has acknowledged.
        let fd = ends[0]
        var bytes: [UInt8] = []
        var lines: [String] = []
        var lineStart = 0
        var firstLineSeen = false
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HarnessError("reading vetpos's stdout failed: errno \(errno)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            while let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: bytes[lineStart..<newline], as: UTF8.self))
                lineStart = newline + 1
            }
            if let killAfterLines, lines.count >= killAfterLines { child.terminate(pid) }
            if let delay = killAfterFirstLineMilliseconds, !lines.isEmpty, !firstLineSeen {
                firstLineSeen = true
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { child.terminate(pid) }
            }
        }
        let exit = ProcessSpawning.wait(pid)
        let timedOut = child.state.withLock {
            $0.finished = true
            return $0.timedOut
        }
        try? errHandle.synchronize()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return CLIResult(
            arguments: arguments,
            status: exit.status,
            signaled: exit.signaled,
            stdout: String(decoding: bytes, as: UTF8.self),
            lines: lines,
            stderr: stderr,
            timedOut: timedOut,
            seconds: Date().timeIntervalSince(started)
        )
    }
}

/// A test's own folder, database and environment. Nothing outside it is read or written: HOME and XDG_DATA_HOME
/// point inside it, and no `VETPOS_*` variable of the caller's environment is passed on.
struct Sandbox: Sendable {
    let directory: URL
    var db: String { directory.appendingPathComponent("vetpos.sqlite").path }

    init(_ label: String = "cli") throws {
        let safe = label.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vetpos-\(safe)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("xdg"),
            withIntermediateDirectories: true
        )
    }

    init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("xdg"),
            withIntermediateDirectories: true
        )
    }

    /// Removes the folder unless `$VETPOS_KEEP_TEST_DIRS` is set (then its path is printed for inspection).
    func remove() {
        if ProcessInfo.processInfo.environment["VETPOS_KEEP_TEST_DIRS"] != nil {
            print("kept test folder \(directory.path)")
            return
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        return path(name)
    }

    var baseEnvironment: [String: String] {
        let parent = ProcessInfo.processInfo.environment
        var environment = [
            "PATH": parent["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "XDG_DATA_HOME": directory.appendingPathComponent("xdg").path,
            // An appliance installed on this machine (/etc/vetpos/vetpos.env) must never be the test's database.
            "VETPOS_CONFIG": directory.appendingPathComponent("no-vetpos.env").path,
            "TMPDIR": directory.path,
            "LANG": "C.UTF-8",
        ]
        for key in ["LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"] { environment[key] = parent[key] }
        return environment
    }

    /// Runs `vetpos` in this folder. `as:` signs in (sets `$VETPOS_EMPLOYEE` and `$VETPOS_PIN`).
    func run(
        _ arguments: [String],
        as staff: Staff? = nil,
        environment extra: [String: String] = [:],
        stdin: Data? = nil,
        killAfterLines: Int? = nil,
        killAfterMilliseconds: Int? = nil,
        killAfterFirstLineMilliseconds: Int? = nil,
        executable: String? = nil
    ) async throws -> CLIResult {
        var environment = baseEnvironment
        if let staff {
            environment["VETPOS_EMPLOYEE"] = staff.id
            environment["VETPOS_PIN"] = staff.pin
        }
        environment.merge(extra) { $1 }
        let result = try await Runner.run(
            arguments,
            environment: environment,
            directory: directory,
            stdin: stdin,
            killAfterLines: killAfterLines,
            killAfterMilliseconds: killAfterMilliseconds,
            killAfterFirstLineMilliseconds: killAfterFirstLineMilliseconds,
            executable: executable
        )
        if result.timedOut { throw HarnessError("timed out: \(result)") }
        return result
    }

    /// Runs `vetpos` with a pseudo-terminal as its standard input, output and error (util-linux `script`), typing
    /// `input` into it; for the prompts vetpos shows only at a terminal. The result's stdout is the terminal's: the
    /// echoed input included, lines ending in CR LF. Its `arguments` are script's. With `stdoutFile`, vetpos's
    /// standard output goes to that file of the sandbox instead (`> FILE`), as when a report is saved.
    func runAtTerminal(
        _ arguments: [String],
        as staff: Staff? = nil,
        input: String,
        stdoutFile: String? = nil
    ) async throws -> CLIResult {
        guard let script = Terminal.script else { throw HarnessError("util-linux `script` is not installed") }
        var command = ([try Vetpos.path()] + arguments).map(Terminal.shellQuoted).joined(separator: " ")
        if let stdoutFile { command += " > " + Terminal.shellQuoted(path(stdoutFile)) }
        return try await run(
            ["--quiet", "--return", "--command", command, "/dev/null"],
            as: staff,
            stdin: Data(input.utf8),
            executable: script
        )
    }

    /// Runs and requires exit status 0 with nothing on stderr.
    @discardableResult
    func ok(
        _ arguments: [String],
        as staff: Staff? = nil,
        environment: [String: String] = [:],
        stdin: Data? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIResult {
        let result = try await run(arguments, as: staff, environment: environment, stdin: stdin)
        try #require(!result.signaled && result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        return result
    }
}

/// util-linux `script`, which gives a command a pseudo-terminal.
enum Terminal {
    static let script: String? = ["/usr/bin/script", "/bin/script"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `'…'` for `sh -c`, with any `'` inside closed, escaped and reopened.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Asserts the error contract: a non-zero exit with the documented status, exactly one line on stderr of the form
/// `vetpos: error: …` that mentions every fragment, and nothing on stdout unless allowed.
func expectRefusal(
    _ result: CLIResult,
    status: Int32,
    code: String? = nil,
    mentions fragments: [String] = [],
    stdoutAllowed: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(!result.signaled, "\(result)", sourceLocation: sourceLocation)
    #expect(result.status == status, "expected exit \(status): \(result)", sourceLocation: sourceLocation)
    let lines = result.stderrLines
    #expect(lines.count == 1, "stderr must be exactly one line: \(result)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasSuffix("\n"), "stderr must end with a newline: \(result)", sourceLocation: sourceLocation)
    let line = String(lines.first ?? "")
    #expect(line.hasPrefix("vetpos: error: "), "\(result)", sourceLocation: sourceLocation)
    #expect(result.errorCode != nil, "no [code] at the end: \(line)", sourceLocation: sourceLocation)
    if let code {
        #expect(result.errorCode == code, "expected code \(code): \(line)", sourceLocation: sourceLocation)
    }
    for fragment in fragments {
        #expect(
            line.contains(fragment),
            "stderr should mention \"\(fragment)\": \(line)",
            sourceLocation: sourceLocation
        )
    }
    if !stdoutAllowed {
        #expect(result.stdout.isEmpty, "nothing should be printed on stdout: \(result)", sourceLocation: sourceLocation)
    }
}
