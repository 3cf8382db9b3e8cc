import Foundation
import POSCore
import POSReceipts
import POSReports
import POSTestSupport
import Testing

/// Bellevue Animal Clinic's Friday 2025-03-14: one two-pet visit priced by the real pricing rules, paid by cash and
/// card, and the drawer and deposit paperwork of the same day.
enum ReceiptFixtures {
    static let calendar = try! BusinessCalendar(timeZoneIdentifier: "America/Chicago")
    static let day = BusinessDate("2025-03-14")!
    static func at(_ hour: Int, _ minute: Int) -> Int64 { calendar.millis(of: day, hour: hour, minute: minute) }

    static func settings(columns: Int) -> ReceiptSettings {
        ReceiptSettings(
            addressLines: ["1200 Elm Street", "Springfield, IL 62704"],
            phone: "(217) 555-0142",
            footer: ["Thank you for caring for your pets!", "Returns of unopened food within 30 days."],
            columns: columns
        )
    }

    static func renderer(columns: Int) throws -> ReceiptRenderer {
        try ReceiptRenderer(
            settings: settings(columns: columns),
            clinicName: "Bellevue Animal Clinic",
            calendar: calendar
        )
    }

    static let items = Dictionary(uniqueKeysWithValues: TestClinic.catalog.map { ($0.code, $0) })
    /// A product whose name is longer than any receipt line, so it must wrap.
    static let longFood = CatalogItem(
        code: "KD-LONG",
        name: "Hill's Prescription Diet k/d Kidney Care Chicken Flavor Dry Dog Food 8.5 lb bag",
        kind: .product,
        unitPrice: .cents(71_99),
        taxCategory: "RETAIL"
    )

    static let pets = [
        InvoiceView.Pet(patient: "REX", name: "Rex", species: "Canine", total: .zero),
        InvoiceView.Pet(patient: "MIA", name: "Mia", species: "Feline", total: .zero),
    ]

    /// Rex: exam, rabies, two bags of the long-named food. Mia: exam, meloxicam 2.5 mL, a rope toy. A 10 % multiple-pet
    /// discount on services and a $5.00 coupon on everything; retail items taxed.
    static func pricedVisit() throws -> PricedInvoice {
        func line(_ item: CatalogItem, _ quantity: String, _ pet: String) -> LineInput {
            LineInput(patientId: pet, item: item, quantity: Quantity(parsing: quantity)!, providerId: "VET")
        }
        return try Pricing.price(
            lines: [
                line(items["EXAM"]!, "1", "REX"),
                line(items["RABIES"]!, "1", "REX"),
                line(longFood, "2", "REX"),
                line(items["EXAM"]!, "1", "MIA"),
                line(items["SUSP"]!, "2.5", "MIA"),
                line(items["TOY"]!, "1", "MIA"),
            ],
            discounts: [
                DiscountSpec(
                    discountClass: .multiplePets,
                    method: .percent(Percent(basisPoints: 10_00)),
                    target: .invoice(.kind(.service))
                ),
                DiscountSpec(
                    discountClass: .coupon,
                    method: .amount(.cents(5_00)),
                    target: .invoice(.all),
                    couponCode: "ONCE5"
                ),
            ],
            taxRatePPM: InvoiceGenerator.taxRate
        )
    }

    /// The visit as the store shows it once posted, with its payments.
    static func invoice(
        status: InvoiceView.Status = .posted,
        payments: [InvoiceView.Payment]? = nil
    ) throws
        -> InvoiceView
    {
        let priced = try pricedVisit()
        let lines = priced.lines.map { line in
            InvoiceView.Line(
                line: line.lineNumber,
                patient: line.input.patientId,
                item: line.input.item.code,
                description: line.input.item.name,
                kind: line.input.item.kind,
                quantity: line.input.quantity,
                unitPrice: line.input.item.unitPrice,
                extended: line.extended,
                discount: line.discount,
                tax: line.tax,
                total: line.total,
                provider: line.input.providerId
            )
        }
        let discounts = priced.discounts.map { discount in
            let method =
                switch discount.spec.method {
                case .percent(let percent): percent.description
                case .amount(let amount): amount.description
                }
            return InvoiceView.Discount(
                discountClass: discount.spec.discountClass,
                target: discount.spec.target.description,
                method: method,
                amount: discount.amount,
                coupon: discount.spec.couponCode,
                appliedBy: "CSR",
                approvedBy: nil,
                reason: nil
            )
        }
        let pets = pets.map { pet in
            var pet = pet
            pet.total = lines.filter { $0.patient == pet.patient }.map(\.total).sum()
            return pet
        }
        return InvoiceView(
            number: 10427,
            client: "OWNER",
            clientName: "Zoë Martínez",
            status: status,
            terminal: "FRONT-1",
            openedBy: "CSR",
            openedAt: at(9, 58),
            postedAt: status == .open ? nil : at(10, 42),
            businessDate: day,
            lines: lines,
            pets: pets,
            discounts: discounts,
            payments: try payments ?? splitTender(due: priced.total),
            voidReason: nil
        )
    }

