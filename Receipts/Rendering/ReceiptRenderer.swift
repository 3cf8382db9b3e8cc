import Foundation
import POSCore

/// Renders every receipt VetPOS prints from domain values, with the clinic's header and footer, at the clinic's
/// paper width.
///
/// ```swift
/// let renderer = try ReceiptRenderer(policy: policy)
/// let receipt = try renderer.sale(invoice)
/// try await printer.print(receipt.escpos + ESCPOS.drawerKick)
/// ```
public struct ReceiptRenderer: Sendable {
    public let settings: ReceiptSettings
    public let clinicName: String
    /// Its time zone prints the dates and times.
    public let calendar: BusinessCalendar
    public let layouts: ReceiptLayouts

    public init(settings: ReceiptSettings, clinicName: String, calendar: BusinessCalendar, layouts: ReceiptLayouts) {
        self.settings = settings
        self.clinicName = clinicName
        self.calendar = calendar
        self.layouts = layouts
    }

    /// A renderer with the layouts shipped in `Receipts/Layouts`.
    public init(settings: ReceiptSettings, clinicName: String, calendar: BusinessCalendar) throws(ReceiptLayoutError) {
        self.init(settings: settings, clinicName: clinicName, calendar: calendar, layouts: try .bundled())
    }

    /// A renderer for the clinic's own settings: its name, time zone and receipt settings.
    public init(policy: ClinicPolicy) throws {
        try self.init(settings: policy.receipt, clinicName: policy.clinicName, calendar: policy.calendar())
    }

    func render(_ kind: ReceiptKind, _ scope: TemplateScope, copy: Bool = false) throws(ReceiptLayoutError) -> Receipt {
        var scope = scope
        scope["clinic"] = .scope([
            "name": .text(clinicName),
            "addressLines": .list(settings.addressLines.map { ["line": .text($0)] }),
            "phone": .text(settings.phone),
            "footer": .list(settings.footer.map { ["line": .text($0)] }),
        ])
        scope["copy"] = .flag(copy)
        let lines = try LayoutEngine(columns: settings.columns).lay(out: layouts[kind], scope)
        return Receipt(lines: lines, columns: settings.columns)
    }

    /// `2025-03-14 10:42` in the clinic's time zone: the wall clock, not the business day.
    func dateTime(_ millis: Int64) -> String {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        let parts = gregorian.dateComponents(
            [.year, .month, .day, .hour, .minute],
            from: Date(timeIntervalSince1970: TimeInterval(millis / 1000))
        )
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }

    func time(_ millis: Int64) -> String { calendar.timeOfDay(atMillis: millis) }
}

extension Money {
    /// Amounts on receipts: `$1,234.56`.
    var receipt: TemplateValue { .text(formatted) }
}

extension Tender {
    var label: String {
        switch self {
        case .cash: "Cash"
        case .check: "Check"
        case .credit: "Credit"
        case .debit: "Debit"
        case .careCredit: "CareCredit"
        case .account: "Charged to account"
        }
    }
}

extension CardBrand {
    var label: String {
        switch self {
        case .visa: "Visa"
        case .mastercard: "Mastercard"
        case .amex: "Amex"
        case .discover: "Discover"
        case .careCredit: "CareCredit"
        case .other: "Card"
        }
    }
}

/// How a tender reads on a receipt: a card shows its brand, last 4 digits and authorization code, nothing more.
struct TenderText {
    var label: String
    var detail: String

    init(tender: Tender, cardBrand: CardBrand?, cardLast4: String?, authCode: String?, checkNumber: String?) {
        switch tender {
        case .credit, .debit, .careCredit:
            let brand = cardBrand?.label ?? tender.label
            let debit = tender == .debit ? " debit" : ""
            label = "\(brand)\(debit) ****\(cardLast4 ?? "")"
            detail = authCode.map { "Auth \($0)" } ?? ""
        case .check:
            label = checkNumber.map { "Check #\($0)" } ?? "Check"
            detail = ""
        case .cash, .account:
            label = tender.label
            detail = ""
        }
    }

    init(_ payment: InvoiceView.Payment) {
        self.init(
            tender: payment.tender,
            cardBrand: payment.cardBrand,
            cardLast4: payment.cardLast4,
            authCode: payment.authCode,
            checkNumber: payment.checkNumber
        )
    }
}
