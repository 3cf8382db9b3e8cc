/// One line to price: which pet, what, how many, and who provided it.
public struct LineInput: Hashable, Sendable {
    public var patientId: String
    public var item: CatalogItem
    public var quantity: Quantity
    public var providerId: String

    public init(patientId: String, item: CatalogItem, quantity: Quantity, providerId: String) {
        self.patientId = patientId
        self.item = item
        self.quantity = quantity
        self.providerId = providerId
    }
}

/// A priced invoice line. Its parts tie out: `extended − discount = net`, `net + tax = total`.
public struct PricedLine: Hashable, Sendable {
    public var lineNumber: Int
    public var input: LineInput
    public var taxRatePPM: Int64
    /// Unit price × quantity, rounded half away from zero to the cent.
    public var extended: Money
    public var discount: Money
    public var tax: Money

    public var net: Money { extended - discount }
    public var total: Money { net + tax }
}

/// An invoice's priced lines and discounts. Every total is a sum of stored parts.
public struct PricedInvoice: Hashable, Sendable {
    public var lines: [PricedLine]
    public var discounts: [PricedDiscount]

    public var subtotal: Money { lines.map(\.extended).sum() }
    public var discountTotal: Money { lines.map(\.discount).sum() }
    public var taxTotal: Money { lines.map(\.tax).sum() }
    public var total: Money { subtotal - discountTotal + taxTotal }

    /// Per-pet totals, in the order the pets first appear.
    public var patientSubtotals: [(patientId: String, total: Money)] {
        var order: [String] = []
        var totals: [String: Money] = [:]
        for line in lines {
            if totals[line.input.patientId] == nil { order.append(line.input.patientId) }
            totals[line.input.patientId, default: .zero] += line.total
        }
        return order.map { ($0, totals[$0] ?? .zero) }
    }
}

/// The pricing rules, in one place.
///
/// 1. Each line's extended amount is unit price × quantity (thousandths), rounded half away from zero to the cent.
/// 2. Line discounts apply first, then invoice discounts, each in the order given, each on what earlier discounts left.
///    A percent discount is rounded half away from zero once, on its whole base; an invoice discount is then spread
///    over its eligible lines in proportion to their amounts (largest remainder), so the parts add up exactly.
/// 3. Sales tax is computed per line on the discounted amount and rounded half away from zero to the cent; the
///    invoice's tax is the sum of the lines' tax.
public enum Pricing {
    /// The most one line may be: 1,000,000 units.
    public static let maximumQuantity = Quantity.units(1_000_000)
    /// The most lines one invoice may have.
    public static let maximumLines = 1000

    public static func price(
        lines inputs: [LineInput],
        discounts specs: [DiscountSpec],
        taxRatePPM: (String) -> Int64?
    ) throws(POSError) -> PricedInvoice {
        guard !inputs.isEmpty else { throw .invalid(field: "lines", reason: "an invoice needs at least one line") }
        guard inputs.count <= maximumLines else {
            throw .invalid(
                field: "lines",
                reason: "an invoice has at most \(maximumLines) lines",
                code: "invoice.tooManyLines"
            )
        }
        var lines: [PricedLine] = []
        for (index, input) in inputs.enumerated() {
            let field = "lines[\(index)]"
            guard input.quantity.thousandths > 0 else {
                throw .invalid(field: "\(field).quantity", reason: "must be more than 0")
            }
            guard input.quantity <= maximumQuantity else {
                throw .invalid(field: "\(field).quantity", reason: "must be at most \(maximumQuantity)")
            }
            guard !input.item.unitPrice.isNegative else {
                throw .invalid(field: "\(field).item", reason: "item \(input.item.code) has a negative price")
            }
            guard input.item.unitPrice <= CatalogItem.maximumPrice else {
                throw .invalid(
                    field: "\(field).item",
                    reason: "item \(input.item.code) costs more than \(CatalogItem.maximumPrice.formatted)",
                    code: "item.priceTooHigh"
                )
            }
            guard let rate = taxRatePPM(input.item.taxCategory) else {
                throw .notFound(what: "tax category", id: input.item.taxCategory)
            }
            let extended = mulDiv(
                input.item.unitPrice.minorUnits,
                input.quantity.thousandths,
                1000,
                rounding: .halfAwayFromZero
            )
            lines.append(
                PricedLine(
                    lineNumber: index + 1,
                    input: input,
                    taxRatePPM: rate,
                    extended: Money(minorUnits: extended),
                    discount: .zero,
                    tax: .zero
                )
            )
        }

        // Line discounts before invoice discounts; the order within each group is the order given.
        let ordered = specs.enumerated().sorted { a, b in
            let aLine = if case .line = a.element.target { 0 } else { 1 }
            let bLine = if case .line = b.element.target { 0 } else { 1 }
            return aLine != bLine ? aLine < bLine : a.offset < b.offset
        }
        var priced = [PricedDiscount?](repeating: nil, count: specs.count)
        for (index, spec) in ordered {
            let field = "discounts[\(index)]"
            let eligible: [Int]
            switch spec.target {
            case .line(let number):
                guard (1...lines.count).contains(number) else {
                    throw .invalid(field: "\(field).line", reason: "there is no line \(number) on this invoice")
                }
                eligible = [number - 1]
            case .invoice(let scope):
                eligible = lines.indices.filter { scope.includes(lines[$0].input.item) && lines[$0].net.isPositive }
            }
            let base = eligible.map { lines[$0].net }.sum()
            guard base.isPositive else {
                throw .invalid(field: field, reason: "nothing left to discount on \(spec.target)")
            }
            let amount: Money
            switch spec.method {
            case .percent(let percent):
                guard percent.basisPoints > 0, percent.basisPoints <= 10_000 else {
                    throw .invalid(field: "\(field).percent", reason: "must be more than 0 and at most 100")
                }
                amount = Money(
                    minorUnits: mulDiv(base.minorUnits, percent.basisPoints, 10_000, rounding: .halfAwayFromZero)
                )
            case .amount(let value):
                guard value.isPositive else { throw .invalid(field: "\(field).amount", reason: "must be positive") }
                guard value <= base else {
                    throw .invalid(
                        field: "\(field).amount",
                        reason: "\(value.formatted) exceeds the \(base.formatted) it applies to on \(spec.target)"
                    )
                }
                amount = value
            }
            var allocations = [Money](repeating: .zero, count: lines.count)
            for (share, lineIndex) in zip(amount.allocate(weights: eligible.map { lines[$0].net.minorUnits }), eligible)
            {
                allocations[lineIndex] = share
                lines[lineIndex].discount += share
            }
            priced[index] = PricedDiscount(spec: spec, base: base, amount: amount, allocations: allocations)
        }

        for index in lines.indices {
            lines[index].tax = Money(
                minorUnits: mulDiv(
                    lines[index].net.minorUnits,
                    lines[index].taxRatePPM,
                    1_000_000,
                    rounding: .halfAwayFromZero
                )
            )
        }
        return PricedInvoice(lines: lines, discounts: priced.compactMap { $0 })  // every one was priced above
    }
}
