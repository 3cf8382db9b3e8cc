import Foundation
import POSCore
import POSReports
import POSStorage
import POSTestSupport
import Synchronization

// Two generated months of a busy clinic's card takings, rung through the real Store with a clock the test moves, then
// the processor's settlement file and the bank statement written from them with planted scenarios, each recorded as
// ground truth for the matching test (ReconciliationMonthTests).

/// A clock the generator moves by hand, so business days and batch closes are where the plan puts them.
final class MonthClock: Sendable {
    private let millis: Mutex<Int64>

    init(_ start: Int64) { millis = Mutex(start) }

    var now: Int64 { millis.withLock { $0 } }
    func set(_ value: Int64) { millis.withLock { $0 = value } }
    func advance(minutes: Int64) { millis.withLock { $0 += minutes * 60_000 } }
}

/// The seeded clinic's PINs are bcrypt hashes the CLI checks; the generator never signs in through the Store (it acts
/// as the seeded employees directly), so its Store gets a hasher that refuses every PIN.
struct RefusingPINHasher: PINHasher {
    func hash(pin: String) -> String { "refused" }
    func verify(pin: String, against hash: String) -> Bool { false }
}

/// Weekdays, the bank's business days (no bank holidays in the generated months).
enum Weekdays {
    private static let aMonday = BusinessDate("1970-01-05")!

    static func isWeekday(_ day: BusinessDate) -> Bool { ((aMonday.days(until: day) % 7) + 7) % 7 < 5 }

    static func next(after day: BusinessDate) -> BusinessDate {
        var next = day.adding(days: 1)
        while !isWeekday(next) { next = next.adding(days: 1) }
        return next
    }

