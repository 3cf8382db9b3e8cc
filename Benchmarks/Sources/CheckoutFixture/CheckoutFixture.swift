import Foundation
import POSCore
import POSStorage
import POSTestSupport
import Synchronization

/// PIN hashing is not what these benchmarks measure: an unsalted SHA-256 stands in for bcrypt (POSSecurity is not
/// exported by the root package). Never use this outside the benchmarks.
public struct SHA256PINHasher: PINHasher {
    public init() {}

    public func hash(pin: String) -> String { "sha256:" + SHA256.hexDigest(pin) }

    public func verify(pin: String, against hash: String) -> Bool { self.hash(pin: pin) == hash }
}

/// A clock for the store that starts at a fixed instant and moves 1 ms per call, so that every invoice it stamps
/// falls on one known business day.
public final class TickingClock: Sendable {
    private let millis: Atomic<Int64>

    public init(startingAt millis: Int64) { self.millis = Atomic(millis) }

    public func now() -> Int64 { millis.add(1, ordering: .relaxed).newValue }

    /// Moves the clock (e.g. to the next business day).
    public func set(_ value: Int64) { millis.store(value, ordering: .relaxed) }
}

/// A real `Store` on a fresh temp-file database, seeded with TestClinic the way `DemoMorning.setUp()` seeds the demo
/// clinic (setup, addEmployee, importCatalog, saveClient, the CSR opening FRONT-1's drawer), and the checkout requests
/// the benchmarks send.
public final class CheckoutFixture: Sendable {
    public let store: Store
    /// The folder holding the database, its WAL and shm files; `removeFiles()` deletes it.
    public let directory: URL
    /// The CSR at the front desk who rings every checkout.
    public let clerk: Operator
    /// What "5 lines, 1 card payment" comes to (paid in full by card).
    public let basicTotal: Money
    /// What "5 lines, 5 % multiple-pets discount" comes to (paid $50 cash + the rest by card).
    public let discountedTotal: Money

    private let sequence = Atomic<Int>(0)

    /// The lines of the basic visit: one dog, exam + vaccine + food + toy + 30 tablets (three tax categories).
    public static let basicLines: [LineRequest] = [
        LineRequest(patient: "REX", item: "EXAM", provider: "VET"),
        LineRequest(patient: "REX", item: "RABIES", provider: "TECH"),
        LineRequest(patient: "REX", item: "FOOD", provider: "TECH"),
        LineRequest(patient: "REX", item: "TOY", provider: "TECH"),
        LineRequest(patient: "REX", item: "APOQUEL", quantity: .units(30), provider: "VET"),
    ]

    /// Two pets of one owner, so a multiple-pets discount applies.
    public static let twoPetLines: [LineRequest] = [
        LineRequest(patient: "REX", item: "EXAM", provider: "VET"),
        LineRequest(patient: "MIA", item: "EXAM", provider: "VET"),
        LineRequest(patient: "REX", item: "RABIES", provider: "TECH"),
        LineRequest(patient: "MIA", item: "RABIES", provider: "TECH"),
        LineRequest(patient: "MIA", item: "FOOD", provider: "TECH"),
    ]

    /// 5 % off the whole invoice: within a CSR's 10 % ceiling, so no manager approval (and no bcrypt) is involved.
    public static let multiplePets = DiscountRequest(
        discountClass: .multiplePets,
        method: .percent(Percent(basisPoints: 5_00)),
        target: .invoice(.all)
    )

    public static let cashPart = Money.cents(50_00)

    /// FRONT-1's opening float (as DemoMorning's): small bills, a roll of quarters and loose coins.
    public static let openingFloat = CashCount(
        ["20": 2, "10": 4, "5": 6, "1": 22, "roll-0.25": 1, "0.25": 20, "0.10": 20, "0.05": 10, "0.01": 50]
    )

