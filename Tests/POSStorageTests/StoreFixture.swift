import Foundation
import GRDB
import POSCore
import POSSecurity
import POSStorage
import POSTestSupport
import Synchronization
import Testing

/// A clock the test moves by hand, so business dates are deterministic.
final class TestClock: Sendable {
    private let millis: Mutex<Int64>

    init(_ start: Int64) { millis = Mutex(start) }

    var now: Int64 { millis.withLock { $0 } }
    func advance(minutes: Int64) { millis.withLock { $0 += minutes * 60_000 } }
    func set(_ value: Int64) { millis.withLock { $0 = value } }
}

/// Every row of every table (and the schema itself), ordered, read through a separate connection.
struct DatabaseSnapshot: Equatable, Sendable {
    var tables: [String: [[String]]]

    /// Names of the tables whose rows differ, with their row counts before and after, for failure messages.
    func changes(to other: DatabaseSnapshot) -> String {
        let names = Set(tables.keys).union(other.tables.keys).sorted()
        let changed = names.filter { tables[$0] != other.tables[$0] }.map {
            "\($0) (\(tables[$0]?.count ?? 0) → \(other.tables[$0]?.count ?? 0) rows)"
        }
        return changed.isEmpty ? "no change" : changed.joined(separator: ", ")
    }

    func rows(_ table: String) -> [[String]] { tables[table] ?? [] }
}

/// A fresh, set-up clinic database in a UUID-named temporary file: TestClinic's policy, tax categories, staff,
/// catalog, clients and coupons, with every employee signed in at FRONT-1, FRONT-1's cash drawer open, and a clock the
/// test controls.
final class StoreFixture: Sendable {
    static let firstDay = BusinessDate("2025-03-04")!  // a Tuesday, standard time in America/Chicago
    static let calendar = try! BusinessCalendar(timeZoneIdentifier: TestClinic.policy.timeZone)
    static let hasher = BcryptPINHasher(cost: 4)

    let path: String
    let store: Store
    let clock: TestClock
    let mgr: Operator
    let csr: Operator
    let csr2: Operator
    let tech: Operator
    let vet: Operator
    let book: Operator

    private init(path: String, store: Store, clock: TestClock, operators: [String: Operator]) {
        self.path = path
        self.store = store
        self.clock = clock
        mgr = operators["MGR"]!
        csr = operators["CSR"]!
        csr2 = operators["CSR2"]!
        tech = operators["TECH"]!
        vet = operators["VET"]!
        book = operators["BOOK"]!
    }

    deinit {
        for suffix in ["", "-wal", "-shm", ".anchors"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Local wall-clock time of a business day, in milliseconds since 1970.
    static func millis(_ day: BusinessDate = firstDay, hour: Int, minute: Int = 0) -> Int64 {
        calendar.millis(of: day, hour: hour, minute: minute)
    }

    static func temporaryPath(_ label: String = "vetpos") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString).sqlite").path
    }

