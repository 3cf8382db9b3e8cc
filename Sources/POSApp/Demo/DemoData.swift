import POSCore

/// The demo clinic: realistic master data for `vetpos demo`.
///
/// Prices are tax-exclusive US cents per unit (per tablet, per mL, per day); quantities are applied on the invoice.
/// Barcodes use made-up manufacturer prefixes with real GS1 check digits. Phone numbers are in the fictional 555
/// exchange and e-mail addresses use the reserved `example.*` domains.
enum DemoData {
    static let clinicName = "Riverside Animal Hospital"

    static let taxCategories: [TaxCategory] = [
        TaxCategory(code: "EXEMPT", name: "Exempt: professional services and fees", ratePPM: 0),
        TaxCategory(code: "RETAIL", name: "Retail goods, 8.25%", ratePPM: 82_500),
        TaxCategory(code: "RX", name: "Prescription drugs, exempt", ratePPM: 0),
        TaxCategory(code: "FEE", name: "Taxable fees (disposal), 8.25%", ratePPM: 82_500),
    ]

    static let catalog: [CatalogItem] = [
        // Exams
        service("EXAM-WELL", "Wellness Exam", 6200),
        service("EXAM-SICK", "Sick / Problem Exam", 7200),
        service("EXAM-RECHECK", "Recheck Exam", 4500),
        service("EXAM-NEWPET", "New Puppy / Kitten Exam", 5500),
        // Vaccines
        service("VAC-RABIES1", "Rabies Vaccine, 1 Year", 2800),
        service("VAC-RABIES3", "Rabies Vaccine, 3 Year", 3600),
        service("VAC-DHPP", "DHPP Vaccine (Distemper/Parvo)", 3400),
        service("VAC-FVRCP", "FVRCP Vaccine (Feline Distemper)", 3200),
        service("VAC-BORD", "Bordetella Vaccine, Intranasal", 2900),
        service("VAC-LEPTO", "Leptospirosis Vaccine", 3100),
        service("VAC-FELV", "Feline Leukemia (FeLV) Vaccine", 3500),
        // Laboratory
        service("LAB-HWTEST", "Heartworm Antigen Test", 4800),
        service("LAB-FECAL", "Fecal Flotation", 3800),
        service("LAB-CBC", "Complete Blood Count (CBC)", 6500),
        service("LAB-CHEM", "Chemistry Panel, Comprehensive", 11_500),
        service("LAB-UA", "Urinalysis", 5800),
        service("LAB-CYTO", "Cytology, In-House", 5200),
        // Dental and surgery
        service("DENT-CLEAN", "Dental Cleaning & Polish (Anesthesia)", 42_500),
        service("DENT-EXTRACT", "Dental Extraction, per Tooth", 4500),
        service("SURG-SPAY-DOG", "Spay, Canine (up to 50 lb)", 45_000),
        service("SURG-NEUTER-DOG", "Neuter, Canine (up to 50 lb)", 36_000),
        service("SURG-SPAY-CAT", "Spay, Feline", 27_500),
        service("SURG-NEUTER-CAT", "Neuter, Feline", 18_500),
        // Procedures and grooming
        service("MICROCHIP", "Microchip Implant & Registration", 5500),
        service("NAIL-TRIM", "Nail Trim", 2200),
        service("ANAL-GLANDS", "Anal Gland Expression", 3000),
        service("EAR-CLEAN", "Ear Cleaning", 2800),
        // Imaging
        service("RAD-2VIEW", "Radiographs, 2 Views", 22_500),
        service("US-ABD", "Abdominal Ultrasound", 45_000),
        // Hospital care and end of life
        service("HOSP-DAY", "Hospitalization, per Day", 9500),
        service("IV-FLUIDS", "IV Fluid Therapy, per Day", 8500),
        service("EUTH", "Euthanasia", 14_500),

        // Retail, taxable
        product("DIET-KD-8LB", "Hill's Prescription Diet k/d 8.5 lb", 6299, barcode: "086573100217"),
        product("DIET-ID-CAN", "Hill's Prescription Diet i/d Canned 13 oz", 429, barcode: "086573101450"),
        product("DIET-CD-FEL", "Hill's Prescription Diet c/d Feline 8.5 lb", 6499, barcode: "086573102389"),
        product("DIET-RC-GI", "Royal Canin Gastrointestinal Low Fat 8.8 lb", 6799, barcode: "3760129045173"),
        product("DIET-RC-SO", "Royal Canin Urinary SO Feline 7.7 lb", 5999, barcode: "3760129046231"),
        product("SHAMPOO-OAT", "Oatmeal Soothing Shampoo 12 oz", 1699, barcode: "850037411023"),
        product("SHAMPOO-CHX", "Chlorhexidine Medicated Shampoo 8 oz", 2199, barcode: "850037411191"),
        product("EAR-CLEANSER", "Ear Cleansing Solution 4 oz", 1799, barcode: "850037412259"),
        product("ECOLLAR-M", "Recovery E-Collar, Medium", 1599, barcode: "627714200344"),
        product("LEASH-6FT", "Nylon Leash, 6 ft", 1299, barcode: "627714301560"),
        product("CHEWS-DENT-M", "Dental Hygiene Chews, Medium, 30 ct", 3499, barcode: "892415603071"),
        product("TOY-CHEW-M", "Rubber Chew Toy, Medium", 1399, barcode: "627714502707"),
        product("TREATS-LIVER", "Freeze-Dried Liver Treats 4 oz", 999, barcode: "850037422081"),

        // Pharmacy: packaged parasiticides carry barcodes, per-unit dispensing does not
        pharmacy("RX-APOQUEL16", "Apoquel 16 mg, per Tablet", 295),
        pharmacy("RX-CARPRO75", "Carprofen 75 mg, per Tablet", 125),
        pharmacy("RX-GABA100", "Gabapentin 100 mg, per Capsule", 65),
        pharmacy("RX-CEPH500", "Cephalexin 500 mg, per Capsule", 95),
        pharmacy("RX-METRO250", "Metronidazole 250 mg, per Tablet", 75),
        pharmacy("RX-PRED5", "Prednisone 5 mg, per Tablet", 35),
        pharmacy("RX-CLAV250", "Clavamox 250 mg, per Tablet", 195),
        pharmacy("RX-CERENIA24", "Cerenia 24 mg, per Tablet", 1250),
        pharmacy("RX-MELOX-ML", "Meloxicam Oral Suspension 1.5 mg/mL, per mL", 110),
        pharmacy("RX-HEARTGARD6", "Heartgard Plus 6-Pack, 26-50 lb", 6499, barcode: "073846200125"),
        pharmacy("RX-NEXGARD6", "NexGard 6-Pack, 24.1-60 lb", 14_999, barcode: "073846201283"),
        pharmacy("RX-SIMPTRIO6", "Simparica Trio 6-Pack, 22.1-44 lb", 18_999, barcode: "5018937002153"),
        pharmacy("RX-REVPLUS6", "Revolution Plus 6-Pack, Cat 5.6-11 lb", 14_999, barcode: "5018937003525"),
        pharmacy("RX-BRAVECTO", "Bravecto Chew 12-Week, 22-44 lb", 6999, barcode: "4076218004563"),

        // Fees: disposal is taxable, professional fees are not
        fee("FEE-WASTE", "Biohazard / Medical Waste Fee", 450, taxCategory: "FEE"),
        fee("FEE-AFTERHRS", "After-Hours Emergency Fee", 12_500),
        fee("FEE-CREM-PRIV", "Cremation, Private (Ashes Returned)", 22_500),
        fee("FEE-CREM-COMM", "Cremation, Communal", 9500),
        fee("FEE-RECORDS", "Medical Records Transfer Fee", 1500),
    ]

