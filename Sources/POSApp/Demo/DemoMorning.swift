import Foundation
import POSCore
import POSReports
import POSServices
import POSStorage

extension DemoData {
    static let timeZone = "America/Chicago"
}

/// A morning at Riverside's front desk, run through the real domain and storage code: every discount class, every
/// tender, a split tender, an invoice opened at check-in and finished at checkout, a later payment, a refund and a void.
final class DemoMorning {
    let store: Store
    let clock: DemoClock
    let calendar: BusinessCalendar
    private var staff: [String: Operator] = [:]
    private var sequence = 0
    /// The morning float: small bills and coins, as left by last night's close.
    let drawer = DemoDrawer(
        CashCount(["20": 2, "10": 4, "5": 6, "1": 22, "roll-0.25": 1, "0.25": 20, "0.10": 20, "0.05": 10, "0.01": 50])
    )
    private var cashCounted: Set<Int64> = []

    init(store: Store, clock: DemoClock, calendar: BusinessCalendar) {
        self.store = store
        self.clock = clock
        self.calendar = calendar
    }

    // safe: the demo's own constants
    func pin(_ id: String) -> String { DemoData.employees.first { $0.employee.id == id }!.pin }

    func nextID(_ label: String) -> String {
        sequence += 1
        return "demo-\(label)-\(sequence)"
    }

    func run() async throws {
        try await setUp()
        try await checkouts()
        try await afternoonAndClose()
    }

    func setUp() async throws {
        // safe: the demo's own constants
        let manager = DemoData.employees.first { $0.employee.role == .manager }!
        _ = try await store.setup(
            policy: ClinicPolicy(clinicName: DemoData.clinicName, timeZone: DemoData.timeZone),
            taxCategories: DemoData.taxCategories,
            manager: manager.employee,
            pin: manager.pin,
            terminal: "OFFICE"
        )
        let office = try await store.signIn(employee: manager.employee.id, pin: manager.pin, terminal: "OFFICE")
        for (employee, pin) in DemoData.employees where employee.id != manager.employee.id {
            _ = try await store.addEmployee(employee, pin: pin, commandID: nextID("employee"), by: office)
        }
        let imported = try await store.importCatalog(DemoData.catalog, commandID: nextID("catalog"), by: office)
        for (client, patients) in DemoData.clients {
            _ = try await store.saveClient(client, patients: patients, commandID: nextID("client"), by: office)
        }
        for coupon in DemoData.coupons {
            _ = try await store.addCoupon(coupon, commandID: nextID("coupon"), by: office)
        }
        print(
            "\(DemoData.clinicName): set up \(DemoData.employees.count) staff, \(imported.added) catalog items, "
                + "\(DemoData.clients.count) clients with \(DemoData.clients.map(\.patients.count).reduce(0, +)) pets, "
                + "\(DemoData.coupons.count) coupons."
        )
        print("")
        for (employee, pin) in DemoData.employees where employee.role != .bookkeeper {
            staff[employee.id] = try await store.signIn(employee: employee.id, pin: pin, terminal: "FRONT-1")
        }
        let opened = try await store.openDrawer(count: drawer.contents, commandID: nextID("drawer-open"), by: who(.csr))
        print(
            "\(calendar.timeOfDay(atMillis: clock.now))  Drawer FRONT-1 opened by \(opened.openedBy) with a counted float of "
                + opened.openingCount.total(Denomination.usd).formatted
        )
    }

    func who(_ role: Role, _ index: Int = 0) -> Operator {
        staff.values.filter { $0.employee.role == role }.sorted { $0.employee.id < $1.employee.id }[index]
    }

    // safe: the demo's own constants
    func patients(of client: String) -> [Patient] { DemoData.clients.first { $0.client.id == client }!.patients }

    func approval(_ reason: String) -> ApprovalRequest {
        let manager = who(.manager).employee.id
        return ApprovalRequest(employee: manager, pin: pin(manager), reason: reason)
    }

    // safe: the demo's own constants
    func cash(_ amount: String) -> PaymentInput { PaymentInput(tender: .cash, amount: Money(parsing: amount)!) }