    /// Sets the clinic up at `start` (09:00 on ``firstDay`` unless given); the clock stays there until a test moves it.
    /// FRONT-1's drawer is open (by the CSR, with ``openingFloat``) unless `openDrawer` is false.
    static func make(at start: Int64 = millis(hour: 9), openDrawer: Bool = true) async throws -> StoreFixture {
        let path = temporaryPath()
        let clock = TestClock(start)
        let store = try Store(path: path, pinHasher: hasher, clock: { clock.now })
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
            _ = try await store.addEmployee(employee, pin: pin, commandID: newID("employee"), by: office)
        }
        _ = try await store.importCatalog(TestClinic.catalog, commandID: newID("catalog"), by: office)
        for (client, patients) in TestClinic.clients {
            _ = try await store.saveClient(client, patients: patients, commandID: newID("client"), by: office)
        }
        for coupon in TestClinic.coupons {
            _ = try await store.addCoupon(coupon, commandID: newID("coupon"), by: office)
        }
        var operators: [String: Operator] = [:]
        for (employee, pin) in TestClinic.staff {
            operators[employee.id] = try await store.signIn(employee: employee.id, pin: pin, terminal: "FRONT-1")
        }
        // Cash and checks are taken only into an open drawer: the CSR opens FRONT-1's with a realistic float.
        if openDrawer {
            _ = try await store.openDrawer(count: openingFloat, commandID: newID("drawer-open"), by: operators["CSR"]!)
        }
        return StoreFixture(path: path, store: store, clock: clock, operators: operators)
    }

    /// The float FRONT-1's drawer opens with: $150.00 in small bills, a roll of quarters and loose coins.
    static let openingFloat = try! CashCount.parse(
        "20x3,10x4,5x6,1x20,roll-0.25x1,0.25x20,0.10x20,0.05x10,0.01x50",
        denominations: Denomination.usd
    )

    static func newID(_ label: String = "cmd") -> String { "\(label)-\(UUID().uuidString)" }
    func id(_ label: String = "cmd") -> String { Self.newID(label) }

    var today: BusinessDate { Self.calendar.businessDate(atMillis: clock.now) }

    // MARK: - Building requests

    func line(_ patient: String, _ item: String, _ quantity: String = "1", by provider: String = "VET") -> LineRequest {
        LineRequest(patient: patient, item: item, quantity: Quantity(parsing: quantity)!, provider: provider)
    }

    func approval(
        _ employee: String = "MGR",
        pin: String? = nil,
        reason: String = "Approved at the desk"
    ) -> ApprovalRequest {
        ApprovalRequest(employee: employee, pin: pin ?? TestClinic.pin(employee), reason: reason)
    }

    func cash(_ amount: Money) -> PaymentInput { PaymentInput(tender: .cash, amount: amount) }

    func card(
        _ tender: Tender = .credit,
        _ amount: Money,
        last4: String = "4242",
        auth: String = "AB12CD"
    ) -> PaymentInput {
        PaymentInput(
            tender: tender,
            amount: amount,
            card: CardDetails(
                brand: tender == .careCredit ? .careCredit : .visa,
                last4: last4,
                authCode: auth,
                terminalId: "PAX-1"
            )
        )
    }

    func check(_ amount: Money, idNumber: String = "DL12345678") -> PaymentInput {
        PaymentInput(
            tender: .check,
            amount: amount,
            check: CheckDetails(number: "1001", bank: "First Bank", payer: "Olive Owner", idNumber: idNumber)
        )
    }

    func account(_ amount: Money) -> PaymentInput { PaymentInput(tender: .account, amount: amount) }

    /// Checks out a new invoice under a fresh command id.
    func checkout(
        _ client: String,
        _ lines: [LineRequest],
        discounts: [DiscountRequest] = [],
        payments: [PaymentInput] = [],
        invoice: Int64? = nil,
        by clerk: Operator? = nil
    ) async throws -> InvoiceView {
        try await store.checkout(
            CheckoutRequest(
                id: id("checkout"),
                client: client,
                invoice: invoice,
                lines: lines,
                discounts: discounts,
                payments: payments
            ),
            by: clerk ?? csr
        )
    }

    /// What these lines and discounts come to by the domain's own pricing rules, with TestClinic's catalog and taxes.
    static func price(_ lines: [LineRequest], _ discounts: [DiscountSpec] = []) throws -> PricedInvoice {
        let inputs = lines.map { line in
            LineInput(
                patientId: line.patient,
                item: TestClinic.catalog.first { $0.code == line.item }!,
                quantity: line.quantity,
                providerId: line.provider
            )
        }
        return try Pricing.price(lines: inputs, discounts: discounts, taxRatePPM: InvoiceGenerator.taxRate)
    }

    // MARK: - Looking at the file directly

    /// A second, independent connection to the same file (for raw SQL the Store would never run).
    func rawConnection(readonly: Bool = false) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    func snapshot() async throws -> DatabaseSnapshot {
        try await Self.snapshot(of: try rawConnection(readonly: true))
    }

    static func snapshot(of connection: DatabaseQueue) async throws -> DatabaseSnapshot {
        try await connection.read { db in
            var tables: [String: [[String]]] = [:]
            tables["sqlite_schema"] = try Row.fetchAll(
                db,
                sql: "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"
            ).map { $0.databaseValues.map(\.description) }
            let names = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            // Wrong PINs are recorded on purpose, refused command or not (the throttle, the managers' list).
            for name in names where name != "pinFailure" {
                let columns = try db.columns(in: name).count
                let order = (1...columns).map(String.init).joined(separator: ", ")
                tables[name] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(name)\" ORDER BY \(order)").map {
                    $0.databaseValues.map(\.description)
                }
            }
            return DatabaseSnapshot(tables: tables)
        }
    }

    func count(_ table: String, where condition: String = "1") async throws -> Int {
        try await rawConnection(readonly: true).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\" WHERE \(condition)")!
        }
    }

    // MARK: - Refusals

    /// Expects every table to be exactly as in `before` (reporting only which tables differ, not every row).
    func expectUnchanged(
        since before: DatabaseSnapshot,
        _ comment: String = "the database changed",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let after = try await snapshot()
        let unchanged = after == before
        #expect(unchanged, "\(comment): \(before.changes(to: after))", sourceLocation: sourceLocation)
    }

    /// Runs `attempt`, which must fail with a POSError and leave every table exactly as it was.
    func refusal(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ attempt: () async throws -> Void
    ) async throws -> POSError {
        let before = try await snapshot()
        var caught: (any Error)?
        do {
            try await attempt()
        } catch {
            caught = error
        }
        try await expectUnchanged(
            since: before,
            "a refused command changed the database",
            sourceLocation: sourceLocation
        )
        return try #require(
            caught as? POSError,
            "expected a POSError, got \(String(describing: caught))",
            sourceLocation: sourceLocation
        )
    }
}

