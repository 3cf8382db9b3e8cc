import POSCore

/// A small clinic for tests: a few items of every kind, staff of every role, clients of every kind.
public enum TestClinic {
    public static let policy = ClinicPolicy(clinicName: "Test Animal Clinic", timeZone: "America/Chicago")

    public static let taxCategories = [
        TaxCategory(code: "EXEMPT", name: "Exempt", ratePPM: 0),
        TaxCategory(code: "RETAIL", name: "Retail 8.25%", ratePPM: 82_500),
        TaxCategory(code: "CITY", name: "City 9.875%", ratePPM: 98_750),
    ]

    public static let catalog = [
        CatalogItem(
            code: "EXAM",
            name: "Wellness exam",
            kind: .service,
            unitPrice: .cents(62_00),
            taxCategory: "EXEMPT"
        ),
        CatalogItem(
            code: "RECHECK",
            name: "Recheck exam",
            kind: .service,
            unitPrice: .cents(38_50),
            taxCategory: "EXEMPT"
        ),
        CatalogItem(
            code: "RABIES",
            name: "Rabies vaccine 1 yr",
            kind: .service,
            unitPrice: .cents(24_99),
            taxCategory: "EXEMPT"
        ),
        CatalogItem(
            code: "DENTAL",
            name: "Dental cleaning",
            kind: .service,
            unitPrice: .cents(389_00),
            taxCategory: "EXEMPT"
        ),
        CatalogItem(
            code: "FOOD",
            name: "Prescription diet k/d 8.5 lb",
            kind: .product,
            unitPrice: .cents(71_99),
            taxCategory: "RETAIL",
            barcode: "052742462103"
        ),
        CatalogItem(
            code: "TOY",
            name: "Rope toy",
            kind: .product,
            unitPrice: .cents(7_49),
            taxCategory: "CITY",
            barcode: "0036000291452"
        ),
        CatalogItem(
            code: "APOQUEL",
            name: "Apoquel 16 mg tablet",
            kind: .pharmacy,
            unitPrice: .cents(1_95),
            taxCategory: "EXEMPT"
        ),
        CatalogItem(
            code: "SUSP",
            name: "Meloxicam suspension per mL",
            kind: .pharmacy,
            unitPrice: .cents(33),
            taxCategory: "EXEMPT"
        ),
        CatalogItem(
            code: "WASTE",
            name: "Medical waste fee",
            kind: .fee,
            unitPrice: .cents(3_50),
            taxCategory: "RETAIL"
        ),
        CatalogItem(
            code: "OLD",
            name: "Discontinued shampoo",
            kind: .product,
            unitPrice: .cents(12_00),
            taxCategory: "RETAIL",
            active: false
        ),
    ]

    /// Staff and their PINs.
    public static let staff: [(employee: Employee, pin: String)] = [
        (Employee(id: "MGR", name: "Morgan Manager", role: .manager), "9001"),
        (Employee(id: "CSR", name: "Casey Desk", role: .csr), "1234"),
        (Employee(id: "CSR2", name: "Drew Desk", role: .csr), "2345"),
        (Employee(id: "TECH", name: "Toni Tech", role: .technician), "3456"),
        (Employee(id: "VET", name: "Dr. Vera Vet", role: .veterinarian), "4567"),
        (Employee(id: "BOOK", name: "Billie Books", role: .bookkeeper), "5678"),
    ]

    public static func pin(_ id: String) -> String { staff.first { $0.employee.id == id }!.pin }

    public static let clients: [(client: Client, patients: [Patient])] = [
        (
            Client(id: "OWNER", name: "Olive Owner"),
            [
                Patient(id: "REX", clientId: "OWNER", name: "Rex", species: "Canine"),
                Patient(id: "MIA", clientId: "OWNER", name: "Mia", species: "Feline"),
            ]
        ),
        (
            Client(id: "STAFF", name: "Casey Desk", isStaff: true),
            [Patient(id: "BUDDY", clientId: "STAFF", name: "Buddy", species: "Canine")]
        ),
        (
            Client(id: "RESCUE", name: "Second Chance Rescue", isShelter: true),
            [
                Patient(id: "PUP1", clientId: "RESCUE", name: "Pup One", species: "Canine"),
                Patient(id: "PUP2", clientId: "RESCUE", name: "Pup Two", species: "Canine"),
            ]
        ),
        (
            Client(id: "CREDIT", name: "Carl Credit", creditApproved: true, creditLimit: .cents(300_00)),
            [Patient(id: "TOM", clientId: "CREDIT", name: "Tom", species: "Feline")]
        ),
    ]

    public static let coupons = [
        Coupon(
            code: "TENOFF",
            description: "10% off",
            percent: Percent(basisPoints: 10_00),
            expiresOn: "2099-12-31",
            singleUse: false
        ),
        Coupon(
            code: "ONCE5",
            description: "$5 off once",
            amount: .cents(5_00),
            expiresOn: "2099-12-31",
            singleUse: true
        ),
        Coupon(code: "GONE", description: "Expired", amount: .cents(5_00), expiresOn: "2020-01-01", singleUse: false),
    ]
}