    static let employees: [(employee: Employee, pin: String)] = [
        (Employee(id: "E01", name: "Maria Delgado", role: .manager), "1111"),
        (Employee(id: "E02", name: "Jasmine Carter", role: .csr), "2222"),
        (Employee(id: "E03", name: "Tyler Nguyen", role: .csr), "3333"),
        (Employee(id: "E04", name: "Brianna Walsh", role: .technician), "4444"),
        (Employee(id: "E05", name: "Dr. Samuel Okafor", role: .veterinarian), "5555"),
        (Employee(id: "E06", name: "Dr. Emily Hartman", role: .veterinarian), "6666"),
        (Employee(id: "E07", name: "Linda Morales", role: .bookkeeper), "7777"),
        (Employee(id: "E08", name: "David Kowalski", role: .manager), "8888"),
    ]

    static let clients: [(client: Client, patients: [Patient])] = [
        household(
            Client(id: "C001", name: "Jennifer Martinez", phone: "(555) 010-4821", email: "jen.martinez@example.com"),
            [("P001", "Bella", canine), ("P002", "Max", canine)]
        ),
        household(
            Client(id: "C002", name: "Michael Thompson", phone: "(555) 011-3907", email: "mthompson@example.net"),
            [("P003", "Cooper", canine), ("P004", "Luna", feline)]
        ),
        household(
            Client(id: "C003", name: "Priya Patel", phone: "(555) 012-6654", email: "priya.patel@example.com"),
            [("P005", "Mochi", feline), ("P006", "Simba", feline), ("P007", "Cleo", feline)]
        ),
        household(
            Client(
                id: "C004",
                name: "Jasmine Carter",
                phone: "(555) 013-2290",
                email: "jasmine.carter@example.com",
                isStaff: true
            ),
            [("P008", "Biscuit", canine)]
        ),
        household(
            Client(
                id: "C005",
                name: "Second Chance Rescue",
                phone: "(555) 014-7700",
                email: "intake@secondchancerescue.example.org",
                isShelter: true
            ),
            [("P009", "Rosie", canine), ("P010", "Ziggy", feline), ("P011", "Pepper", canine)]
        ),
        household(
            Client(
                id: "C006",
                name: "Robert Williams",
                phone: "(555) 015-1184",
                email: "rwilliams@example.com",
                creditApproved: true,
                creditLimit: .cents(500_000)
            ),
            [("P012", "Duke", canine), ("P013", "Sadie", canine)]
        ),
        household(
            Client(
                id: "C007",
                name: "Angela Johnson",
                phone: "(555) 016-5532",
                email: "angela.johnson@example.org",
                creditApproved: true,
                creditLimit: .cents(100_000)
            ),
            [("P014", "Oliver", feline)]
        ),
        household(
            Client(id: "C008", name: "Daniel Kim", phone: "(555) 017-8045", email: "daniel.kim@example.com"),
            [("P015", "Charlie", canine)]
        ),
        household(
            Client(id: "C009", name: "Sofia Rossi", phone: "(555) 018-2763", email: "sofia.rossi@example.net"),
            [("P016", "Nala", feline), ("P017", "Leo", feline)]
        ),
        household(
            Client(id: "C010", name: "James O'Brien", phone: "(555) 019-4410", email: "jim.obrien@example.com"),
            [("P018", "Bailey", canine)]
        ),
        household(
            Client(id: "C011", name: "Aisha Mohammed", phone: "(555) 010-9372", email: "aisha.m@example.org"),
            [("P019", "Thumper", "Rabbit")]
        ),
        household(
            Client(id: "C012", name: "Kevin Tran", phone: "(555) 011-6128", email: "kevin.tran@example.com"),
            [("P020", "Gizmo", "Ferret")]
        ),
        household(
            Client(id: "C013", name: "Emily Schwartz", phone: "(555) 012-0587", email: "eschwartz@example.net"),
            [("P021", "Kiwi", "Bird"), ("P022", "Daisy", canine)]
        ),
        household(
            Client(id: "C014", name: "Marcus Washington", phone: "(555) 013-7451", email: "marcus.w@example.com"),
            [("P023", "Tank", canine)]
        ),
        household(
            Client(id: "C015", name: "Hannah Lee", phone: "(555) 014-3369", email: "hannah.lee@example.com"),
            [("P024", "Milo", feline)]
        ),
        household(
            Client(id: "C016", name: "Carlos Hernandez", phone: "(555) 015-8820", email: "chernandez@example.org"),
            [("P025", "Rocky", canine), ("P026", "Lola", canine)]
        ),
        household(
            Client(id: "C017", name: "Rachel Goldberg", phone: "(555) 016-2094", email: "rachel.g@example.com"),
            [("P027", "Penny", canine)]
        ),
        household(
            Client(id: "C018", name: "Brian Murphy", phone: "(555) 017-6603", email: "brian.murphy@example.net"),
            [("P028", "Zeus", canine)]
        ),
        household(
            Client(id: "C019", name: "Mei Chen", phone: "(555) 018-5176", email: "mei.chen@example.com"),
            [("P029", "Tofu", feline), ("P030", "Dumpling", feline)]
        ),
        household(
            Client(id: "C020", name: "Tyrone Jackson", phone: "(555) 019-0238", email: "tjackson@example.com"),
            [("P031", "Bear", canine)]
        ),
        household(
            Client(id: "C021", name: "Olivia Bennett", phone: "(555) 010-7719", email: "olivia.bennett@example.org"),
            [("P032", "Willow", feline)]
        ),
        household(
            Client(id: "C022", name: "Ahmed Hassan", phone: "(555) 011-4482", email: "ahmed.hassan@example.com"),
            [("P033", "Shadow", feline)]
        ),
        household(
            Client(id: "C023", name: "Katherine Novak", phone: "(555) 012-9954", email: "kate.novak@example.net"),
            [("P034", "Winston", canine)]
        ),
        household(
            Client(id: "C024", name: "Luis Ramirez", phone: "(555) 013-0861", email: "luis.ramirez@example.com"),
            [("P035", "Coco", canine), ("P036", "Chico", canine), ("P037", "Paco", feline)]
        ),
        household(
            Client(id: "C025", name: "Grace Yamamoto", phone: "(555) 014-5527", email: "grace.yamamoto@example.org"),
            [("P038", "Sushi", feline)]
        ),
        household(
            Client(id: "C026", name: "Patrick Sullivan", phone: "(555) 015-3340", email: "psullivan@example.com"),
            [("P039", "Murphy", canine)]
        ),
        household(
            Client(id: "C027", name: "Fatima Ali", phone: "(555) 016-9015", email: "fatima.ali@example.net"),
            [("P040", "Jasmine", feline)]
        ),
        household(
            Client(id: "C028", name: "Steven Miller", phone: "(555) 017-1276", email: "steve.miller@example.com"),
            [("P041", "Buddy", canine)]
        ),
        household(
            Client(id: "C029", name: "Natalie Dubois", phone: "(555) 018-8392", email: "natalie.dubois@example.org"),
            [("P042", "Chloe", feline), ("P043", "Gus", canine)]
        ),
        household(
            Client(id: "C030", name: "Andre Robinson", phone: "(555) 019-6647", email: "andre.robinson@example.com"),
            [("P044", "Remy", canine)]
        ),
        household(
            Client(id: "C031", name: "Megan Fitzgerald", phone: "(555) 010-2519", email: "megan.fitz@example.net"),
            [("P045", "Hazel", canine)]
        ),
        household(
            Client(id: "C032", name: "Vikram Singh", phone: "(555) 011-8733", email: "vikram.singh@example.com"),
            [("P046", "Tiger", feline)]
        ),
        household(
            Client(id: "C033", name: "Laura Andersen", phone: "(555) 012-4106", email: "laura.andersen@example.org"),
            [("P047", "Pumpkin", feline)]
        ),
        household(
            Client(id: "C034", name: "Jose Gutierrez", phone: "(555) 013-6958", email: "jose.gutierrez@example.com"),
            [("P048", "Rex", canine)]
        ),
        household(
            Client(id: "C035", name: "Samantha Brooks", phone: "(555) 014-0374", email: "sam.brooks@example.net"),
            [("P049", "Ellie", canine), ("P050", "Finn", canine)]
        ),
        household(
            Client(id: "C036", name: "Linh Nguyen", phone: "(555) 015-7285", email: "linh.nguyen@example.com"),
            [("P051", "Mango", feline)]
        ),
        household(
            Client(id: "C037", name: "Christopher Davis", phone: "(555) 016-4960", email: "chris.davis@example.org"),
            [("P052", "Ranger", canine)]
        ),
        household(
            Client(id: "C038", name: "Yolanda Price", phone: "(555) 017-3821", email: "yolanda.price@example.com"),
            [("P053", "Smokey", feline), ("P054", "Whiskers", feline)]
        ),
        household(
            Client(id: "C039", name: "Ethan Park", phone: "(555) 018-1057", email: "ethan.park@example.net"),
            [("P055", "Koda", canine)]
        ),
        household(
            Client(id: "C040", name: "Maya Goldstein", phone: "(555) 019-9412", email: "maya.goldstein@example.com"),
            [("P056", "Ruby", canine)]
        ),
    ]

