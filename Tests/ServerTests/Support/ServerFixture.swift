import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import POSCore
import POSSecurity
import POSServer
import POSStorage
import POSTestSupport
import Testing

/// A set-up clinic (TestClinic's policy, staff of every role, catalog, clients) in a temporary database file, and
/// the API server over it, tested in process through Hummingbird's router test client.
final class ServerFixture: Sendable {
    static let hasher = BcryptPINHasher(cost: 4)

    let path: String
    let store: Store
    let server: APIServer
    /// Whether this fixture's database file goes with it (a restarted server leaves it to the first fixture).
    private let ownsFile: Bool

    private init(path: String, store: Store, server: APIServer, ownsFile: Bool = true) {
        self.path = path
        self.store = store
        self.server = server
        self.ownsFile = ownsFile
    }

    deinit {
        guard ownsFile else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// A new Store and APIServer over the same database file, as after a restart of `vetpos serve`.
    func restarted(
        sessions: (@Sendable (Store) -> Sessions)? = nil,
        clock: (@Sendable () -> Int64)? = nil,
        logger: Logger = Logger(label: "vetpos.test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws -> ServerFixture {
        let store = try Self.store(path, clock: clock)
        return ServerFixture(
            path: path,
            store: store,
            server: APIServer(
                store: store,
                sessions: sessions?(store),
                logger: logger,
                printer: FakeReceiptPrinter(queues: ["RECEIPT"])
            ),
            ownsFile: false
        )
    }

    /// A Store over `path`, on `clock` (milliseconds since 1970) when given.
    static func store(_ path: String, clock: (@Sendable () -> Int64)?) throws -> Store {
        guard let clock else { return try Store(path: path, pinHasher: hasher) }
        return try Store(path: path, pinHasher: hasher, clock: clock)
    }

    static func make(
        sessions: (@Sendable (Store) -> Sessions)? = nil,
        clock: (@Sendable () -> Int64)? = nil,
        logger: Logger = Logger(label: "vetpos.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        // In process, receipts go to an in-memory print server, never to a real one.
        printer: any ReceiptPrinter = FakeReceiptPrinter(queues: ["RECEIPT"])
    ) async throws -> ServerFixture {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vetpos-api-\(UUID().uuidString).sqlite"
        )
        .path
        let store = try store(path, clock: clock)
        try await seed(store)
        return ServerFixture(
            path: path,
            store: store,
            server: APIServer(
                store: store,
                sessions: sessions?(store),
                logger: logger,
                printer: printer
            )
        )
    }

    /// TestClinic's setup, staff, catalog and clients.
    static func seed(_ store: Store) async throws {
        let manager = TestClinic.staff.first { $0.employee.id == "MGR" }!
        _ = try await store.setup(
            policy: TestClinic.policy,
            taxCategories: TestClinic.taxCategories,
            manager: manager.employee,
            pin: manager.pin,
            terminal: "OFFICE"
        )
        let office = try await store.signIn(employee: "MGR", pin: manager.pin, terminal: "OFFICE")
        for (employee, pin) in TestClinic.staff where employee.id != "MGR" {
            _ = try await store.addEmployee(employee, pin: pin, commandID: newKey(), by: office)
        }
        _ = try await store.importCatalog(TestClinic.catalog, commandID: newKey(), by: office)
        for (client, patients) in TestClinic.clients {
            _ = try await store.saveClient(client, patients: patients, commandID: newKey(), by: office)
        }
    }

    static func newKey() -> String { UUID().uuidString.lowercased() }

    /// Runs `body` with a test client of the router.
    func test(_ body: @Sendable (API) async throws -> Void) async throws {
        let app = Application(router: server.router())
        try await app.test(.router) { client in try await body(API(client: client)) }
    }

    /// Every row of every table, read through a connection of its own. Wrong PINs (`pinFailure`) are recorded on
    /// purpose and sign-ins and use change `session`, so both are left out unless `excluding` says otherwise.
    func snapshot(excluding: Set<String> = ["pinFailure", "session"]) async throws -> [String: [[String]]] {
        var configuration = Configuration()
        configuration.readonly = true
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        return try await connection.read { db in
            var tables: [String: [[String]]] = [:]
            let names = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            for name in names where !excluding.contains(name) {
                let order = (1...(try db.columns(in: name).count)).map(String.init).joined(separator: ", ")
                tables[name] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(name)\" ORDER BY \(order)").map {
                    $0.databaseValues.map(\.description)
                }
            }
            return tables
        }
    }
}

/// The API as a terminal sees it: JSON in and out, a session token, idempotency keys.
struct API: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable, CustomStringConvertible {
        var status: Int
        var headers: HTTPFields
        var body: Data

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var array: [Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [Any]) ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The refusal's one-line message (`{"error": {"code", "message", "field"}}`).
        var error: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
        /// The refusal's stable code.
        var code: String { (json["error"] as? [String: Any])?["code"] as? String ?? "" }
        /// Where the refusal points, if at one place.
        var field: String? { (json["error"] as? [String: Any])?["field"] as? String }
        var description: String { "\(status) \(text.prefix(600))" }
    }

    func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String? = nil,
        key: String? = nil,
        json: String? = nil,
        bytes: Data? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        } else if let bytes {
            body = ByteBuffer(bytes: bytes)
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        return Reply(
            status: Int(response.status.code),
            headers: response.headers,
            body: Data(response.body.readableBytesView)
        )
    }

    /// A mutating call with a fresh idempotency key.
    func post(_ uri: String, token: String?, json: String = "{}") async throws -> Reply {
        try await call(.post, uri, token: token, key: ServerFixture.newKey(), json: json)
    }

    func get(_ uri: String, token: String?) async throws -> Reply {
        try await call(.get, uri, token: token)
    }

    /// Signs in at a terminal and returns the token.
    func signIn(_ employee: String, pin: String? = nil, terminal: String = "FRONT-1") async throws -> String {
        let pin = pin ?? TestClinic.pin(employee)
        let reply = try await call(
            .post,
            "/api/sessions",
            json: #"{"employee": "\#(employee)", "pin": "\#(pin)", "terminal": "\#(terminal)"}"#
        )
        guard reply.status == 201, let token = reply.json["token"] as? String else {
            throw FixtureError("sign-in of \(employee) failed: \(reply)")
        }
        return token
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
