import POSCore

/// Random but valid visits against ``TestClinic``: lines, discounts of every class, and payments of every tender,
/// for property tests of the money rules.
public struct InvoiceGenerator {
    public var random: SeededGenerator

    public init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    public static let activeItems = TestClinic.catalog.filter(\.active)

    /// 1–8 lines over the owner's two pets, with quantities that are sometimes fractional.
    public mutating func lines() -> [LineInput] {
        (0..<Int.random(in: 1...8, using: &random)).map { _ in
            let item = Self.activeItems.randomElement(using: &random)!
            let quantity: Quantity =
                item.kind == .pharmacy
                ? Quantity(thousandths: Int64.random(in: 1...90_000, using: &random))
                : .units(Int64.random(in: 1...3, using: &random))
            return LineInput(
                patientId: Bool.random(using: &random) ? "REX" : "MIA",
                item: item,
                quantity: quantity,
                providerId: "VET"
            )
        }
    }

    /// 0–3 discounts that fit the lines: percents, amounts no larger than what they reach, line and invoice targets.
    public mutating func discounts(for lines: [LineInput]) -> [DiscountSpec] {
        var specs: [DiscountSpec] = []
        var remaining = lines.map {
            mulDiv($0.item.unitPrice.minorUnits, $0.quantity.thousandths, 1000, rounding: .halfAwayFromZero)
        }
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let target: DiscountTarget
            let eligible: [Int]
            if Bool.random(using: &random) {
                let line = Int.random(in: 1...lines.count, using: &random)
                target = .line(line)
                eligible = [line - 1]
            } else {
                let scope: DiscountScope = [.all, .kind(.service), .kind(.product), .kind(.pharmacy)].randomElement(
                    using: &random
                )!
                target = .invoice(scope)
                eligible = lines.indices.filter {
                    switch scope {
                    case .all: true
                    case .kind(let kind): lines[$0].item.kind == kind
                    case .item(let code): lines[$0].item.code == code
                    }
                }
            }
            let base = eligible.map { remaining[$0] }.reduce(0, +)
            guard base > 0 else { continue }
            let method: DiscountMethod =
                Bool.random(using: &random)
                ? .percent(Percent(basisPoints: Int64.random(in: 1...10_000, using: &random)))
                : .amount(Money(minorUnits: Int64.random(in: 1...base, using: &random)))
            let spec = DiscountSpec(
                discountClass: DiscountClass.allCases.randomElement(using: &random)!,
                method: method,
                target: target
            )
            // Track what is left so later amount discounts stay within their base.
            guard let priced = try? Pricing.price(lines: lines, discounts: specs + [spec], taxRatePPM: Self.taxRate)
            else { continue }
            specs.append(spec)
            remaining = priced.lines.map(\.net.minorUnits)
        }
        return specs
    }

    /// Payments that cover some or all of `due`: split tenders, cash with change.
    public mutating func payments(due: Money) -> [PaymentInput] {
        var payments: [PaymentInput] = []
        var left = due
        for _ in 0..<Int.random(in: 0...3, using: &random) where left.isPositive {
            let tender = [Tender.check, .credit, .debit, .careCredit].randomElement(using: &random)!
            let amount = Money(minorUnits: Int64.random(in: 1...left.minorUnits, using: &random))
            left -= amount
            payments.append(payment(tender, amount))
        }
        if Bool.random(using: &random) {
            // Cash for the rest, often more than the rest: the excess comes back as change.
            let extra = Int64.random(in: 0...5_000, using: &random)
            if left.isPositive { payments.append(payment(.cash, Money(minorUnits: left.minorUnits + extra))) }
        }
        return payments
    }

    public func payment(_ tender: Tender, _ amount: Money) -> PaymentInput {
        switch tender {
        case .cash, .account: PaymentInput(tender: tender, amount: amount)
        case .check:
            PaymentInput(
                tender: .check,
                amount: amount,
                check: CheckDetails(number: "1001", bank: "First Bank", payer: "Olive Owner", idNumber: "DL12345678")
            )
        case .credit, .debit, .careCredit:
            PaymentInput(
                tender: tender,
                amount: amount,
                card: CardDetails(
                    brand: tender == .careCredit ? .careCredit : .visa,
                    last4: "4242",
                    authCode: "AB12CD",
                    terminalId: "T1"
                )
            )
        }
    }

    public static func taxRate(_ code: String) -> Int64? { TestClinic.taxCategories.first { $0.code == code }?.ratePPM }
}