    /// $80.00 of the total in cash from a $100 bill ($20.00 change), the rest on a Visa.
    static func splitTender(due: Money) throws -> [InvoiceView.Payment] {
        let card = CardDetails(brand: .visa, last4: "4242", authCode: "A1B2C3", terminalId: "T1")
        let result = try Tendering.apply(
            [
                PaymentInput(tender: .credit, amount: due - .cents(80_00), card: card),
                PaymentInput(tender: .cash, amount: .cents(100_00)),
            ],
            due: due,
            client: TestClinic.clients[0].client,
            accountBalance: .zero
        )
        return result.payments.enumerated().map { index, draft in
            InvoiceView.Payment(
                number: 5501 + Int64(index),
                kind: .payment,
                tender: draft.tender,
                amount: draft.amount,
                tendered: draft.tendered,
                change: draft.change,
                checkNumber: draft.check?.number,
                cardBrand: draft.card?.brand,
                cardLast4: draft.card?.last4,
                authCode: draft.card?.authCode,
                reverses: nil,
                reason: nil,
                employee: "CSR",
                at: at(10, 42)
            )
        }
    }

    /// $15.58 back to the Visa that paid.
    static let cardRefund = InvoiceView.Payment(
        number: 5530,
        kind: .refund,
        tender: .credit,
        amount: -.cents(15_58),
        tendered: -.cents(15_58),
        change: .zero,
        checkNumber: nil,
        cardBrand: .visa,
        cardLast4: "4242",
        authCode: "R9Z8Y7",
        reverses: 5501,
        reason: "Unopened toy and one bag returned",
        employee: "MGR",
        at: at(16, 5)
    )

    static let accountPayment = AccountPayment(
        payment: PaymentRecord(
            number: 5540,
            invoice: nil,
            client: "CREDIT",
            kind: .payment,
            tender: .check,
            amount: .cents(120_00),
            tendered: .cents(120_00),
            change: .zero,
            check: CheckDetails(number: "3307", bank: "First Bank", payer: "Carl Credit", idNumber: "DL-4411"),
            card: nil,
            reverses: nil,
            reason: nil,
            approvedBy: nil,
            employee: "CSR",
            terminal: "FRONT-1",
            atMillis: at(11, 15),
            businessDate: day
        ),
        clientName: "Carl Credit",
        balanceBefore: .cents(245_30)
    )

    static let denominations = Denomination.usd

