import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Someone who signs in at the desk.
struct Staff: Sendable {
    var id: String
    var name: String
    var role: String
    var pin: String
}

/// The clinic every CLI test starts from, seeded through `vetpos` itself.
enum Clinic {
    static let name = "Test Animal Clinic"
    static let manager = Staff(id: "MGR", name: "Morgan Manager", role: "manager", pin: "9001")
    static let csr = Staff(id: "CSR", name: "Casey Desk", role: "csr", pin: "1234")
    static let vet = Staff(id: "VET", name: "Dr. Vera Vet", role: "veterinarian", pin: "4567")
    static let bookkeeper = Staff(id: "BOOK", name: "Billie Books", role: "bookkeeper", pin: "5678")
    static let employees = [csr, vet, bookkeeper]
    /// Added only by the drawer tests' template: a relief cashier (handover, verification) and a technician, who
    /// rings sales but has no drawer permission.
    static let reliefCSR = Staff(id: "CSR2", name: "Robin Relief", role: "csr", pin: "2468")
    static let technician = Staff(id: "TECH", name: "Terry Tech", role: "technician", pin: "1357")

    /// The terminal every test runs at: vetpos's default, since no test sets `$VETPOS_TERMINAL`. Cash and check
    /// payments need its drawer open.
    static let terminal = "FRONT-1"
    /// The float the seeded drawer opens with: $150.00 in the small bills and coins a desk makes change with.
    static let openingFloat = "20x3,10x2,5x6,1x20,roll-0.25x1,0.25x20,0.10x20,0.05x40,0.01x100"
    static let openingFloatCents: Int64 = 150_00

    /// The price list as a person might type it: header in capitals, unsorted, `62` and `3.5` for prices,
    /// `yes`/`TRUE`/`1`/`no` for active, a quoted name with a comma.
    static let catalogCSV = """
        Code,Name,Kind,Price,Tax_Category,Barcode,Active
        EXAM,Wellness exam,Service,62,EXEMPT,,yes
        VACC,"Rabies vaccine, 1 year",service,24.99,EXEMPT,,TRUE
        FOOD,Prescription diet k/d 8.5 lb,product,71.99,RETAIL,052742462103,true
        APOQUEL,Apoquel 16 mg tablet,pharmacy,1.95,EXEMPT,,1
        WASTE,Medical waste fee,fee,3.5,RETAIL,,true
        OLD,Discontinued shampoo,product,12.00,RETAIL,,no

        """

    /// The same catalog as `vetpos catalog export` writes it: sorted by code, prices with 2 decimals.
    static let exportedCatalogCSV = """
        code,name,kind,price,tax_category,barcode,active
        APOQUEL,Apoquel 16 mg tablet,pharmacy,1.95,EXEMPT,,true
        EXAM,Wellness exam,service,62.00,EXEMPT,,true
        FOOD,Prescription diet k/d 8.5 lb,product,71.99,RETAIL,052742462103,true
        OLD,Discontinued shampoo,product,12.00,RETAIL,,false
        VACC,"Rabies vaccine, 1 year",service,24.99,EXEMPT,,true
        WASTE,Medical waste fee,fee,3.50,RETAIL,,true

        """

    /// Unit prices in cents and tax rates in parts per million, for checking printed invoices.
    static let prices: [String: Int64] = ["EXAM": 62_00, "VACC": 24_99, "FOOD": 71_99, "APOQUEL": 1_95, "WASTE": 3_50]
    static let taxRatePPM: [String: Int64] = ["EXAM": 0, "VACC": 0, "FOOD": 82_500, "APOQUEL": 0, "WASTE": 82_500]

