/// The jobs at a veterinary front desk, each with its own permissions.
public enum Role: String, Codable, CaseIterable, Sendable {
    case csr, technician, veterinarian, manager, bookkeeper

    /// What each role may do. A bookkeeper reads and exports but never rings a sale; only a manager
    /// voids posted invoices, approves over-ceiling discounts and large refunds, and manages staff.
    public var permissions: Set<Permission> {
        switch self {
        case .csr:
            [
                .openInvoice, .addVisitLines, .ringSales, .applyDiscount, .takePayment, .refund, .manageClients,
                .viewReports, .handleDrawer, .noSale,
            ]
        case .technician, .veterinarian:
            [.openInvoice, .addVisitLines, .ringSales, .applyDiscount, .takePayment, .manageClients]
        case .manager:
            Set(Permission.allCases)
        case .bookkeeper:
            [.viewReports, .verifyJournal, .exportData, .backup, .viewDrawerTotals, .reconcile]
        }
    }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

public enum Permission: String, CaseIterable, Sendable {
    case openInvoice = "open invoices"
    case addVisitLines = "add visit lines"
    case ringSales = "ring up sales"
    case applyDiscount = "apply discounts"
    case approveDiscount = "approve discounts above the role ceiling"
    case takePayment = "take payments"
    case refund = "issue refunds"
    case approveRefund = "approve refunds"
    case voidInvoice = "void invoices"
    case manageCatalog = "manage the catalog"
    case manageClients = "manage clients"
    case manageEmployees = "manage employees"
    case manageSettings = "change clinic settings"
    case viewReports = "view reports"
    case verifyJournal = "verify the journal"
    case exportData = "export data"
    case backup = "back up the database"
    case handleDrawer = "open, count and close cash drawers"
    case noSale = "open the drawer without a sale"
    case verifyDrawer = "verify drawer closes and accept variances"
    case adjustDrawer = "record drawer adjustments"
    case prepareDeposits = "prepare bank deposits and close card batches"
    case viewDrawerTotals = "see expected cash of a drawer"
    case reconcile = "match settlements and bank lines"
    case overrideReconciliation = "write off unmatched items and undo matching decisions"
    case viewStatus = "see the appliance's status (database, journal, backups, devices)"
}

public struct Employee: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var role: Role
    public var active: Bool

    public init(id: String, name: String, role: Role, active: Bool = true) {
        self.id = id
        self.name = name
        self.role = role
        self.active = active
    }
}

/// An employee signed in at a terminal: who did it, and where.
public struct Operator: Hashable, Sendable {
    public var employee: Employee
    public var terminal: String
    /// Where the PINs this operator's commands carry come from, for ``PINBackoff``: the terminal at the client's
    /// address under the server, `cli:USER@TERMINAL` at the command line; the terminal by default.
    public var source: String

    public init(employee: Employee, terminal: String, source: String? = nil) {
        self.employee = employee
        self.terminal = terminal
        self.source = source ?? terminal
    }

    /// Throws unless the employee's role grants `permission`.
    public func require(_ permission: Permission) throws(POSError) {
        guard employee.role.may(permission) else {
            throw .notPermitted(employee: employee.id, role: employee.role, action: permission.rawValue)
        }
    }
}

/// Salted, deliberately slow PIN hashing. The live implementation is bcrypt (POSSecurity).
public protocol PINHasher: Sendable {
    func hash(pin: String) -> String
    func verify(pin: String, against hash: String) -> Bool
}

public enum PINRule {
    /// A PIN is 4 to 8 digits.
    public static func validate(_ pin: String, field: String = "pin") throws(POSError) {
        guard (4...8).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(field: field, reason: "a PIN is 4 to 8 digits")
        }
    }
}

public enum Identifier {
    /// Record codes (employee, client, patient, item, terminal ids): 1–32 letters, digits, `-`, `_` or `.`.
    public static func validate(_ value: String, field: String) throws(POSError) {
        guard (1...32).contains(value.count),
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else {
            throw .invalid(field: field, reason: "'\(value)' is not a valid code (1–32 letters, digits, - _ .)")
        }
    }

    /// Free text such as names: 1–200 characters, no control characters.
    public static func validateText(_ value: String, field: String, maxLength: Int = 200) throws(POSError) {
        let trimmed = value.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw .invalid(field: field, reason: "must not be empty") }
        guard value.count <= maxLength else {
            throw .invalid(field: field, reason: "is longer than \(maxLength) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field: field, reason: "contains control characters")
        }
        try CardNumberDetector.refuse(value, field: field)
    }
}