    static let coupons: [Coupon] = [
        Coupon(
            code: "NEWCLIENT10",
            description: "New client welcome: 10% off the first visit",
            percent: Percent(basisPoints: 1000),
            scope: "all",
            expiresOn: "2099-12-31",
            singleUse: false
        ),
        Coupon(
            code: "DENTAL20",
            description: "Pet Dental Health Month: 20% off services",
            percent: Percent(basisPoints: 2000),
            scope: "service",
            expiresOn: "2099-12-31",
            singleUse: false
        ),
        Coupon(
            code: "SPRING15OFF",
            description: "Spring mailer: $15.00 off, one use",
            amount: .cents(1500),
            scope: "all",
            expiresOn: "2099-12-31",
            singleUse: true
        ),
        Coupon(
            code: "EXPIRED5",
            description: "Winter 2020 mailer: $5.00 off",
            amount: .cents(500),
            scope: "all",
            expiresOn: "2020-01-31",
            singleUse: false
        ),
    ]

    // MARK: - Builders

    private static let canine = "Canine"
    private static let feline = "Feline"

    private static func service(_ code: String, _ name: String, _ cents: Int64) -> CatalogItem {
        CatalogItem(code: code, name: name, kind: .service, unitPrice: .cents(cents), taxCategory: "EXEMPT")
    }