    static func all(from first: BusinessDate, count: Int) -> [BusinessDate] {
        var days: [BusinessDate] = []
        var day = first
        while days.count < count {
            if isWeekday(day) { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }

    /// MM/DD/YYYY, as US bank downloads write dates.
    static func us(_ day: BusinessDate) -> String {
        let parts = day.text.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }
}

/// Which days carry which planted scenario (indices into the business days).
struct MonthPlan: Sendable {
    static let account = "000123456"

    var seed: UInt64 = 0x5EED_2026_0302
    var days = Weekdays.all(from: BusinessDate("2026-03-02")!, count: 40)
    /// A credit sale of this day is disputed on ``disputeDay``: a Stripe `dispute` row with a 15.00 fee.
    var disputedSaleDay = 2
    var disputeDay = 12
    /// One card sale of this day never reaches the processor's file: its batch settles for less (a mismatch).
    var unsettledDay = 6
    /// PAX-2's batch of this day is paid out in two payouts, on two days.
    var splitDay = 9
    /// Both terminals take identical sales: two payouts of one amount on one day, the bank naming each payout.
    var twinsWithIDsDay = 15
    /// The same, but the bank's two credits name no payout: matching must say "ambiguous", never guess.
    var twinsWithoutIDsDay = 22
    /// PAX-1's payout of this day is not in the first bank statement; a later statement brings it a week late.
    var missingPayoutDay = 18
    /// The first CareCredit batch closed from this day on is credited by a bank line without its id.
    var manualCareCreditFrom = 25
    /// The bank's own monthly fee, a debit no processor record explains.
    var accountFeeDay = BusinessDate("2026-03-31")!

    var first: BusinessDate { days.first! }
    var last: BusinessDate { days.last! }
    var twinDays: Set<BusinessDate> { [days[twinsWithIDsDay], days[twinsWithoutIDsDay]] }
}

/// What the Store recorded: the closed batches (with their payments) and the refunds rung on later days.
struct GeneratedTakings: Sendable {
    var batches: [CardBatch]
    /// Refund payment number → the sale it returns (rung on a later day, so it falls in a later batch).
    var laterRefunds: [Int64: Int64]
    var disputedSale: CardBatch.Payment
    var unsettledSale: CardBatch.Payment

    var payments: [CardBatch.Payment] { batches.flatMap(\.payments) }
}

/// A card sale as the checkout answered it, before any batch holds it.
struct TakenSale: Sendable {
    var number: Int64
    var amount: Money
    var tender: Tender
    var day: BusinessDate
}

/// Rings the plan's days through the Store: dozens of card sales a day on two terminals, a few CareCredit, refunds of
/// earlier days' sales, and every terminal's batch closed each evening.
struct TakingsGenerator {
    let plan: MonthPlan
    let store: Store
    let clock: MonthClock
    let calendar: BusinessCalendar
    let csr: Operator
    let manager: Operator
    var random: SeededGenerator

    /// The tax rates of the seeded clinic (`vetpos setup --tax RETAIL:Retail:8.25 --tax EXEMPT:Exempt:0`).
    static let taxRates: [String: Int64] = ["RETAIL": 82_500, "EXEMPT": 0]

    init(plan: MonthPlan, store: Store, clock: MonthClock, calendar: BusinessCalendar) async throws {
        self.plan = plan
        self.store = store
        self.clock = clock
        self.calendar = calendar
        random = SeededGenerator(seed: plan.seed)
        let employees = Dictionary(uniqueKeysWithValues: try await store.employees().map { ($0.id, $0) })
        guard let csr = employees[Clinic.csr.id], let manager = employees[Clinic.manager.id] else {
            throw HarnessError("the seeded clinic has no \(Clinic.csr.id) or \(Clinic.manager.id)")
        }
        // A second desk with no cash drawer: card payments only.
        self.csr = Operator(employee: csr, terminal: "FRONT-2")
        self.manager = Operator(employee: manager, terminal: "FRONT-2")
    }

    mutating func run() async throws -> GeneratedTakings {
        let catalog = try await store.catalog().filter(\.active)
        var batches: [CardBatch] = []
        var refundable: [TakenSale] = []
        var refunded: Set<Int64> = []
        var laterRefunds: [Int64: Int64] = [:]
        var disputed: Int64?
        var unsettled: Int64?
        var manualCareCreditForced = false

        for (index, day) in plan.days.enumerated() {
            clock.set(calendar.millis(of: day, hour: 8, minute: 30))
            let twins = plan.twinDays.contains(day)
            let sales = Int.random(in: 26...36, using: &random)
            let refundAt = twins || index < 3 ? -1 : Int.random(in: 0..<sales, using: &random)
            var taken: [TakenSale] = []
            for saleIndex in 0..<sales {
                clock.advance(minutes: Int64.random(in: 4...14, using: &random))
                if saleIndex == refundAt {
                    // A refund of an earlier day's card sale, rung today: it lands in today's batch.
                    let count = Int.random(in: 0...2, using: &random)
                    for _ in 0..<count {
                        let open = refundable.filter { !refunded.contains($0.number) && $0.day < day }
                        guard let original = open.randomElement(using: &random) else { break }
                        refunded.insert(original.number)
                        let amount =
                            Bool.random(using: &random)
                            ? original.amount
                            : Money(minorUnits: Int64.random(in: 100...original.amount.minorUnits, using: &random))
                        let view = try await store.refund(
                            RefundRequest(
                                id: "month-refund-\(original.number)",
                                payment: original.number,
                                amount: amount,
                                reason: "Returned unopened food"
                            ),
                            by: manager
                        )
                        let refund = try requireOne(view.payments.filter { $0.reverses == original.number })
                        laterRefunds[refund.number] = original.number
                    }
                }
                var tender: Tender = Double.random(in: 0..<1, using: &random) < 0.6 ? .credit : .debit
                if !twins && Double.random(in: 0..<1, using: &random) < 0.04 { tender = .careCredit }
                if index >= plan.manualCareCreditFrom && !manualCareCreditForced && !twins && saleIndex == 3 {
                    tender = .careCredit
                    manualCareCreditForced = true
                }
                let lines = lineRequests(catalog)
                let terminals = twins ? ["PAX-1", "PAX-2"] : [Bool.random(using: &random) ? "PAX-1" : "PAX-2"]
                for terminal in terminals {
                    let view = try await checkout(lines, catalog: catalog, tender: tender, terminal: terminal, day: day)
                    taken.append(try sale(of: view, day: day, tender: tender))
                }
            }
            let specialDays: Set<Int> = [plan.unsettledDay, plan.disputedSaleDay]
            if index == plan.disputedSaleDay {
                disputed = taken.filter { $0.tender == .credit }.max { $0.amount < $1.amount }?.number
            }
            if index == plan.unsettledDay {
                unsettled = taken.first { $0.tender == .debit }?.number
            }
            refundable += taken.filter {
                $0.tender != .careCredit && !specialDays.contains(index) && !twins
            }
            clock.set(calendar.millis(of: day, hour: 19, minute: 0))
            batches += try await store.closeCardBatches(commandID: "month-close-\(day)", by: manager)
        }
        // The Store's own record of each batch (the payments as it keeps them).
        var stored: [CardBatch] = []
        for batch in batches { stored.append(try await store.cardBatch(id: batch.id, viewer: manager)) }
        let payments = stored.flatMap(\.payments)
        guard let disputed = payments.first(where: { $0.number == disputed }),
            let unsettled = payments.first(where: { $0.number == unsettled })
        else { throw HarnessError("the plan's disputed or unsettled sale is in no batch") }
        return GeneratedTakings(
            batches: stored,
            laterRefunds: laterRefunds,
            disputedSale: disputed,
            unsettledSale: unsettled
        )
    }

    private mutating func lineRequests(_ catalog: [CatalogItem]) -> [LineRequest] {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in
            let item = catalog.randomElement(using: &random)!
            let quantity: Quantity =
                item.kind == .pharmacy
                ? .units(Int64.random(in: 10...60, using: &random)) : .units(Int64.random(in: 1...2, using: &random))
            return LineRequest(
                patient: Bool.random(using: &random) ? "REX" : "MIA",
                item: item.code,
                quantity: quantity,
                provider: "VET"
            )
        }
    }

    private mutating func checkout(
        _ lines: [LineRequest],
        catalog: [CatalogItem],
        tender: Tender,
        terminal: String,
        day: BusinessDate
    ) async throws -> InvoiceView {
        let priced = try Pricing.price(
            lines: lines.map { line in
                LineInput(
                    patientId: line.patient,
                    item: catalog.first { $0.code == line.item }!,
                    quantity: line.quantity,
                    providerId: line.provider
                )
            },
            discounts: [],
            taxRatePPM: { Self.taxRates[$0] }
        )
        let brands: [CardBrand] =
            switch tender {
            case .careCredit: [.careCredit]
            case .debit: [.visa, .mastercard]
            default: [.visa, .mastercard, .amex, .discover]
            }
        let last4 = String(format: "%04d", Int.random(in: 0...9999, using: &random))
        let auth = String((0..<6).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".randomElement(using: &random)! })
        let view = try await store.checkout(
            CheckoutRequest(
                id: "month-\(day)-\(clock.now)-\(terminal)",
                client: "OWNER",
                lines: lines,
                discounts: [],
                payments: [
                    PaymentInput(
                        tender: tender,
                        amount: priced.total,
                        card: CardDetails(
                            brand: brands.randomElement(using: &random)!,
                            last4: last4,
                            authCode: auth,
                            terminalId: terminal
                        )
                    )
                ]
            ),
            by: csr
        )
        guard view.status == .paid, view.total == priced.total else {
            throw HarnessError("checkout of \(lines) came to \(view.total) (\(view.status)), priced \(priced.total)")
        }
        return view
    }

    private func sale(of view: InvoiceView, day: BusinessDate, tender: Tender) throws -> TakenSale {
        let paid = try requireOne(view.payments)
        guard view.businessDate == day else {
            throw HarnessError("invoice \(view.number) is dated \(String(describing: view.businessDate)), not \(day)")
        }
        return TakenSale(number: paid.number, amount: paid.amount, tender: tender, day: day)
    }

    private func requireOne<T>(_ items: [T]) throws -> T {
        guard items.count == 1 else { throw HarnessError("expected exactly one payment, got \(items.count)") }
        return items[0]
    }
}

// MARK: - The processor's file and the bank's statements, with the truth about them

/// One line of the settlement file, as written.
struct PlantedEntry: Sendable {
    enum Kind: String, Sendable { case charge, refund, chargeback }
    var id: String
    var kind: Kind
    var payout: String
    var gross: Money
    var fee: Money
    var net: Money { gross - fee }
    /// The VetPOS payment echoed back (`payment_metadata[vetpos_payment_id]`).
    var payment: Int64
    var createdMillis: Int64
    var brand: CardBrand
}

struct PlantedPayout: Sendable {
    var id: String
    /// The matching id of the batch stream it pays (one batch, or half of the split one).
    var batch: String
    var expected: BusinessDate
    var entries: [PlantedEntry]
    var net: Money { entries.map(\.net).sum() }
}

struct PlantedBankLine: Sendable {
    var reference: String
    var date: BusinessDate
    var amount: Money
    var description: String
    /// Matching's name for it: `ACCOUNT:REFERENCE`.
    var id: String { "\(MonthPlan.account):\(reference)" }
}

/// A CareCredit batch stream and the bank credit that pays it, gross less CareCredit's fee.
struct PlantedCareCredit: Sendable {
    var batch: String
    var closedOn: BusinessDate
    var gross: Money
    var credit: PlantedBankLine
    var fee: Money { gross - credit.amount }
}

/// Everything written, and what matching must make of it.
struct PlantedFiles: Sendable {
    var settlementCSV: String
    var firstBankCSV: String
    /// The later statement: the missing payout's credit, a week late.
    var laterBankCSV: String
    static let bankMapping = """
        {
          "kind": "bank",
          "name": "Riverside Bank checking download",
          "account": "\(MonthPlan.account)",
          "dateFormat": "MM/DD/YYYY",
          "sign": "credit-debit-columns",
          "columns": {
            "date": "Posting Date",
            "reference": "Reference",
            "description": "Description",
            "checkNumber": "Check Number",
            "credit": "Credit",
            "debit": "Debit"
          }
        }

        """

    var payouts: [PlantedPayout]
    /// Payout id → the bank line that pays it (once every statement is imported); nil for the twin payouts the bank
    /// does not name.
    var payoutCredit: [String: PlantedBankLine]
    var careCredit: [PlantedCareCredit]
    /// The CareCredit stream the bank credits without its id (matched by hand).
    var manualCareCredit: PlantedCareCredit
    /// The twin payouts without ids in the bank text, and their two credits.
    var ambiguousPayouts: [PlantedPayout]
    var ambiguousCredits: [PlantedBankLine]
    var missingPayout: PlantedPayout
    var lateCredit: PlantedBankLine
    var accountFee: PlantedBankLine
    var dispute: PlantedEntry
    var splitPayouts: [PlantedPayout]
    var twinsWithIDs: [PlantedPayout]
    /// The batch stream that settles for less, and the payment missing from the file.
    var unsettledBatch: String
    var unsettledPayment: CardBatch.Payment

    var entries: [PlantedEntry] { payouts.flatMap(\.entries) }
}

/// Writes the files exactly as ``DemoSettlement`` does (a Stripe balance export with payout ids and the VetPOS
/// payment id as metadata; a bank CSV with a column mapping), planting the plan's scenarios.
struct SettlementWriter {
    let plan: MonthPlan
    let takings: GeneratedTakings
    var random: SeededGenerator

    static let disputeFee = Money(minorUnits: 15_00)
    static let accountFee = Money(minorUnits: 12_00)

    init(plan: MonthPlan, takings: GeneratedTakings) {
        self.plan = plan
        self.takings = takings
        random = SeededGenerator(seed: plan.seed ^ 0xB4_4E)
    }

    /// Stripe's fee on a sale: 2.9 % rounded half up, plus 30 cents; refunds carry none.
    static func fee(_ amount: Money) -> Money {
        amount.isPositive
            ? Money(minorUnits: mulDiv(amount.minorUnits, 29, 1000, rounding: .halfAwayFromZero) + 30) : .zero
    }

    static func payoutID(_ batch: String) -> String { "po_" + batch.filter { $0.isLetter || $0.isNumber } }

    mutating func write() throws -> PlantedFiles {
        let days = plan.days
        let day = { (index: Int) in days[index] }
        func batch(_ terminal: String, _ index: Int) throws -> CardBatch {
            guard let found = takings.batches.first(where: { $0.terminal == terminal && $0.businessDate == day(index) })
            else { throw HarnessError("no \(terminal) batch on \(day(index))") }
            return found
        }
        let splitBatch = try batch("PAX-2", plan.splitDay)
        let missingBatch = try batch("PAX-1", plan.missingPayoutDay)
        let disputeBatch = try batch("PAX-1", plan.disputeDay)
        let unsettled = takings.unsettledSale
        guard
            let unsettledBatch = takings.batches.first(where: { $0.payments.contains { $0.number == unsettled.number } }
            )
        else { throw HarnessError("payment \(unsettled.number) is in no batch") }

        var payouts: [PlantedPayout] = []
        var disputeEntry: PlantedEntry?
        for record in takings.batches {
            let cards = record.payments.filter { $0.tender != .careCredit && $0.number != unsettled.number }
            guard !cards.isEmpty else { continue }
            let id = Self.payoutID(record.id)
            let expected = Weekdays.next(after: record.businessDate)
            var entries = cards.map { payment in
                PlantedEntry(
                    id: "txn_\(payment.number)",
                    kind: payment.amount.isPositive ? .charge : .refund,
                    payout: id,
                    gross: payment.amount,
                    fee: Self.fee(payment.amount),
                    payment: payment.number,
                    createdMillis: payment.atMillis,
                    brand: payment.brand
                )
            }
            if record.id == disputeBatch.id {
                let sale = takings.disputedSale
                let entry = PlantedEntry(
                    id: "txn_dispute_\(sale.number)",
                    kind: .chargeback,
                    payout: id,
                    gross: -sale.amount,
                    fee: Self.disputeFee,
                    payment: sale.number,
                    createdMillis: record.closedAt - 3_600_000,
                    brand: sale.brand
                )
                entries.append(entry)
                disputeEntry = entry
            }
            if record.id == splitBatch.id {
                let half = entries.count / 2
                var first = PlantedPayout(id: id + "S1", batch: record.id, expected: expected, entries: [])
                var second = PlantedPayout(
                    id: id + "S2",
                    batch: record.id,
                    expected: Weekdays.next(after: expected),
                    entries: []
                )
                for (index, entry) in entries.enumerated() {
                    if index < half {
                        first.entries.append(with(entry) { $0.payout = first.id })
                    } else {
                        second.entries.append(with(entry) { $0.payout = second.id })
                    }
                }
                payouts += [first, second]
            } else {
                payouts.append(PlantedPayout(id: id, batch: record.id, expected: expected, entries: entries))
            }
        }
        guard let disputeEntry else { throw HarnessError("the dispute was not written") }

        // The bank: every payout credited on its expected day, naming it, but the planted ones.
        let twinsWithout = Set(
            try ["PAX-1", "PAX-2"].map { Self.payoutID(try batch($0, plan.twinsWithoutIDsDay).id) }
        )
        let twinsWith = Set(try ["PAX-1", "PAX-2"].map { Self.payoutID(try batch($0, plan.twinsWithIDsDay).id) })
        let missing = Self.payoutID(missingBatch.id)
        var bank: [PlantedBankLine] = []
        var payoutCredit: [String: PlantedBankLine] = [:]
        var ambiguousCredits: [PlantedBankLine] = []
        var lateCredit: PlantedBankLine?
        for payout in payouts {
            if twinsWithout.contains(payout.id) {
                let line = PlantedBankLine(
                    reference: "ACH-\(payout.expected.compact)-\(ambiguousCredits.count + 1)",
                    date: payout.expected,
                    amount: payout.net,
                    description: "STRIPE TRANSFER"
                )
                ambiguousCredits.append(line)
                bank.append(line)
                continue
            }
            let line = PlantedBankLine(
                reference: "BK-\(payout.id)",
                date: payout.id == missing ? payout.expected.adding(days: 7) : payout.expected,
                amount: payout.net,
                description: "STRIPE TRANSFER \(payout.id)"
            )
            payoutCredit[payout.id] = line
            if payout.id == missing { lateCredit = line } else { bank.append(line) }
        }

        // CareCredit pays each batch's CareCredit stream 5 to 8 days later, less its fee, naming the batch; one credit
        // names nothing.
        var careCredit: [PlantedCareCredit] = []
        var manual: PlantedCareCredit?
        for record in takings.batches {
            let payments = record.payments.filter { $0.tender == .careCredit }
            guard !payments.isEmpty else { continue }
            let id = "\(record.id)-CC"
            let gross = payments.map(\.amount).sum()
            let fee = Money(minorUnits: mulDiv(gross.minorUnits, 69, 1000, rounding: .halfAwayFromZero))
            let offsets = (5...8).filter { Weekdays.isWeekday(record.businessDate.adding(days: $0)) }
            let date = record.businessDate.adding(days: offsets.randomElement(using: &random)!)
            let isManual = manual == nil && record.businessDate >= day(plan.manualCareCreditFrom)
            let line = PlantedBankLine(
                reference: isManual ? "SYF-\(date.compact)" : "CC-\(id.filter { $0.isLetter || $0.isNumber })",
                date: date,
                amount: gross - fee,
                description: isManual ? "SYNCHRONY BANK DEPOSIT" : "CARECREDIT SETTLEMENT \(id)"
            )
            bank.append(line)
            let stream = PlantedCareCredit(batch: id, closedOn: record.businessDate, gross: gross, credit: line)
            if isManual { manual = stream } else { careCredit.append(stream) }
        }
        guard let manual, let lateCredit else { throw HarnessError("the manual CareCredit or late credit is missing") }
        let accountFee = PlantedBankLine(
            reference: "FEE-\(plan.accountFeeDay.compact)",
            date: plan.accountFeeDay,
            amount: Money(minorUnits: -Self.accountFee.minorUnits),
            description: "MONTHLY ACCOUNT FEE"
        )
        bank.append(accountFee)

        let byID = Dictionary(uniqueKeysWithValues: payouts.map { ($0.id, $0) })
        return PlantedFiles(
            settlementCSV: try Self.stripeCSV(payouts),
            firstBankCSV: Self.bankCSV(bank),
            laterBankCSV: Self.bankCSV([lateCredit]),
            payouts: payouts,
            payoutCredit: payoutCredit,
            careCredit: careCredit,
            manualCareCredit: manual,
            ambiguousPayouts: twinsWithout.sorted().map { byID[$0]! },
            ambiguousCredits: ambiguousCredits,
            missingPayout: byID[missing]!,
            lateCredit: lateCredit,
            accountFee: accountFee,
            dispute: disputeEntry,
            splitPayouts: payouts.filter { $0.batch == splitBatch.id },
            twinsWithIDs: twinsWith.sorted().map { byID[$0]! },
            unsettledBatch: unsettledBatch.id,
            unsettledPayment: unsettled
        )
    }

    /// The columns and formats of ``DemoSettlement``: times UTC, amounts in dollars, one row per balance transaction.
    static func stripeCSV(_ payouts: [PlantedPayout]) throws -> String {
        let utc = try BusinessCalendar(timeZoneIdentifier: "UTC")
        var rows = [
            "balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,"
                + "description,automatic_payout_id,automatic_payout_effective_at_utc,card_brand,"
                + "payment_metadata[vetpos_payment_id]"
        ]
        for payout in payouts {
            for entry in payout.entries {
                let created =
                    "\(utc.businessDate(atMillis: entry.createdMillis)) \(utc.timeOfDay(atMillis: entry.createdMillis)):00"
                let (category, source, description) =
                    switch entry.kind {
                    case .charge: ("charge", "ch_\(entry.payment)", "Visit payment")
                    case .refund: ("refund", "re_\(entry.payment)", "Refund")
                    case .chargeback: ("dispute", "dp_\(entry.payment)", "Chargeback withdrawal")
                    }
                rows.append(
                    [
                        entry.id, created, "\(payout.expected) 00:00:00", "usd", entry.gross.description,
                        entry.fee.description, entry.net.description, category, source, description, payout.id,
                        "\(payout.expected) 00:00:00", entry.brand.rawValue, "P\(entry.payment)",
                    ].joined(separator: ",")
                )
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func bankCSV(_ lines: [PlantedBankLine]) -> String {
        var rows = ["Posting Date,Reference,Description,Check Number,Credit,Debit"]
        for line in lines.sorted(by: { ($0.date, $0.reference) < ($1.date, $1.reference) }) {
            let amount = line.amount.isNegative ? ",\((-line.amount).description)" : "\(line.amount.description),"
            rows.append("\(Weekdays.us(line.date)),\(line.reference),\(line.description),,\(amount)")
        }
        return rows.joined(separator: "\n") + "\n"
    }
}

/// A copy of `value` changed by `change`.
func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}