// MARK: - Matching errors

func expectInvalid(
    _ error: POSError,
    field: String,
    reason: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard case .invalid(let actualField, let actualReason, _) = error else {
        Issue.record("expected .invalid(\(field): …\(reason)…), got \(error)", sourceLocation: sourceLocation)
        return
    }
    #expect(actualField.contains(field), "field: \(actualField)", sourceLocation: sourceLocation)
    #expect(actualReason.contains(reason), "reason: \(actualReason)", sourceLocation: sourceLocation)
}

func expectApprovalRequired(
    _ error: POSError,
    field: String,
    reason: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard case .approvalRequired(let actualField, let actualReason, _) = error else {
        Issue.record("expected .approvalRequired(\(field): …\(reason)…), got \(error)", sourceLocation: sourceLocation)
        return
    }
    #expect(actualField.contains(field), "field: \(actualField)", sourceLocation: sourceLocation)
    #expect(actualReason.contains(reason), "reason: \(actualReason)", sourceLocation: sourceLocation)
}

/// Asserts a refusal's stable code: tests rely on codes, not wording.
func expectCode(
    _ error: POSError,
    _ code: String,
    field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    if let field { #expect(error.field == field, "\(error)", sourceLocation: sourceLocation) }
}

func expectConflict(_ error: POSError, _ words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    guard case .conflict(let message, _) = error else {
        Issue.record("expected .conflict(…\(words)…), got \(error)", sourceLocation: sourceLocation)
        return
    }
    for word in words {
        #expect(message.contains(word), "message: \(message)", sourceLocation: sourceLocation)
    }
}

extension Money {
    static func dollars(_ text: String) -> Money { Money(parsing: text)! }
}

extension Percent {
    static func percent(_ value: Int64) -> Percent { Percent(basisPoints: value * 100) }
}

/// The fixture's own guarantees, since every refusal test leans on them.
@Suite struct StoreFixtureTests {
    @Test func theSnapshotCoversEveryTableAndSeesAnyChange() async throws {
        let f = try await StoreFixture.make()
        let before = try await f.snapshot()
        #expect(
            Set(before.tables.keys).isSuperset(of: [
                "setting", "taxCategory", "catalogItem", "employee", "client", "patient", "coupon", "invoice",
                "invoiceLine",
                "invoiceDiscount", "discountAllocation", "couponRedemption", "payment", "invoiceVoid", "journal",
                "command", "drawerSession", "drawerEvent", "drawerCount", "drawerSplit",
                "sqlite_schema",
            ])
        )
        // FRONT-1's drawer is open with the fixture's float: one session, its opening event, one row per denomination.
        #expect(before.rows("drawerSession").count == 1)
        #expect(before.rows("drawerEvent").count == 1)
        #expect(before.rows("drawerCount").count == StoreFixture.openingFloat.quantities.count)
        #expect(before.rows("drawerSplit").isEmpty)
        #expect(before.rows("employee").count == 6)
        #expect(before.rows("catalogItem").count == 10)
        #expect(before.rows("client").count == 4)
        #expect(before.rows("coupon").count == 3)
        #expect(try await f.snapshot() == before)
        _ = try await f.store.saveClient(
            Client(id: "NEW", name: "New Client"),
            patients: [],
            commandID: f.id(),
            by: f.csr
        )
        let after = try await f.snapshot()
        #expect(after != before)
        #expect(
            before.changes(to: after)
                == "client (4 → 5 rows), command (\(before.rows("command").count) → \(before.rows("command").count + 1) rows), journal (\(before.rows("journal").count) → \(before.rows("journal").count + 1) rows)"
        )
    }

    @Test func theClockDecidesTheBusinessDay() async throws {
        let f = try await StoreFixture.make(at: StoreFixture.millis(hour: 23, minute: 59))
        #expect(f.today == StoreFixture.firstDay)
        #expect(try await f.store.businessDate(atMillis: f.clock.now) == StoreFixture.firstDay)
        f.clock.advance(minutes: 1)
        #expect(try await f.store.businessDate(atMillis: f.clock.now) == BusinessDate("2025-03-05"))
        #expect(f.store.currentMillis == f.clock.now)
    }
}