    func card(_ tender: Tender, _ amount: Money, _ brand: CardBrand, _ last4: String, _ auth: String) -> PaymentInput {
        PaymentInput(
            tender: tender,
            amount: amount,
            card: CardDetails(brand: brand, last4: last4, authCode: auth, terminalId: "PAX-A920-1")
        )
    }

    /// Prints one line per checkout, as the desk would see it on the screen.
    func show(_ view: InvoiceView, note: String) {
        for payment in view.payments where payment.tender == .cash && !cashCounted.contains(payment.number) {
            cashCounted.insert(payment.number)
            drawer.receive(payment.tendered)
            _ = drawer.take(payment.change)
        }
        let time = calendar.timeOfDay(atMillis: view.postedAt ?? view.openedAt)
        let pets = view.pets.map { "\($0.name)" }.joined(separator: " & ")
        let tenders = view.payments.map { payment in
            payment.change.isPositive
                ? "\(payment.tender.rawValue) \(payment.tendered.formatted) (change \(payment.change.formatted))"
                : "\(payment.tender.rawValue) \(payment.amount.formatted)"
        }.joined(separator: " + ")
        let paid = tenders.isEmpty ? "unpaid" : tenders
        print(
            "\(time)  #\(view.number)  \(view.clientName) — \(pets) — total \(view.total.formatted)"
                + (view.discountTotal.isPositive ? " after \(view.discountTotal.formatted) off" : "")
                + " — \(paid) — \(view.status.rawValue)"
                + (note.isEmpty ? "" : "  [\(note)]")
        )
    }

    /// Rings a visit: lines for the client's pets, then discounts and payments computed from the priced total.
    func visit(
        _ client: String,
        by clerk: Operator,
        minutes: Int64,
        lines: [(pet: Int, item: String, quantity: String, provider: String)],
        discounts: [DiscountRequest] = [],
        note: String,
        pay: (Money) -> [PaymentInput]
    ) async throws -> InvoiceView {
        clock.advance(minutes: minutes)
        let pets = patients(of: client)
        let requestLines = lines.map {
            LineRequest(
                patient: pets[$0.pet].id,
                item: $0.item,
                // safe: the demo's own constants
                quantity: Quantity(parsing: $0.quantity)!,
                provider: $0.provider
            )
        }
        // The desk reviews the priced invoice with the client before taking payment: price it first with an open
        // invoice, then check out that invoice.
        let open = try await store.openInvoice(
            client: client,
            lines: requestLines,
            commandID: nextID("open"),
            by: clerk
        )
        let preview = try await priced(open, discounts: discounts, client: client)
        let request = CheckoutRequest(
            id: nextID("checkout"),
            client: client,
            invoice: open.number,
            lines: [],
            discounts: discounts,
            payments: pay(preview)
        )
        let view = try await store.checkout(request, by: clerk)
        show(view, note: note)
        return view
    }

    /// What the open invoice will come to with these discounts, priced by the same rules checkout uses.
    func priced(_ open: InvoiceView, discounts: [DiscountRequest], client: String) async throws -> Money {
        let catalog = Dictionary(uniqueKeysWithValues: try await store.catalog().map { ($0.code, $0) })
        let rates = Dictionary(uniqueKeysWithValues: try await store.taxCategories().map { ($0.code, $0.ratePPM) })
        let coupons = Dictionary(uniqueKeysWithValues: try await store.coupons().map { ($0.code, $0) })
        let lines = open.lines.map {
            // safe: the demo's own constants
            LineInput(patientId: $0.patient, item: catalog[$0.item]!, quantity: $0.quantity, providerId: $0.provider)
        }
        let specs = discounts.map { discount -> DiscountSpec in
            if let code = discount.couponCode, let coupon = coupons[code] {
                return DiscountSpec(
                    discountClass: .coupon,
                    // safe: the demo's own constants
                    method: coupon.method!,
                    // safe: the demo's own constants
                    target: discount.target ?? .invoice(DiscountScope(text: coupon.scope)!),
                    couponCode: code
                )
            }
            return DiscountSpec(
                discountClass: discount.discountClass,
                method: discount.method ?? .percent(Percent(basisPoints: 10_000)),
                target: discount.target ?? .invoice(.all)
            )
        }
        return try Pricing.price(lines: lines, discounts: specs) { rates[$0] }.total
    }

