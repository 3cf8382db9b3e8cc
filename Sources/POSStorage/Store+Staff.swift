import Foundation
import GRDB
import POSCore

extension Store {
    /// First-time setup: the clinic's policy, its tax categories and the first manager. Refused once anyone exists.
    public func setup(
        policy: ClinicPolicy,
        taxCategories: [TaxCategory],
        manager: Employee,
        pin: String,
        terminal: String
    ) async throws -> Employee {
        try policy.validate()
        try Identifier.validate(manager.id, field: "manager.id")
        try Identifier.validateText(manager.name, field: "manager.name")
        try PINRule.validate(pin)
        guard manager.role == .manager else { throw POSError.invalid(field: "manager.role", reason: "must be manager") }
        for category in taxCategories { try category.validate() }
        let hash = pinHasher.hash(pin: pin)
        let at = now()
        let clerk = Operator(employee: manager, terminal: terminal)
        return try await transaction { db in
            // safe: COUNT(*) always returns one row
            guard try Int.fetchOne(cached: db, sql: "SELECT COUNT(*) FROM employee")! == 0 else {
                throw POSError.conflict(
                    "the clinic is already set up; add employees with `vetpos employees add`",
                    code: "clinic.alreadySetUp"
                )
            }
            try db.executeCached(
                sql: "INSERT INTO setting (key, value) VALUES ('policy', ?)",
                arguments: [try CanonicalJSON.encode(policy)]
            )
            for category in taxCategories {
                try Self.upsert(category, db)
            }
            try Self.insert(manager, pinHash: hash, db)
            try self.journal(db, kind: "clinic.setup", by: clerk, subject: "clinic", at: at, payload: policy)
            try self.journal(
                db,
                kind: "employee.added",
                by: clerk,
                subject: "employee \(manager.id)",
                at: at,
                payload: manager
            )
            return manager
        }
    }

    /// Replaces the clinic's settings (a manager's job); every change is journaled.
    public func updatePolicy(_ policy: ClinicPolicy, commandID: String, by clerk: Operator) async throws -> ClinicPolicy
    {
        try clerk.require(.manageSettings)
        try policy.validate()
        let at = now()
        return try await once(id: commandID, kind: "policy.update", request: policy) { db in
            try db.executeCached(
                sql: "UPDATE setting SET value = ? WHERE key = 'policy'",
                arguments: [try CanonicalJSON.encode(policy)]
            )
            try self.journal(db, kind: "policy.updated", by: clerk, subject: "clinic", at: at, payload: policy)
            return policy
        }
    }

    public func isSetUp() async throws -> Bool {
        // safe: COUNT(*) always returns one row
        try await read { db in try Int.fetchOne(cached: db, sql: "SELECT COUNT(*) FROM employee")! > 0 }
    }

    /// Signs an employee in at a terminal. A wrong id, a wrong PIN and an inactive employee all fail alike; repeated
    /// failures for the employee from `source` (default: the terminal) are throttled (``PINBackoff``).
    public func signIn(
        employee id: String,
        pin: String,
        terminal: String,
        source: String? = nil
    ) async throws
        -> Operator
    {
        try Identifier.validate(terminal, field: "terminal")
        let source = source ?? terminal
        let employee = try await checkPIN(employee: id, pin: pin, source: source, purpose: .signIn)
        return Operator(employee: employee, terminal: terminal, source: source)
    }

    /// Checks approvers' PINs before a transaction (bcrypt is slow by design; no lock is held meanwhile), each through
    /// the same throttle as signing in, counted at the source of the employee asking for the approval.
    func verifiedApprovers(_ approvals: [ApprovalRequest], source: String) async throws -> Set<String> {
        var verified: Set<String> = []
        for approval in approvals {
            _ = try await checkPIN(employee: approval.employee, pin: approval.pin, source: source, purpose: .approval)
            verified.insert(approval.employee)
        }
        return verified
    }

    public struct EmployeeChange: Codable, Sendable {
        public var id: String
        public var name: String
        public var role: Role
        public var active: Bool
    }

