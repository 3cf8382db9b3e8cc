import Foundation
import POSServer
import POSStorage
import POSTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `vetpos serve` on a loopback port over a freshly set-up clinic (TestClinic: staff of every role,
/// catalog, clients), for the fuzz and browser tests. Its access log goes to a file in `test-output/`.
final class RunningServer: Sendable {
    let path: String
    let base: URL
    let log: URL
    private let process: Process

    private init(path: String, base: URL, log: URL, process: Process) {
        self.path = path
        self.base = base
        self.log = log
        self.process = process
    }

    static func start(name: String) async throws -> RunningServer {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vetpos-\(name)-\(UUID().uuidString).sqlite"
        )
        .path
        try await ServerFixture.seed(try Store(path: path, pinHasher: ServerFixture.hasher))
        let log = try TestOutput.folder().appendingPathComponent("\(name)-server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ServeProcessTests.binary())
        // Plain HTTP on loopback: the fuzzer and the browsers need no certificate (HTTPS is HTTPSServeTests').
        process.arguments = ["serve", "--db", path, "--host", "127.0.0.1", "--port", "0", "--insecure-http"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: log)
        try ProcessSpawning.run(process)
        // "VetPOS is serving /tmp/….sqlite at http://127.0.0.1:43121/"
        let printed = ServeProcessTests.startupLines(output)
        guard let address = ServeProcessTests.address(in: printed), address.hasPrefix("http://127.0.0.1:"),
            let base = URL(string: address)
        else {
            process.terminate()
            throw FixtureError("vetpos serve did not print its address: \(printed)")
        }
        return RunningServer(path: path, base: base, log: log, process: process)
    }

    /// SIGTERM, then waits for the exit; removes the database.
    func stop() async {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    var isRunning: Bool { process.isRunning }

    /// Signs an employee in at a terminal over HTTP and returns the session token.
    func signIn(_ employee: String, terminal: String = "FRONT-1") async throws -> String {
        let reply = try await ServeProcessTests.request(
            "POST",
            base.appendingPathComponent("api/sessions"),
            json: #"{"employee": "\#(employee)", "pin": "\#(TestClinic.pin(employee))", "terminal": "\#(terminal)"}"#
        )
        guard reply.status == 201, let token = reply.body["token"] as? String else {
            throw FixtureError("sign-in of \(employee) failed: \(reply)")
        }
        return token
    }

    /// The access log's lines with a 5xx status.
    func serverErrors() throws -> [String] {
        try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter {
            $0.contains("status=5") || $0.contains("request failed")
        }.map(String.init)
    }
}

/// `test-output/` at the package root (gitignored): reports, logs and screenshots of the fuzz and browser tests.
enum TestOutput {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func folder(_ name: String? = nil) throws -> URL {
        var url = root.appendingPathComponent("test-output")
        if let name { url = url.appendingPathComponent(name) }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The Python of the test tools' virtual environment (`./dev test` creates it: schemathesis, playwright).
enum PythonTools {
    static var venv: URL {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["VETPOS_TEST_VENV"], !given.isEmpty { return URL(fileURLWithPath: given) }
        let cache =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache").path
        return URL(fileURLWithPath: cache).appendingPathComponent("vetpos-test-tools/venv")
    }

    /// Why the Python tests cannot run here: no Python 3.10 or newer on PATH. Nil when they can (a missing venv is
    /// then a failure, not a skip: `./dev test` installs it).
    static func reasonToSkip() -> String? {
        let probe = try? ProcessRun.run(
            "/usr/bin/env",
            ["python3", "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)"],
            timeout: .seconds(30)
        )
        return probe?.status == 0 ? nil : "Python 3.10 or newer is not available (python3 on PATH)"
    }

    static func executable(_ name: String) throws -> String {
        let path = venv.appendingPathComponent("bin/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw FixtureError("\(path) is missing: run `./dev test` (it installs schemathesis and playwright)")
        }
        return path
    }
}

/// Runs a program to completion within a time limit, its output (stdout and stderr together) kept in a file.
enum ProcessRun {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var timedOut: Bool
        var seconds: Double
    }

    static func run(
        _ executable: String,
        _ arguments: [String],
        environment extra: [String: String] = [:],
        timeout: Duration,
        outputFile: URL? = nil,
        directory: URL? = nil
    ) throws -> Result {
        let file =
            outputFile
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vetpos-run-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let started = ContinuousClock.now
        try ProcessSpawning.run(process)
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now - started > timeout {
                timedOut = true
                process.terminate()
                Thread.sleep(forTimeInterval: 2)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        let output = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        if outputFile == nil { try? FileManager.default.removeItem(at: file) }
        return Result(
            status: process.terminationStatus,
            output: output,
            timedOut: timedOut,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
    }
}

/// A JSON value as decoded strictly: `true` is never a number and `1` never a boolean.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else if let value = try? single.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try single.decode([String: JSONValue].self))
        }
    }

    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// The subset of JSON Schema the OpenAPI document uses: `$ref`, `type`, `required`, `properties`,
/// `additionalProperties`, `items`, `enum`, `pattern`, `minimum`, `nullable`, `oneOf`/`anyOf`.
struct SchemaChecker {
    let document: JSONValue

    init(document data: Data) throws { document = try JSONValue.parse(data) }

    /// Problems of `value` against `schema`, each naming where (`$.lines[0].total`); empty when it conforms.
    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let rules) = schema else { return [] }
        if case .string(let reference)? = rules["$ref"] {
            guard let target = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            return problems(value, target, at: path)
        }
        if case .null = value, case .bool(true)? = rules["nullable"] { return [] }
        for key in ["oneOf", "anyOf"] {
            if case .array(let options)? = rules[key] {
                if !options.contains(where: { problems(value, $0, at: path).isEmpty }) {
                    return ["\(path): matches none of \(key)"]
                }
            }
        }
        var found: [String] = []
        if let type = rules["type"] {
            let allowed: [String] =
                switch type {
                case .string(let one): [one]
                case .array(let many): many.compactMap { if case .string(let t) = $0 { t } else { nil } }
                default: []
                }
            let actual = value.typeName
            let fits = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !fits { return ["\(path): \(actual), documented as \(allowed.joined(separator: " or "))"] }
        }
        if case .array(let options)? = rules["enum"] {
            let known = options.compactMap { if case .string(let s) = $0 { s } else { nil } }
            if case .string(let text) = value, !known.contains(text) {
                found.append("\(path): '\(text)' is not one of \(known)")
            }
        }
        if case .string(let pattern)? = rules["pattern"], case .string(let text) = value {
            if text.range(of: pattern, options: .regularExpression) == nil {
                found.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if case .integer(let minimum)? = rules["minimum"], case .integer(let number) = value, number < minimum {
            found.append("\(path): \(number) is below the minimum \(minimum)")
        }
        if case .object(let members) = value {
            if case .array(let required)? = rules["required"] {
                for case .string(let name) in required where members[name] == nil {
                    found.append("\(path): required property '\(name)' is missing")
                }
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = rules["properties"] { properties = declared }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let rule = properties[name] {
                    found += problems(member, rule, at: "\(path).\(name)")
                } else if let extra = rules["additionalProperties"] {
                    if case .bool(false) = extra {
                        found.append("\(path): property '\(name)' is not documented")
                    } else {
                        found += problems(member, extra, at: "\(path).\(name)")
                    }
                } else if !properties.isEmpty {
                    // Objects with documented properties are closed: a new field must be documented too.
                    found.append("\(path): property '\(name)' is not documented")
                }
            }
        }
        if case .array(let elements) = value, let items = rules["items"] {
            for (index, element) in elements.enumerated() {
                found += problems(element, items, at: "\(path)[\(index)]")
            }
        }
        return found
    }

    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for part in reference.dropFirst(2).split(separator: "/") {
            guard case .object(let members) = node, let next = members[String(part)] else { return nil }
            node = next
        }
        return node
    }

    /// The documented JSON schema of a response: the operation whose path template matches `path`, then the
    /// status. Nil with the reason when the document has none.
    func responseSchema(method: String, path: String, status: Int) -> Result<JSONValue, SchemaError> {
        guard case .object(let paths)? = member(document, "paths") else { return .failure(.init("no paths")) }
        let parts = path.split(separator: "?")[0].split(separator: "/")
        let template = paths.keys.sorted().first { key in
            let expected = key.split(separator: "/")
            return expected.count == parts.count
                && zip(expected, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        guard let template, let operation = member(paths[template], method.lowercased()) else {
            return .failure(.init("\(method) \(path) is not documented"))
        }
        guard let response = member(member(operation, "responses"), String(status)) else {
            return .failure(.init("\(method) \(template): status \(status) is not documented"))
        }
        guard let schema = member(member(member(response, "content"), "application/json"), "schema") else {
            return .failure(.init("\(method) \(template) \(status): no JSON schema"))
        }
        return .success(schema)
    }

    private func member(_ value: JSONValue?, _ name: String) -> JSONValue? {
        guard case .object(let members)? = value else { return nil }
        return members[name]
    }
}

struct SchemaError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