    func checkouts() async throws {
        let csr = who(.csr)
        let csr2 = who(.csr, 1)
        let tech = who(.technician).employee.id
        let vet = who(.veterinarian).employee.id
        let vet2 = who(.veterinarian, 1).employee.id
        let manager = who(.manager)

        // Cash with change: a wellness visit paid with a $100 bill... or two.
        _ = try await visit(
            "C010",
            by: csr,
            minutes: 35,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "VAC-RABIES1", "1", tech), (0, "VAC-DHPP", "1", tech)],
            note: "cash, change given"
        ) { total in
            [cash(total > Money.cents(100_00) ? "200.00" : "100.00")]
        }
        // Two dogs of one owner: multiple-pets discount on services; split tender, cash then card.
        _ = try await visit(
            "C001",
            by: csr,
            minutes: 20,
            lines: [
                (0, "EXAM-WELL", "1", vet), (1, "EXAM-WELL", "1", vet), (0, "LAB-HWTEST", "1", tech),
                (1, "LAB-HWTEST", "1", tech), (0, "RX-HEARTGARD6", "1", vet), (1, "RX-HEARTGARD6", "1", vet),
            ],
            discounts: [
                DiscountRequest(
                    discountClass: .multiplePets,
                    method: .percent(Percent(basisPoints: 10_00)),
                    target: .invoice(.kind(.service))
                )
            ],
            note: "multiple pets, split cash + card"
        ) { total in
            [cash("60.00"), card(.credit, total - Money.cents(60_00), .visa, "4242", "A7F3K2")]
        }
        // Debit card, pharmacy by the tablet.
        _ = try await visit(
            "C021",
            by: csr2,
            minutes: 15,
            lines: [(0, "EXAM-SICK", "1", vet2), (0, "RX-APOQUEL16", "30", vet2)],
            note: "debit, 30 tablets"
        ) { total in
            [card(.debit, total, .mastercard, "5100", "D09381")]
        }
        // Check with the payer's driver's license number.
        _ = try await visit(
            "C012",
            by: csr,
            minutes: 12,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "NAIL-TRIM", "1", tech), (0, "DIET-KD-8LB", "2", tech)],
            note: "check with ID"
        ) { total in
            [
                PaymentInput(
                    tender: .check,
                    amount: total,
                    check: CheckDetails(
                        number: "1047",
                        bank: "First Riverside Bank",
                        payer: "Grace Kim",
                        idNumber: "TX-21948573"
                    )
                )
            ]
        }
        // Staff account: 20 % employee discount, above a CSR's ceiling, approved by the manager.
        _ = try await visit(
            "C004",
            by: csr2,
            minutes: 10,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "VAC-RABIES1", "1", tech), (0, "DIET-KD-8LB", "1", tech)],
            discounts: [
                DiscountRequest(
                    discountClass: .employee,
                    method: .percent(Percent(basisPoints: 20_00)),
                    approval: approval("Staff benefit: 20% on own pets")
                )
            ],
            note: "employee discount, manager approved"
        ) { total in [card(.credit, total, .amex, "1009", "X44Q21")] }
        // Shelter: three rescues' vaccines, 15 % rung by the veterinarian (within a vet's ceiling).
        _ = try await visit(
            "C005",
            by: who(.veterinarian),
            minutes: 18,
            lines: [
                (0, "VAC-DHPP", "1", tech), (1, "VAC-DHPP", "1", tech), (2, "VAC-RABIES1", "1", tech),
                (2, "EXAM-WELL", "1", vet),
            ],
            discounts: [DiscountRequest(discountClass: .shelter, method: .percent(Percent(basisPoints: 15_00)))],
            note: "shelter discount, billed to the shelter"
        ) { _ in [] }
        // Approved credit account: charged in full.
        _ = try await visit(
            "C006",
            by: csr,
            minutes: 9,
            lines: [(0, "EXAM-SICK", "1", vet2), (0, "LAB-HWTEST", "1", tech)],
            note: "charged to account"
        ) { total in
            [PaymentInput(tender: .account, amount: total)]
        }
        // New client coupon on a puppy's first visit; debit.
        _ = try await visit(
            "C013",
            by: csr2,
            minutes: 14,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "VAC-DHPP", "1", tech), (0, "LAB-HWTEST", "1", tech)],
            discounts: [DiscountRequest(discountClass: .coupon, couponCode: "NEWCLIENT10")],
            note: "coupon NEWCLIENT10"
        ) { total in [card(.debit, total, .visa, "7731", "D55120")] }
        // A recheck exam given free by the doctor (complimentary exam), medicine paid in cash.
        _ = try await visit(
            "C014",
            by: who(.veterinarian, 1),
            minutes: 11,
            lines: [(0, "EXAM-RECHECK", "1", vet2), (0, "RX-APOQUEL16", "14", vet2)],
            discounts: [DiscountRequest(discountClass: .complimentaryExam, target: .line(1))],
            note: "complimentary recheck exam"
        ) { _ in [cash("60.00")] }
        // A dental visit financed with CareCredit, with the single-use spring coupon.
        _ = try await visit(
            "C015",
            by: csr,
            minutes: 25,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "DENT-CLEAN", "1", vet), (0, "LAB-CHEM", "1", tech)],
            discounts: [DiscountRequest(discountClass: .coupon, couponCode: "SPRING15OFF")],
            note: "CareCredit, single-use coupon"
        ) { total in [card(.careCredit, total, .careCredit, "8841", "CC7730")] }

        // Three cats checked in at 10:05: the invoice is opened, lines are added during the visit, then checked out.
        clock.advance(minutes: 8)
        let cats = patients(of: "C003")
        let open = try await store.openInvoice(
            client: "C003",
            lines: [LineRequest(patient: cats[0].id, item: "EXAM-WELL", provider: vet)],
            commandID: nextID("open"),
            by: csr2
        )
        clock.advance(minutes: 30)
        _ = try await store.addLines(
            [
                LineRequest(patient: cats[1].id, item: "EXAM-WELL", provider: vet),
                LineRequest(patient: cats[2].id, item: "EXAM-WELL", provider: vet),
                LineRequest(patient: cats[0].id, item: "VAC-FVRCP", provider: tech),
                LineRequest(patient: cats[1].id, item: "VAC-FVRCP", provider: tech),
                LineRequest(patient: cats[2].id, item: "VAC-RABIES1", provider: tech),
            ],
            invoice: open.number,
            commandID: nextID("lines"),
            by: who(.technician)
        )
        clock.advance(minutes: 6)
        let catDiscounts = [DiscountRequest(discountClass: .multiplePets, method: .percent(Percent(basisPoints: 5_00)))]
        let catsTotal = try await priced(try await store.invoice(open.number), discounts: catDiscounts, client: "C003")
        let cats3 = try await store.checkout(
            CheckoutRequest(
                id: nextID("checkout"),
                client: "C003",
                invoice: open.number,
                lines: [],
                discounts: catDiscounts,
                payments: [card(.credit, catsTotal - Money.cents(50_00), .discover, "6011", "R2D2C3"), cash("50.00")]
            ),
            by: csr2
        )
        show(cats3, note: "opened at check-in, lines added by the technician, split card + cash")

        // Partial payment now, the rest later in the morning.
        let partial = try await visit(
            "C016",
            by: csr,
            minutes: 12,
            lines: [(0, "EXAM-SICK", "1", vet2), (0, "RAD-2VIEW", "1", vet2)],
            note: "partial payment"
        ) { _ in
            [cash("100.00")]
        }
        clock.advance(minutes: 40)
        let settled = try await store.pay(
            PaymentRequest(
                id: nextID("pay"),
                invoice: partial.number,
                payments: [card(.credit, partial.balanceDue, .visa, "0019", "P88214")]
            ),
            by: csr
        )
        print(
            "\(calendar.timeOfDay(atMillis: clock.now))  #\(settled.number)  balance paid by card — \(settled.status.rawValue)"
        )

        // A bag of food returned unopened: refunded on the original check by the CSR (under the refund limit).
        let foodBuyer = try await store.invoice(4)
        clock.advance(minutes: 5)
        if let checkPayment = foodBuyer.payments.first(where: { $0.tender == .check }) {
            // safe: the demo's own constants
            let diet = DemoData.catalog.first { $0.code == "DIET-KD-8LB" }!
            // safe: the demo's own constants
            let taxRate = DemoData.taxCategories.first { $0.code == diet.taxCategory }!.ratePPM
            let returned =
                diet.unitPrice
                + Money(minorUnits: mulDiv(diet.unitPrice.minorUnits, taxRate, 1_000_000, rounding: .halfAwayFromZero))
            let refunded = try await store.refund(
                RefundRequest(
                    id: nextID("refund"),
                    payment: checkPayment.number,
                    amount: returned,
                    reason: "Unopened bag of k/d returned"
                ),
                by: csr
            )
            print(
                "\(calendar.timeOfDay(atMillis: clock.now))  #\(refunded.number)  refund \(returned.formatted) for a returned bag of food — credits \(refunded.credits.formatted)"
            )
        }

        // Rung up for the wrong client: voided by the manager and rung again.
        let wrong = try await visit(
            "C017",
            by: csr2,
            minutes: 7,
            lines: [(0, "NAIL-TRIM", "1", tech)],
            note: "wrong client"
        ) { total in
            [card(.credit, total, .visa, "3321", "V11872")]
        }
        clock.advance(minutes: 2)
        let voided = try await store.void(
            VoidRequest(id: nextID("void"), invoice: wrong.number, reason: "Rung up for the wrong client"),
            by: manager
        )
        print(
            "\(calendar.timeOfDay(atMillis: clock.now))  #\(voided.number)  voided by \(manager.employee.id): \(voided.voidReason ?? "") — card reversed"
        )
        _ = try await visit(
            "C018",
            by: csr2,
            minutes: 1,
            lines: [(0, "NAIL-TRIM", "1", tech)],
            note: "rung again for the right client"
        ) { total in
            [card(.credit, total, .visa, "3321", "V11873")]
        }
        // A few more ordinary visits to round off the morning.
        _ = try await visit(
            "C019",
            by: csr,
            minutes: 16,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "VAC-RABIES1", "1", tech), (0, "LAB-FECAL", "1", tech)],
            note: ""
        ) { total in
            [card(.credit, total, .mastercard, "2230", "M77811")]
        }
        _ = try await visit(
            "C020",
            by: csr2,
            minutes: 13,
            lines: [(0, "EXAM-SICK", "1", vet2), (0, "RX-CARPRO75", "20", vet2), (0, "FEE-WASTE", "1", tech)],
            note: ""
        ) { total in
            [cash(Self.roundUp(total))]
        }
        _ = try await visit(
            "C002",
            by: csr,
            minutes: 9,
            lines: [(0, "VAC-DHPP", "1", tech), (1, "VAC-FVRCP", "1", tech)],
            discounts: [
                DiscountRequest(discountClass: .coupon, target: .invoice(.kind(.service)), couponCode: "DENTAL20")
            ],
            note: "coupon DENTAL20 (multi-use)"
        ) { total in
            [card(.debit, total, .visa, "9924", "D40021")]
        }
    }

    /// Paid-out, no-sale and safe drop at midday, the shift change, an afternoon of visits and the blind close.
    func afternoonAndClose() async throws {
        let morning = who(.csr)
        let afternoon = who(.csr, 1)
        let vet = who(.veterinarian).employee.id
        let tech = who(.technician).employee.id
        clock.advance(minutes: 6)
        let postage = Money.cents(8_45)
        _ = drawer.take(postage)
        _ = try await store.recordDrawerMovement(
            .paidOut,
            amount: postage,
            reason: "postage",
            note: "certified mail to the state board",
            commandID: nextID("paid-out"),
            by: morning
        )
        print("\(calendar.timeOfDay(atMillis: clock.now))  Paid out \(postage.formatted) for postage")
        clock.advance(minutes: 3)
        _ = try await store.recordDrawerMovement(
            .noSale,
            reason: "client needed quarters for the parking meter (changed a $5 bill)",
            commandID: nextID("no-sale"),
            by: morning
        )
        drawer.receive(.cents(5_00))
        _ = drawer.take(.cents(5_00))
        print("\(calendar.timeOfDay(atMillis: clock.now))  No-sale: change for the parking meter")
        clock.advance(minutes: 10)
        let drop = CashCount(["100": drawer.contents["100"], "20": max(0, drawer.contents["20"] - 4)])
        drawer.take(drop)
        let dropped = try await store.recordDrawerMovement(
            .safeDrop,
            count: drop,
            reason: "midday safe drop",
            commandID: nextID("drop"),
            by: morning
        )
        print("\(calendar.timeOfDay(atMillis: clock.now))  Safe drop of \((-dropped.amount).formatted) to the safe")

        // 14:00 shift change: both count the drawer; the count becomes the afternoon cashier's baseline.
        clock.set(calendar.millis(of: calendar.businessDate(atMillis: clock.now), hour: 14, minute: 0))
        let handover = try await store.handOverDrawer(
            count: drawer.contents,
            to: ApprovalRequest(
                employee: afternoon.employee.id,
                pin: pin(afternoon.employee.id),
                reason: "shift change"
            ),
            commandID: nextID("handover"),
            by: morning
        )
        print(
            "\(calendar.timeOfDay(atMillis: clock.now))  Shift change \(morning.employee.id) → \(afternoon.employee.id): counted "
                + "\(handover.counted.formatted), expected \(handover.expected.formatted), over/short \(handover.overShort.formatted)"
        )
        _ = try await visit(
            "C022",
            by: afternoon,
            minutes: 25,
            lines: [(0, "EXAM-SICK", "1", vet), (0, "LAB-CBC", "1", tech)],
            note: "afternoon"
        ) { total in [cash(Self.roundUp(total))] }
        _ = try await visit(
            "C023",
            by: afternoon,
            minutes: 40,
            lines: [(0, "NAIL-TRIM", "1", tech), (0, "TREATS-LIVER", "2", tech)],
            note: "afternoon"
        ) { total in [cash(Self.roundUp(total))] }
        _ = try await visit(
            "C024",
            by: afternoon,
            minutes: 35,
            lines: [(0, "EXAM-WELL", "1", vet), (0, "VAC-RABIES3", "1", tech)],
            note: "afternoon, split"
        ) { total in [cash("40.00"), card(.credit, total - Money.cents(40_00), .visa, "5521", "K88120")] }

        // 18:00 blind close by the afternoon cashier: a $1 bill went missing somewhere.
        clock.set(calendar.millis(of: calendar.businessDate(atMillis: clock.now), hour: 18, minute: 0))
        _ = drawer.take(.cents(1_00))
        let x = try await store.drawerReport(viewer: afternoon)
        let cardSlip = x.cardBatches.reduce(into: [String: Money]()) { $0[$1.terminal] = $1.recorded }
        let close = try await store.countDrawerForClose(
            count: drawer.contents,
            checks: x.expectedChecks.compactMap(\.checkNumber),
            cardSlips: cardSlip,
            commandID: nextID("close"),
            by: afternoon
        )
        print("")
        print("Blind close by \(afternoon.employee.id) (expected cash was not shown before the count):")
        print(
            "  counted \(close.result.counted.formatted), expected \(close.result.expected.formatted), over/short \(close.result.overShort.formatted)"
                + (close.withinTolerance
                    ? " — within the \(close.tolerance.formatted) tolerance" : " — beyond tolerance")
        )
        clock.advance(minutes: 5)
        let z = try await store.closeDrawer(
            keep: nil,
            note: nil,
            approval: nil,
            commandID: nextID("verify"),
            by: who(.manager)
        )
        print("  verified by \(z.closedBy ?? ""): Z report #\(z.zNumber ?? 0)")
        print("")
        print(z.text(calendar: calendar), terminator: "")

        // The night deposit bag and the card terminal's batch close.
        clock.advance(minutes: 5)
        let deposit = try await store.prepareDeposit(
            sessions: [z.session],
            note: "night drop bag 1",
            commandID: nextID("deposit"),
            by: who(.manager)
        )
        _ = try await store.closeCardBatches(commandID: nextID("batch-close"), by: who(.manager))
        print("")
        print(deposit.text(calendar: calendar), terminator: "")
        print("")
        let batches = try await store.cardBatchDay(deposit.businessDate, viewer: who(.manager))
        print(batches.text(calendar: calendar), terminator: "")
    }

    /// The next whole $20 above an amount: what a client hands over in bills.
    static func roundUp(_ total: Money) -> String {
        let twenties = total.minorUnits / 2000 + 1
        return Money(minorUnits: twenties * 2000).description
    }
}
