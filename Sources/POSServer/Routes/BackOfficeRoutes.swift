import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSDevices
import POSServices
import POSStorage

/// The back office, as the CLI's commands: staff (PINs go in, never come out), the catalog file, tax categories,
/// coupons, the drawer rules and terminal devices of the settings, backups and the journal.
extension APIServer {
    /// The most journal entries one call lists.
    static let maximumJournalEntries = 1000

    static let backOfficeRoutes: [Route] = [
        Route(.get, "/api/employees", .signedIn(anyOf: [.manageEmployees]), "Every employee (never their PINs)") {
            call in
            try call.clerk.require(.manageEmployees)
            return try Reply.json(try await call.store.employees())
        },
        Route(.post, "/api/employees", .signedIn(anyOf: [.manageEmployees]), "Add an employee with a PIN") { call in
            let body = try call.decode(NewEmployeeBody.self)
            let employee = try await call.operations.addEmployee(
                Employee(id: body.id, name: body.name, role: body.role),
                pin: body.pin,
                commandID: call.commandID
            )
            return try Reply.json(employee, status: .created)
        },
        Route(
            .post,
            "/api/employees/{id}",
            .signedIn(anyOf: [.manageEmployees]),
            "Change an employee's name, role, status or PIN"
        ) { call in
            let body = try call.decode(EmployeeChangeBody.self)
            let employee = try await BackOffice.updateEmployee(
                call.context.text("id"),
                name: body.name,
                role: body.role,
                active: body.active,
                newPIN: body.pin,
                store: call.store,
                commandID: call.commandID,
                by: try call.clerk
            )
            return try Reply.json(employee)
        },
        Route(
            .post,
            "/api/catalog/import",
            .signedIn(anyOf: [.manageCatalog]),
            "Add or update items from a catalog CSV (the body): every row, or none (?name= for messages)"
        ) { call in
            let source = call.request.query("name") ?? "body"
            let rows = try BackOffice.parseCatalog(call.body, source: source)
            let result = try await BackOffice.importCatalog(
                rows,
                source: source,
                store: call.store,
                commandID: call.commandID,
                by: try call.clerk
            )
            return try Reply.json(result)
        },
        Route(.get, "/api/catalog/export", .signedIn(anyOf: []), "The catalog as CSV") { call in
            let csv = CatalogCSV.format(try await call.store.catalog())
            return Reply.bytes(
                Data(csv.utf8),
                contentType: "text/csv; charset=utf-8",
                headers: [.contentDisposition: "attachment; filename=\"catalog.csv\""]
            )
        },
        Route(.get, "/api/catalog/tax", .signedIn(anyOf: []), "The tax categories with their rates") { call in
            try Reply.json(try await call.store.taxCategories().map(BackOffice.TaxRate.init))
        },
        Route(
            .post,
            "/api/catalog/tax",
            .signedIn(anyOf: [.manageSettings]),
            "Add or change a tax category: {\"code\", \"name\", \"percent\": \"8.25\"}"
        ) { call in
            let body = try call.decode(TaxBody.self)
            let category = try BackOffice.taxCategory(
                code: body.code,
                name: body.name,
                percent: body.percent,
                field: "body, percent"
            )
            let stored = try await call.operations.setTaxCategory(category, commandID: call.commandID)
            return try Reply.json(BackOffice.TaxRate(stored))
        },
        Route(.get, "/api/coupons", .signedIn(anyOf: []), "Every coupon issued") { call in
            try Reply.json(try await call.store.coupons())
        },
        Route(.post, "/api/coupons", .signedIn(anyOf: [.manageCatalog]), "Issue a coupon") { call in
            let body = try call.decode(CouponBody.self)
            let coupon = try BackOffice.coupon(
                code: body.code,
                description: body.description,
                percent: body.percent,
                amount: body.amount,
                scope: body.scope ?? "all",
                expires: body.expiresOn,
                singleUse: body.singleUse ?? false,
                fields: ("body, percent", "body, amount")
            )
            let stored = try await call.operations.addCoupon(coupon, commandID: call.commandID)
            return try Reply.json(stored, status: .created)
        },
        Route(
            .post,
            "/api/settings/drawer",
            .signedIn(anyOf: [.manageSettings]),
            "Replace the drawer rules (the drawer object of the settings)"
        ) { call in
            let body = try call.decode(DrawerRulesBody.self)
            let policy = try await BackOffice.setDrawerRules(
                body.rules,
                store: call.store,
                commandID: call.commandID,
                by: try call.clerk
            )
            return try Reply.json(policy)
        },
        Route(
            .post,
            "/api/settings/devices",
            .signedIn(anyOf: [.manageSettings]),
            "Set a terminal's devices: printer queue, drawer connection, scanner (or remove them)"
        ) { call in
            let body = try call.decode(DevicesBody.self)
            let clerk = try call.clerk
            let policy = try await BackOffice.setTerminalDevices(
                body.remove ? nil : body.devices,
                terminal: body.terminal ?? clerk.terminal,
                store: call.store,
                commandID: call.commandID,
                by: clerk
            )
            return try Reply.json(policy)
        },
        Route(
            .post,
            "/api/backups",
            .signedIn(anyOf: [.backup]),
            "Back up the database to the backups folder beside it, then verify the copy"
        ) { call in
            let body = try call.decode(BackupBody.self)
            let clerk = try call.clerk
            try clerk.require(.backup)
            let path = try BackOffice.backupPath(name: body.name, store: call.store, field: "body, name")
            let summary = try await BackOffice.backup(to: path, field: "body, name", store: call.store, by: clerk)
            return try Reply.json(summary, status: .created)
        },
        Route(
            .get,
            "/api/status",
            .signedIn(anyOf: [.viewStatus]),
            "The appliance's status: database, schema, journal, backups, open drawers, waiting print jobs, devices"
        ) { call in
            try call.clerk.require(.viewStatus)
            return try Reply.json(try await call.server.applianceStatus())
        },
        Route(
            .get,
            "/api/journal",
            .signedIn(anyOf: [.verifyJournal]),
            "Journal entries, oldest first (?after=SEQUENCE&limit=100)"
        ) { call in
            let after = try call.request.wholeNumber("after") ?? 0
            let limit = try call.request.wholeNumber("limit") ?? 100
            guard (1...Int64(maximumJournalEntries)).contains(limit) else {
                throw POSError.invalid(field: "query limit", reason: "must be 1 to \(maximumJournalEntries)")
            }
            let entries = try await call.store.journalEntries(limit: Int(limit), after: after)
            return try Reply.json(entries.map(JournalLine.init))
        },
    ]
}