    /// Adds an employee with a PIN (stored only as a salted bcrypt hash).
    public func addEmployee(
        _ employee: Employee,
        pin: String,
        commandID: String,
        by clerk: Operator
    ) async throws -> Employee {
        try clerk.require(.manageEmployees)
        try Identifier.validate(employee.id, field: "employee.id")
        try Identifier.validateText(employee.name, field: "employee.name")
        try PINRule.validate(pin)
        let hash = pinHasher.hash(pin: pin)
        let at = now()
        let change = EmployeeChange(id: employee.id, name: employee.name, role: employee.role, active: employee.active)
        return try await once(id: commandID, kind: "employee.add", request: change) { db in
            guard
                try Row.fetchOne(cached: db, sql: "SELECT 1 FROM employee WHERE id = ?", arguments: [employee.id])
                    == nil
            else {
                throw POSError.conflict("employee \(employee.id) already exists", code: "employee.alreadyExists")
            }
            try Self.insert(employee, pinHash: hash, db)
            try self.journal(
                db,
                kind: "employee.added",
                by: clerk,
                subject: "employee \(employee.id)",
                at: at,
                payload: change
            )
            return employee
        }
    }

    /// Changes an employee's role, name or active flag; a new PIN replaces the old hash.
    public func updateEmployee(
        _ employee: Employee,
        newPIN: String?,
        commandID: String,
        by clerk: Operator
    ) async throws -> Employee {
        try clerk.require(.manageEmployees)
        try Identifier.validateText(employee.name, field: "employee.name")
        if let newPIN { try PINRule.validate(newPIN) }
        let hash = newPIN.map { pinHasher.hash(pin: $0) }
        let at = now()
        let change = EmployeeChange(id: employee.id, name: employee.name, role: employee.role, active: employee.active)
        struct Request: Encodable, Sendable {
            var change: EmployeeChange
            var pinChanged: Bool
        }
        return try await once(
            id: commandID,
            kind: "employee.update",
            request: Request(change: change, pinChanged: hash != nil)
        ) { db in
            guard
                try Row.fetchOne(cached: db, sql: "SELECT 1 FROM employee WHERE id = ?", arguments: [employee.id])
                    != nil
            else {
                throw POSError.notFound(what: "employee", id: employee.id)
            }
            if employee.id == clerk.employee.id && (employee.role != .manager || !employee.active) {
                throw POSError.conflict(
                    "managers cannot demote or deactivate themselves",
                    code: "employee.selfDemotion"
                )
            }
            try db.executeCached(
                sql: "UPDATE employee SET name = ?, role = ?, active = ?, pinHash = COALESCE(?, pinHash) WHERE id = ?",
                arguments: [employee.name, employee.role.rawValue, employee.active, hash, employee.id]
            )
            try self.journal(
                db,
                kind: hash == nil ? "employee.updated" : "employee.pinChanged",
                by: clerk,
                subject: "employee \(employee.id)",
                at: at,
                payload: change
            )
            return employee
        }
    }

    /// The employee's record as it is now (nil when unknown): a signed-in session acts with this role, and not at
    /// all once the employee is disabled.
    public func currentEmployee(_ id: String) async throws -> Employee? {
        try await read { db in
            try Row.fetchOne(cached: db, sql: "SELECT * FROM employee WHERE id = ?", arguments: [id]).map(Self.employee)
        }
    }

    public func employees() async throws -> [Employee] {
        try await read { db in
            try Row.fetchAll(cached: db, sql: "SELECT * FROM employee ORDER BY id").map(Self.employee)
        }
    }

    static func employee(_ row: Row) -> Employee {
        // safe: the schema's CHECK constraint admits only these values
        Employee(id: row["id"], name: row["name"], role: Role(rawValue: row["role"])!, active: row["active"])
    }

    static func insert(_ employee: Employee, pinHash: String, _ db: Database) throws {
        try db.executeCached(
            sql: "INSERT INTO employee (id, name, role, pinHash, active) VALUES (?, ?, ?, ?, ?)",
            arguments: [employee.id, employee.name, employee.role.rawValue, pinHash, employee.active]
        )
    }

    static func upsert(_ category: TaxCategory, _ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO taxCategory (code, name, ratePPM) VALUES (?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, ratePPM = excluded.ratePPM
                """,
            arguments: [category.code, category.name, category.ratePPM]
        )
    }
}