    /// Setup, staff, catalog, two clients (OWNER with pets REX and MIA; CREDIT with TOM and a credit limit) and,
    /// unless `openDrawer` is false, the CSR's opening count of the drawer at ``terminal``, each through the CLI.
    static func seed(_ sandbox: Sandbox, creditLimit: String = "100.00", openDrawer: Bool = true) async throws {
        let db = sandbox.db
        let setup = try await sandbox.ok(
            [
                "setup", "--db", db, "--clinic", name, "--time-zone", "America/Chicago", "--manager-id", manager.id,
                "--manager-name", manager.name, "--tax", "RETAIL:Retail:8.25", "--tax", "EXEMPT:Exempt:0",
            ],
            environment: ["VETPOS_PIN": manager.pin]
        )
        #expect(setup.stdout.contains("manager MGR can now sign in"))
        // The clinic's database is for its owner and group only.
        let mode = try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int
        #expect(mode == 0o640, "database mode \(String(mode ?? 0, radix: 8))")
        for employee in employees {
            let added = try await sandbox.ok(
                [
                    "employees", "add", "--db", db, "--id", employee.id, "--name", employee.name, "--role",
                    employee.role,
                ],
                as: manager,
                environment: ["VETPOS_NEW_PIN": employee.pin]
            )
            #expect(added.stdout == "Added \(employee.id) \(employee.name) (\(employee.role)).\n")
        }
        try sandbox.write("catalog.csv", catalogCSV)
        let imported = try await sandbox.ok(["catalog", "import", "--db", db, "catalog.csv"], as: manager)
        #expect(imported.stdout == "catalog.csv: 6 items — 6 added, 0 updated, 0 unchanged\n")
        try await sandbox.ok(
            [
                "clients", "save", "--db", db, "--id", "OWNER", "--name", "Olive Owner", "--pet", "REX:Rex:Canine",
                "--pet", "MIA:Mia:Feline",
            ],
            as: csr
        )
        try await sandbox.ok(
            [
                "clients", "save", "--db", db, "--id", "CREDIT", "--name", "Carl Credit", "--credit-limit", creditLimit,
                "--pet", "TOM:Tom:Feline",
            ],
            as: manager
        )
        if openDrawer {
            let opened = try await sandbox.ok(
                ["drawer", "open", "--db", db, "--terminal", terminal, "--count", openingFloat],
                as: csr
            )
            #expect(opened.stdout == "Drawer \(terminal) opened (session 1) with \(formatted(openingFloatCents)).\n")
        }
    }

    /// Adds ``reliefCSR`` and ``technician``.
    static func addDrawerStaff(_ sandbox: Sandbox) async throws {
        for employee in [reliefCSR, technician] {
            try await sandbox.ok(
                [
                    "employees", "add", "--db", sandbox.db, "--id", employee.id, "--name", employee.name, "--role",
                    employee.role,
                ],
                as: manager,
                environment: ["VETPOS_NEW_PIN": employee.pin]
            )
        }
    }
}

/// A seeded clinic made once per test run; tests that only need a starting point copy it instead of seeding again.
actor SeededTemplate {
    /// ``Clinic/seed(_:creditLimit:openDrawer:)`` as it is: the drawer at ``Clinic/terminal`` open.
    static let shared = SeededTemplate(name: "template", openDrawer: true, drawerStaff: false)
    /// For the drawer tests: no drawer open yet, and the relief CSR and the technician added.
    static let drawer = SeededTemplate(name: "drawer-template", openDrawer: false, drawerStaff: true)

    let name: String
    let openDrawer: Bool
    let drawerStaff: Bool
    private var task: Task<Sandbox, any Error>?

    init(name: String, openDrawer: Bool, drawerStaff: Bool) {
        self.name = name
        self.openDrawer = openDrawer
        self.drawerStaff = drawerStaff
    }

    func sandbox() async throws -> Sandbox {
        if let task { return try await task.value }
        let (name, openDrawer, drawerStaff) = (self.name, self.openDrawer, self.drawerStaff)
        let task = Task {
            let sandbox = try Sandbox(directory: Self.directory(name, pid: getpid()))
            // Swift Testing has no global tear-down: remove the templates when the test process exits.
            atexit {
                for name in ["template", "drawer-template"] {
                    try? FileManager.default.removeItem(at: SeededTemplate.directory(name, pid: getpid()))
                }
            }
            try await Clinic.seed(sandbox, openDrawer: openDrawer)
            if drawerStaff { try await Clinic.addDrawerStaff(sandbox) }
            let seeded = try await DatabaseSnapshot.dump(sandbox.db)
            guard seeded["employee"]?.count == (drawerStaff ? 6 : 4), seeded["catalogItem"]?.count == 6,
                seeded["patient"]?.count == 3, seeded["drawerSession"]?.count == (openDrawer ? 1 : 0)
            else {
                throw HarnessError("the seeded \(name) is incomplete: \(seeded.mapValues(\.count))")
            }
            return sandbox
        }
        self.task = task
        return try await task.value
    }

    nonisolated static func directory(_ name: String, pid: pid_t) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vetpos-\(name)-\(pid)", isDirectory: true)
    }

    /// A new sandbox holding a copy of the seeded database.
    func copy(_ label: String) async throws -> Sandbox {
        let template = try await sandbox()
        let sandbox = try Sandbox(label)
        for suffix in ["", "-wal", ".anchors"] where FileManager.default.fileExists(atPath: template.db + suffix) {
            try FileManager.default.copyItem(atPath: template.db + suffix, toPath: sandbox.db + suffix)
        }
        return sandbox
    }

    /// A copy of the standard template.
    static func copy(_ label: String) async throws -> Sandbox { try await shared.copy(label) }
}