    private static func product(_ code: String, _ name: String, _ cents: Int64, barcode: String) -> CatalogItem {
        CatalogItem(
            code: code,
            name: name,
            kind: .product,
            unitPrice: .cents(cents),
            taxCategory: "RETAIL",
            barcode: barcode
        )
    }

    private static func pharmacy(
        _ code: String,
        _ name: String,
        _ cents: Int64,
        barcode: String? = nil
    ) -> CatalogItem {
        CatalogItem(
            code: code,
            name: name,
            kind: .pharmacy,
            unitPrice: .cents(cents),
            taxCategory: "RX",
            barcode: barcode
        )
    }

    private static func fee(
        _ code: String,
        _ name: String,
        _ cents: Int64,
        taxCategory: String = "EXEMPT"
    ) -> CatalogItem {
        CatalogItem(code: code, name: name, kind: .fee, unitPrice: .cents(cents), taxCategory: taxCategory)
    }

    /// A client and their pets; each pet's `clientId` is taken from the client so the two cannot disagree.
    private static func household(
        _ client: Client,
        _ pets: [(id: String, name: String, species: String)]
    ) -> (client: Client, patients: [Patient]) {
        (client, pets.map { Patient(id: $0.id, clientId: client.id, name: $0.name, species: $0.species) })
    }
}
