/// An owner: the person who pays. Pets are ``Patient``s of one client.
public struct Client: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var phone: String
    public var email: String
    /// A staff member's own account: the employee discount applies.
    public var isStaff: Bool
    /// A shelter or rescue organisation: the shelter discount applies.
    public var isShelter: Bool
    /// Approved under the clinic's credit policy to charge visits to the account.
    public var creditApproved: Bool
    public var creditLimit: Money

    public init(
        id: String,
        name: String,
        phone: String = "",
        email: String = "",
        isStaff: Bool = false,
        isShelter: Bool = false,
        creditApproved: Bool = false,
        creditLimit: Money = .zero
    ) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
        self.isStaff = isStaff
        self.isShelter = isShelter
        self.creditApproved = creditApproved
        self.creditLimit = creditLimit
    }

    public func validate() throws(POSError) {
        try Identifier.validate(id, field: "client.id")
        try Identifier.validateText(name, field: "client.name")
        guard !creditLimit.isNegative else {
            throw .invalid(field: "client.creditLimit", reason: "must not be negative")
        }
        guard creditApproved || creditLimit == .zero else {
            throw .invalid(field: "client.creditLimit", reason: "a credit limit needs an approved credit account")
        }
    }
}

public struct Patient: Hashable, Sendable, Codable {
    public var id: String
    public var clientId: String
    public var name: String
    public var species: String

    public init(id: String, clientId: String, name: String, species: String) {
        self.id = id
        self.clientId = clientId
        self.name = name
        self.species = species
    }

    public func validate() throws(POSError) {
        try Identifier.validate(id, field: "patient.id")
        try Identifier.validateText(name, field: "patient.name")
        try Identifier.validateText(species, field: "patient.species", maxLength: 40)
    }
}