// MARK: - JSON the CLI prints

/// An invoice as `vetpos checkout` and `vetpos invoice show` print it. Amounts stay strings, as in the JSON.
struct InvoiceJSON: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var line: Int
        var patient: String
        var item: String
        var kind: String
        var quantity: String
        var unitPrice: String
        var extended: String
        var discount: String
        var tax: String
        var total: String
        var provider: String
    }
    struct Pet: Decodable, Sendable {
        var patient: String
        var total: String
    }
    struct Discount: Decodable, Sendable {
        var amount: String
        var approvedBy: String?
    }
    struct Payment: Decodable, Sendable {
        var number: Int64
        var kind: String
        var tender: String
        var amount: String
        var tendered: String
        var change: String
        var checkNumber: String?
        var cardLast4: String?
        var authCode: String?
    }
    var number: Int64
    var client: String
    var status: String
    var postedAt: Int64?
    var businessDate: String?
    var lines: [Line]
    var pets: [Pet]
    var discounts: [Discount]
    var payments: [Payment]
    var subtotal: String
    var discountTotal: String
    var taxTotal: String
    var total: String
    var paid: String
    var credits: String
    var balanceDue: String

    static func decode(_ text: String) throws -> InvoiceJSON {
        try JSONDecoder().decode(InvoiceJSON.self, from: Data(text.utf8))
    }
}

struct DayReportJSON: Decodable, Sendable {
    struct Category: Decodable, Sendable {
        var kind: String
        var lines: Int
        var gross: String
        var discounts: String
        var tax: String
    }
    struct Tender: Decodable, Sendable {
        var tender: String
        var payments: Int
        var received: String
    }
    var date: String
    var clinic: String
    var invoicesPosted: Int
    var invoicesOpen: Int
    var categories: [Category]
    var tenders: [Tender]
    var changeGiven: String
    var subtotal: String
    var discounts: String
    var tax: String
    var salesTotal: String
    var collected: String

    static func decode(_ text: String) throws -> DayReportJSON {
        try JSONDecoder().decode(DayReportJSON.self, from: Data(text.utf8))
    }
}

/// Cents from an amount as the CLI prints it (`-12.34`); anything else is a failure.
func cents(_ text: String) throws -> Int64 {
    let negative = text.hasPrefix("-")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[1].count == 2, !parts[0].isEmpty,
        parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
        let whole = Int64(parts[0]), let fraction = Int64(parts[1])
    else { throw HarnessError("'\(text)' is not an amount with 2 decimals") }
    return (negative ? -1 : 1) * (whole * 100 + fraction)
}

/// Thousandths from a printed quantity (`2`, `2.5`).
func thousandths(_ text: String) throws -> Int64 {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard let whole = Int64(parts[0]), parts.count <= 2 else { throw HarnessError("'\(text)' is not a quantity") }
    var fraction: Int64 = 0
    if parts.count == 2 {
        guard (1...3).contains(parts[1].count), let digits = Int64(parts[1]) else {
            throw HarnessError("'\(text)' is not a quantity")
        }
        fraction = digits * [100, 10, 1][parts[1].count - 1]
    }
    return whole * 1000 + fraction
}

/// `a × b / c`, rounded half away from zero (for non-negative operands).
func roundedProduct(_ a: Int64, _ b: Int64, over c: Int64) -> Int64 { (a * b + c / 2) / c }

/// `$1,234.56`, as reports print amounts.
func formatted(_ cents: Int64) -> String {
    var whole = String(abs(cents) / 100)
    var grouped = ""
    while whole.count > 3 {
        grouped = "," + whole.suffix(3) + grouped
        whole.removeLast(3)
    }
    let fraction = abs(cents) % 100
    return (cents < 0 ? "-$" : "$") + whole + grouped + "." + (fraction < 10 ? "0" : "") + "\(fraction)"
}

/// The same JSON document with sorted keys and no whitespace, so two printings of one value compare equal.
func canonicalJSON(_ text: String) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}