/// A journal entry as listed.
struct JournalLine: Encodable {
    var sequence: Int64
    var atMillis: Int64
    var kind: String
    var employee: String
    var terminal: String
    var subject: String
    /// Canonical JSON of the event's details, as stored (and hashed).
    var payload: String
    var previousHash: String
    var hash: String

    init(_ entry: JournalEntry) {
        sequence = entry.sequence
        atMillis = entry.atMillis
        kind = entry.kind
        employee = entry.employee
        terminal = entry.terminal
        subject = entry.subject
        payload = entry.payload
        previousHash = entry.previousHash
        hash = entry.hash
    }
}

/// `{"id", "name", "role", "pin"}`
struct NewEmployeeBody: Decodable {
    var id: String
    var name: String
    var role: Role
    var pin: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["id", "name", "role", "pin"])
        id = try object.required("id")
        name = try object.required("name")
        role = try object.required("role")
        pin = try object.required("pin")
    }
}

/// `{"name", "role", "active", "pin"}`, each optional.
struct EmployeeChangeBody: Decodable {
    var name: String?
    var role: Role?
    var active: Bool?
    var pin: String?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["name", "role", "active", "pin"])
        name = try object.optional("name")
        role = try object.optional("role")
        active = try object.optional("active")
        pin = try object.optional("pin")
    }
}

/// `{"code", "name", "percent": "8.25"}`
struct TaxBody: Decodable {
    var code: String
    var name: String
    var percent: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["code", "name", "percent"])
        code = try object.required("code")
        name = try object.required("name")
        percent = try object.required("percent")
    }
}