    /// FRONT-1's session: opened with $150, one split-tender sale, a check on account, a paid-out for postage, a
    /// handover, and the close count $0.50 short.
    static func drawerReport(kind: DrawerReport.Kind, blind: Bool) -> DrawerReport {
        let opening = CashCount(["20": 5, "10": 3, "5": 3, "1": 5])
        let closing = CashCount(["20": 8, "10": 3, "5": 3, "1": 10, "0.25": 8, "0.10": 1])
        var events = [
            DrawerEvent(sequence: 1, kind: .open, count: opening, employee: "CSR", atMillis: at(8, 0)),
            DrawerEvent(
                sequence: 2,
                kind: .paidOut,
                amount: -.cents(12_40),
                reason: "Postage for lab samples",
                employee: "CSR",
                atMillis: at(11, 30)
            ),
            DrawerEvent(sequence: 3, kind: .noSale, reason: "Change for a $50", employee: "CSR", atMillis: at(12, 10)),
        ]
        if kind == .z {
            events.append(
                DrawerEvent(sequence: 4, kind: .closeCount, count: closing, employee: "CSR", atMillis: at(18, 2))
            )
        }
        let payments = [
            DrawerPayment(
                number: 5502,
                kind: .payment,
                tender: .cash,
                amount: .cents(80_00),
                tendered: .cents(100_00),
                change: .cents(20_00),
                checkNumber: nil,
                reverses: nil,
                afterEvent: 1
            ),
            DrawerPayment(
                number: 5540,
                kind: .payment,
                tender: .check,
                amount: .cents(120_00),
                tendered: .cents(120_00),
                change: .zero,
                checkNumber: "3307",
                reverses: nil,
                afterEvent: 1
            ),
        ]
        let figures = DrawerLedger.figures(events: events, payments: payments, denominations: denominations)
        let counts = DrawerLedger.countResults(events: events, payments: payments, denominations: denominations)
        return DrawerReport(
            kind: kind,
            clinic: "Bellevue Animal Clinic",
            drawer: "FRONT-1",
            session: 41,
            zNumber: kind == .z ? 212 : nil,
            state: kind == .z ? .closed : .open,
            openedBy: "CSR",
            openedAt: at(8, 0),
            closedBy: kind == .z ? "CSR" : nil,
            closedAt: kind == .z ? at(18, 5) : nil,
            openingCount: opening,
            previousFloat: opening,
            events: events,
            // As the store builds it: a blind report leaves the cash out entirely.
            tenders: [
                DrawerReport.TenderTotal(tender: .cash, count: 1, net: .cents(80_00)),
                DrawerReport.TenderTotal(tender: .check, count: 1, net: .cents(120_00)),
                DrawerReport.TenderTotal(tender: .credit, count: 1, net: .cents(98_08)),
            ].filter { !blind || $0.tender != .cash },
            figures: blind ? nil : figures,
            counts: kind == .z ? counts : nil,
            expectedChecks: DrawerLedger.expectedChecks(payments),
            checksCounted: kind == .z ? ["3307"] : nil,
            cardBatches: [
                DrawerReport.CardBatch(terminal: "T1", recorded: .cents(98_08), slip: kind == .z ? .cents(98_08) : nil)
            ],
            floatKept: kind == .z ? CashCount(["20": 5, "10": 3, "5": 3, "1": 5]) : nil,
            deposit: kind == .z ? CashCount(["20": 3, "1": 5, "0.25": 8, "0.10": 1]) : nil,
            closeNote: kind == .z ? "Short $0.50; quarters jammed in the tray" : nil,
            approvedBy: kind == .z ? "MGR" : nil,
            laterAdjustments: [],
            denominations: denominations
        )
    }

    static let depositSlip = DepositSlip(
        id: "D-20250314-01",
        businessDate: day,
        clinic: "Bellevue Animal Clinic",
        preparedAt: at(18, 20),
        preparedBy: "MGR",
        terminal: "OFFICE",
        note: "Night drop bag 7781",
        sessions: [
            DepositSlip.Session(
                id: 41,
                drawer: "FRONT-1",
                zNumber: 212,
                closedAt: at(18, 5),
                closedBy: "CSR",
                cash: .cents(67_10),
                checks: 1
            )
        ],
        cash: [
            DepositSlip.CashLine(
                denomination: "20",
                name: "$20 bills",
                form: .bill,
                quantity: 3,
                amount: .cents(60_00)
            ),
            DepositSlip.CashLine(denomination: "1", name: "$1 bills", form: .bill, quantity: 5, amount: .cents(5_00)),
            DepositSlip.CashLine(
                denomination: "0.25",
                name: "quarters",
                form: .coin,
                quantity: 8,
                amount: .cents(2_00)
            ),
            DepositSlip.CashLine(denomination: "0.10", name: "dimes", form: .coin, quantity: 1, amount: .cents(10)),
        ],
        checks: [
            DepositSlip.Check(
                number: "3307",
                payer: "Carl Credit",
                bank: "First Bank",
                amount: .cents(120_00),
                payment: 5540,
                invoice: nil,
                session: 41
            )
        ],
        exceptions: [
            DepositSlip.Exception(kind: .unexpected, drawer: "FRONT-1", session: 41, checkNumber: "0912", check: nil)
        ]
    )
}

/// Golden files live in `Fixtures/`; `VETPOS_UPDATE_GOLDEN=1 swift test` rewrites them from the current output.
enum Golden {
    static func expect(
        _ rendered: String,
        matches name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        if ProcessInfo.processInfo.environment["VETPOS_UPDATE_GOLDEN"] == "1" {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
            try Data(rendered.utf8).write(to: folder.appendingPathComponent(name))
            return
        }
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "missing golden file Fixtures/\(name)",
            sourceLocation: sourceLocation
        )
        let golden = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(rendered == golden, "differs from Fixtures/\(name)", sourceLocation: sourceLocation)
    }
}