    /// Creates the database under a new temp folder and seeds it.
    ///
    /// - Parameters:
    ///   - label: goes into the folder's name, for humans.
    ///   - parent: where to create the folder (default: the system temp folder).
    ///   - clock: the store's clock in epoch milliseconds (default: the real time).
    ///   - extraItems: generated catalog items imported besides TestClinic's (a real clinic's catalog has thousands).
    public static func make(
        label: String,
        in parent: URL? = nil,
        clock: (@Sendable () -> Int64)? = nil,
        extraItems: Int = 0
    ) async throws -> CheckoutFixture {
        let base = parent ?? FileManager.default.temporaryDirectory
        let directory = base.appendingPathComponent("vetpos-bench-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("vetpos.sqlite").path
        let store =
            if let clock {
                try Store(path: path, pinHasher: SHA256PINHasher(), clock: clock)
            } else {
                try Store(path: path, pinHasher: SHA256PINHasher())
            }
        try await seed(store, extraItems: extraItems)
        let clerk = try await store.signIn(employee: "CSR", pin: TestClinic.pin("CSR"), terminal: "FRONT-1")
        // Cash is taken only into an open drawer: the CSR opens FRONT-1's with a morning float, as the demo does.
        _ = try await store.openDrawer(count: openingFloat, commandID: "seed-drawer-open", by: clerk)
        return try CheckoutFixture(store: store, directory: directory, clerk: clerk)
    }

    private init(store: Store, directory: URL, clerk: Operator) throws {
        self.store = store
        self.directory = directory
        self.clerk = clerk
        basicTotal = try Self.price(Self.basicLines, discounts: [])
        discountedTotal = try Self.price(
            Self.twoPetLines,
            discounts: [
                DiscountSpec(
                    discountClass: .multiplePets,
                    method: .percent(Percent(basisPoints: 5_00)),
                    target: .invoice(.all)
                )
            ]
        )
    }

    /// Seeds like `DemoMorning.setUp()`: clinic setup with the manager, the other staff, the catalog, the clients.
    static func seed(_ store: Store, extraItems: Int) async throws {
        var command = 0
        func nextID(_ kind: String) -> String {
            command += 1
            return "seed-\(kind)-\(command)"
        }
        let manager = TestClinic.staff.first { $0.employee.role == .manager }!
        _ = try await store.setup(
            policy: TestClinic.policy,
            taxCategories: TestClinic.taxCategories,
            manager: manager.employee,
            pin: manager.pin,
            terminal: "OFFICE"
        )
        let office = try await store.signIn(employee: manager.employee.id, pin: manager.pin, terminal: "OFFICE")
        for (employee, pin) in TestClinic.staff where employee.id != manager.employee.id {
            _ = try await store.addEmployee(employee, pin: pin, commandID: nextID("employee"), by: office)
        }
        _ = try await store.importCatalog(TestClinic.catalog, commandID: nextID("catalog"), by: office)
        if extraItems > 0 {
            _ = try await store.importCatalog(generatedItems(extraItems), commandID: nextID("catalog"), by: office)
        }
        for (client, patients) in TestClinic.clients {
            _ = try await store.saveClient(client, patients: patients, commandID: nextID("client"), by: office)
        }
    }

    /// `count` plausible products and services (no barcodes), spread over the tax categories.
    static func generatedItems(_ count: Int) -> [CatalogItem] {
        let kinds: [ItemKind] = [.service, .product, .pharmacy, .fee]
        let taxes = TestClinic.taxCategories.map(\.code)
        return (1...count).map { n in
            CatalogItem(
                code: "GEN-\(n)",
                name: "Generated item \(n)",
                kind: kinds[n % kinds.count],
                unitPrice: .cents(Int64(100 + (n * 7_919) % 40_000)),
                taxCategory: taxes[n % taxes.count]
            )
        }
    }

    /// Prices lines by the same rules checkout uses, from TestClinic's catalog and tax rates.
    static func price(_ lines: [LineRequest], discounts: [DiscountSpec]) throws -> Money {
        let items = Dictionary(uniqueKeysWithValues: TestClinic.catalog.map { ($0.code, $0) })
        let rates = Dictionary(uniqueKeysWithValues: TestClinic.taxCategories.map { ($0.code, $0.ratePPM) })
        let inputs = lines.map {
            LineInput(patientId: $0.patient, item: items[$0.item]!, quantity: $0.quantity, providerId: $0.provider)
        }
        return try Pricing.price(lines: inputs, discounts: discounts) { rates[$0] }.total
    }

    /// A command id never used before in this fixture.
    public func nextID(_ kind: String) -> String {
        "bench-\(kind)-\(sequence.add(1, ordering: .relaxed).newValue)"
    }

    static func card(_ amount: Money, auth: String) -> PaymentInput {
        PaymentInput(
            tender: .credit,
            amount: amount,
            card: CardDetails(brand: .visa, last4: "4242", authCode: auth, terminalId: "PAX-A920-1")
        )
    }

    /// (a) 5 lines for one dog, one credit-card payment of the whole total.
    public func basicRequest() -> CheckoutRequest {
        CheckoutRequest(
            id: nextID("basic"),
            client: "OWNER",
            lines: Self.basicLines,
            payments: [Self.card(basicTotal, auth: "A7F3K2")]
        )
    }

    /// (b) 5 lines for two pets, a 5 % multiple-pets discount, $50 cash and the rest by credit card.
    public func discountedSplitRequest() -> CheckoutRequest {
        CheckoutRequest(
            id: nextID("split"),
            client: "OWNER",
            lines: Self.twoPetLines,
            discounts: [Self.multiplePets],
            payments: [
                PaymentInput(tender: .cash, amount: Self.cashPart),
                Self.card(discountedTotal - Self.cashPart, auth: "B8G4L3"),
            ]
        )
    }

    /// Sends one checkout and checks it was posted and paid in full (a benchmark of failures would be worthless).
    @discardableResult
    public func checkout(_ request: CheckoutRequest) async throws -> InvoiceView {
        let view = try await store.checkout(request, by: clerk)
        guard view.status == .paid, view.balanceDue == .zero else {
            throw FixtureError.unexpected(
                "checkout \(request.id): status \(view.status), balance due \(view.balanceDue)"
            )
        }
        return view
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }
}

public enum FixtureError: Error, CustomStringConvertible {
    case unexpected(String)

    public var description: String {
        switch self {
        case .unexpected(let message): message
        }
    }
}