/// Checks that an invoice ties out: every total is the sum of its parts, every payment's cash arithmetic holds,
/// and the status follows from the balance.
func expectTiesOut(_ invoice: InvoiceJSON, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let here = "invoice \(invoice.number)"
    var subtotal: Int64 = 0
    var discount: Int64 = 0
    var tax: Int64 = 0
    for line in invoice.lines {
        let extended = try cents(line.extended)
        let lineDiscount = try cents(line.discount)
        let lineTax = try cents(line.tax)
        #expect(
            extended == roundedProduct(try cents(line.unitPrice), try thousandths(line.quantity), over: 1000),
            "\(here) line \(line.line): extended is unit price × quantity",
            sourceLocation: sourceLocation
        )
        #expect(
            (0...extended).contains(lineDiscount),
            "\(here) line \(line.line): discount within the line",
            sourceLocation: sourceLocation
        )
        #expect(
            try cents(line.total) == extended - lineDiscount + lineTax,
            "\(here) line \(line.line): total",
            sourceLocation: sourceLocation
        )
        if let rate = Clinic.taxRatePPM[line.item] {
            #expect(
                lineTax == roundedProduct(extended - lineDiscount, rate, over: 1_000_000),
                "\(here) line \(line.line): tax is the rate on the discounted amount",
                sourceLocation: sourceLocation
            )
        }
        subtotal += extended
        discount += lineDiscount
        tax += lineTax
    }
    let total = try cents(invoice.total)
    #expect(
        try cents(invoice.subtotal) == subtotal,
        "\(here): subtotal is the sum of the lines",
        sourceLocation: sourceLocation
    )
    #expect(
        try cents(invoice.discountTotal) == discount,
        "\(here): discountTotal is the sum of line discounts",
        sourceLocation: sourceLocation
    )
    #expect(
        try invoice.discounts.map { try cents($0.amount) }.reduce(0, +) == discount,
        "\(here): the discounts add up to discountTotal",
        sourceLocation: sourceLocation
    )
    #expect(
        try cents(invoice.taxTotal) == tax,
        "\(here): taxTotal is the sum of line taxes",
        sourceLocation: sourceLocation
    )
    #expect(
        total == subtotal - discount + tax,
        "\(here): total = subtotal − discountTotal + taxTotal",
        sourceLocation: sourceLocation
    )
    #expect(
        try invoice.pets.map { try cents($0.total) }.reduce(0, +) == total,
        "\(here): pets add up to the total",
        sourceLocation: sourceLocation
    )
    var paid: Int64 = 0
    for payment in invoice.payments where payment.kind == "payment" {
        let amount = try cents(payment.amount)
        let change = try cents(payment.change)
        #expect(amount > 0, "\(here) payment \(payment.number): positive", sourceLocation: sourceLocation)
        #expect(
            try cents(payment.tendered) - change == amount,
            "\(here) payment \(payment.number): tendered − change = amount",
            sourceLocation: sourceLocation
        )
        #expect(
            change == 0 || payment.tender == "cash",
            "\(here) payment \(payment.number): only cash gives change",
            sourceLocation: sourceLocation
        )
        paid += amount
    }
    #expect(try cents(invoice.paid) == paid, "\(here): paid is the sum of payments", sourceLocation: sourceLocation)
    #expect(
        try cents(invoice.balanceDue) == total - paid,
        "\(here): balanceDue = total − paid",
        sourceLocation: sourceLocation
    )
    #expect(
        invoice.status != "open",
        "\(here): a checkout never leaves an open invoice",
        sourceLocation: sourceLocation
    )
    if total == paid { #expect(invoice.status == "paid", "\(here): fully paid", sourceLocation: sourceLocation) }
}

// MARK: - The database, read directly

enum DatabaseSnapshot {
    /// Every row of every table (and the schema), read through a read-only connection; rows are sorted so the
    /// snapshot does not depend on the order SQLite returns them in.
    static func dump(_ path: String) async throws -> [String: [String]] {
        try await withReadOnly(path) { db in
            var tables: [String: [String]] = [:]
            tables["sqlite_master"] = try Row.fetchAll(
                db,
                sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            )
            .map(\.description)
            for table in try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            // Wrong PINs are recorded on purpose, refused command or not (the throttle, the managers' list).
            where table != "pinFailure" {
                tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)").map(
                    \.description
                ).sorted()
            }
            return tables
        }
    }

    static func withReadOnly<T: Sendable>(
        _ path: String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let value = try await queue.read(body)
        try queue.close()
        return value
    }

    /// Names the tables whose rows differ, with a few of the differing rows.
    static func difference(_ before: [String: [String]], _ after: [String: [String]]) -> String {
        var out: [String] = []
        for table in Set(before.keys).union(after.keys).sorted() where before[table] != after[table] {
            let old = Set(before[table] ?? [])
            let new = Set(after[table] ?? [])
            out.append(
                "\(table): +\(new.subtracting(old).sorted().prefix(3)) −\(old.subtracting(new).sorted().prefix(3))"
            )
        }
        return out.joined(separator: "; ")
    }
}