/// `{"code", "description", "percent": "10" | "amount": "15.00", "scope", "expiresOn", "singleUse"}`
struct CouponBody: Decodable {
    var code: String
    var description: String
    var percent: String?
    var amount: String?
    var scope: String?
    var expiresOn: String
    var singleUse: Bool?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: [
            "code", "description", "percent", "amount", "scope", "expiresOn", "singleUse",
        ])
        code = try object.required("code")
        description = try object.required("description")
        percent = try object.optional("percent")
        amount = try object.optional("amount")
        scope = try object.optional("scope")
        expiresOn = try object.required("expiresOn")
        singleUse = try object.optional("singleUse")
    }
}

/// The drawer rules, as the `drawer` object of the settings (every field required; no others).
struct DrawerRulesBody: Decodable {
    var rules: DrawerPolicy

    init(from decoder: any Decoder) throws {
        _ = try decoder.fields(allowing: [
            "denominations", "floatTarget", "floatMinimum", "tolerance", "paidInReasons", "paidOutReasons",
            "requireVerification", "blindCount", "paidOutApprovalLimit", "paidOutSessionLimit",
        ])
        rules = try DrawerPolicy(from: decoder)
    }
}

/// `{"terminal", "printer": "QUEUE" | "none", "drawer": "printer" | "usb" | "none", "scanner": true, "remove": true}`
struct DevicesBody: Decodable {
    var terminal: String?
    var devices: TerminalDevices
    var remove: Bool

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["terminal", "printer", "drawer", "scanner", "remove"])
        terminal = try object.optional("terminal")
        remove = try object.optional("remove") ?? false
        let printer: String? = try object.optional("printer")
        let drawer = try object.optional("drawer", as: String.self) ?? "none"
        guard let connection = TerminalDevices.DrawerConnection(rawValue: drawer) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: object.codingPath + [FieldKey("drawer")],
                    debugDescription: "'\(drawer)' is not printer, usb or none"
                )
            )
        }
        devices = TerminalDevices(
            printerQueue: printer == "none" ? nil : printer,
            drawer: connection,
            scanner: try object.optional("scanner") ?? false
        )
        if !remove && printer == nil {
            throw DecodingError.keyNotFound(
                FieldKey("printer"),
                .init(codingPath: object.codingPath, debugDescription: "give the printer's queue, or none")
            )
        }
    }
}

/// `{"name"}`: the backup's file name inside the backups folder.
struct BackupBody: Decodable {
    var name: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["name"])
        name = try object.required("name")
    }
}

extension Request {
    /// A whole number from the query (not negative), or nil when absent.
    func wholeNumber(_ name: String) throws -> Int64? {
        guard let text = query(name) else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw POSError.invalid(field: "query \(name)", reason: "'\(text)' is not a whole number")
        }
        return value
    }
}

extension APIServer {
    /// The appliance's status as `vetpos status` reports it; the devices are the configured terminals' printer queues
    /// (as this server's print server reports them) and the recognised USB devices.
    func applianceStatus() async throws -> ApplianceStatus {
        let database = try await store.databaseStatus()
        var printers: [ApplianceStatus.Device] = []
        let queues = Set(database.terminals.values.compactMap(\.printerQueue)).sorted()
        for queue in queues {
            do throws(DeviceFailure) {
                let status = try await printer.status(queue: queue)
                printers.append(
                    .init(name: queue, state: status.blockedReason ?? "\(status.state.rawValue), accepting jobs")
                )
            } catch {
                printers.append(.init(name: queue, state: error.message))
            }
        }
        var usbDevices: [ApplianceStatus.Device] = []
        var usbProblem: String?
        do throws(DeviceFailure) {
            usbDevices = try await usb.devices().filter { $0.role != .other }.map {
                .init(name: $0.name, state: "\($0.role.rawValue), \($0.id)")
            }
        } catch {
            usbProblem = error.message
        }
        return ApplianceStatus(
            database: database,
            backupFolder: BackOffice.backupFolder(of: store).path,
            devices: .init(printers: printers, printerProblem: nil, usb: usbDevices, usbProblem: usbProblem),
            now: store.currentMillis
        )
    }
}
