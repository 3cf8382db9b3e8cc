import ArgumentParser
import Foundation
import POSCore
import POSSecurity
import POSServices
import POSStorage

/// `--db`: which database file. Default: `$VETPOS_DB` (the environment, else an installed appliance's
/// /etc/vetpos/vetpos.env), else the user's own data folder.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The database file (default: $VETPOS_DB, the installed appliance's, or ~/.local/share/vetpos/vetpos.sqlite)."
    )
    var db: String?

    var path: String { db ?? Installation.current().databasePath }

    /// Opens the database. Only `setup` creates it (its folder and file); every other command refuses a file that
    /// does not exist, so a mistyped `--db` is an error rather than a new empty database (which `journal verify`
    /// would report as verified).
    func openStore(creating: Bool = false) throws -> Store {
        let url = URL(fileURLWithPath: path)
        if creating {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750]
            )
        } else if !FileManager.default.fileExists(atPath: path) {
            throw POSError.invalid(
                field: "--db",
                reason: "\(path) does not exist (a new clinic starts with `vetpos setup`)"
            )
        }
        // A database written by an older vetpos is backed up (verified) into the backups folder before it is
        // migrated; if that fails, it is not migrated.
        return try Store(
            path: path,
            pinHasher: BcryptPINHasher(),
            upgradeBackups: Installation.current().backupFolder(database: path)
        )
    }
}

/// Who is acting, and at which terminal. The PIN comes from `$VETPOS_PIN` or is asked for without echo.
struct SignInOptions: ParsableArguments {
    @Option(name: .long, help: "Your employee id (default: $VETPOS_EMPLOYEE).")
    var employee: String?

    @Option(name: .long, help: "This terminal's id (default: $VETPOS_TERMINAL or FRONT-1).")
    var terminal: String?

    var terminalID: String {
        terminal ?? ProcessInfo.processInfo.environment["VETPOS_TERMINAL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "FRONT-1"
    }

    /// Whether an employee was named (`--employee` or `$VETPOS_EMPLOYEE`): commands whose authority is access to the
    /// database file (backup) sign in only then.
    var named: Bool {
        employee != nil || !(ProcessInfo.processInfo.environment["VETPOS_EMPLOYEE"] ?? "").isEmpty
    }

    func signIn(_ store: Store) async throws -> Operator {
        guard let id = employee ?? ProcessInfo.processInfo.environment["VETPOS_EMPLOYEE"], !id.isEmpty else {
            throw POSError.invalid(
                field: "--employee",
                reason: "say who you are with --employee ID or $VETPOS_EMPLOYEE"
            )
        }
        let pin = try Secret.read(environment: "VETPOS_PIN", prompt: "PIN for \(id): ")
        return try await store.signIn(employee: id, pin: pin, terminal: terminalID, source: source)
    }

    /// Where this command's PINs come from, for the throttle (``PINBackoff``): `cli:USER@TERMINAL`, the operating
    /// system's user at this terminal. Approval PINs given to the command count there too.
    var source: String { "cli:\(ProcessInfo.processInfo.userName)@\(terminalID)" }
}

enum Secret {
    /// The approval of the manager named by `--approved-by`, with their PIN from `$VETPOS_APPROVER_PIN` (or asked for
    /// without echo); nil when no manager was named.
    static func approval(by manager: String?, reason: String) throws -> ApprovalRequest? {
        try manager.map {
            ApprovalRequest(
                employee: $0,
                pin: try read(environment: "VETPOS_APPROVER_PIN", prompt: "Manager \($0)'s PIN: "),
                reason: reason
            )
        }
    }

    /// Reads a secret from the environment, or asks for it on the terminal without echoing it.
    static func read(environment name: String, prompt: String) throws -> String {
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        guard isatty(STDIN_FILENO) == 1, let typed = getpass(prompt) else {
            throw POSError.invalid(field: "$\(name)", reason: "no PIN given: set $\(name) or run at a terminal")
        }
        return String(cString: typed)
    }
}

/// The one place where failures become what a person sees: one line on stderr ending in the error's stable code
/// (`[drawer.notOpen]`) and a non-zero exit status.
///
/// Exit statuses: 2 bad input, 3 sign-in or permission refused, 4 conflict with the stored state, 5 a journal or backup
/// that does not verify, 7 a PIN refused unchecked after too many wrong ones (wait and retry), 1 anything else.
enum Failure {
    static func report(_ error: any Error) -> ExitCode {
        let (message, code, status): (String, String, Int32) =
            switch error {
            case let error as POSError:
                switch error {
                case .invalid, .notFound: (error.description, error.code, 2)
                case .notPermitted, .authenticationFailed, .approvalRequired: (error.description, error.code, 3)
                case .conflict: (error.description, error.code, 4)
                case .throttled: (error.description, error.code, 7)
                }
            case let error as DatabaseRefusal: (error.description, "storage.refused", 4)
            case let error as BackupVerificationError: (error.description, "backup.unverified", 5)
            case let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile:
                ("cannot read \(error.filePath ?? "the file"): no such file", "file.notFound", 2)
            default: ("\(error)", "internal", 1)
            }
        // The code last, in brackets: scripts match it, people read the sentence.
        FileHandle.standardError.write(Data("vetpos: error: \(message) [\(code)]\n".utf8))
        return ExitCode(status)
    }
}

/// A command body whose errors are reported by ``Failure``.
protocol VetPOSCommandBody: AsyncParsableCommand {
    func execute() async throws
}

extension VetPOSCommandBody {
    func run() async throws {
        do {
            try await execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw Failure.report(DatabaseRefusal.wrap(error))
        }
    }
}

enum Output {
    static func json(_ value: some Encodable, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reads a file, or standard input for `-`.
    static func read(_ path: String) throws -> (data: Data, source: String) {
        if path == "-" { return (FileHandle.standardInput.readDataToEndOfFile(), "stdin") }
        return (try Data(contentsOf: URL(fileURLWithPath: path)), URL(fileURLWithPath: path).lastPathComponent)
    }

    static func newID() -> String { UUID().uuidString.lowercased() }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
