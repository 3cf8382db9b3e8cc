/// Why the cash drawer is opened. The drawer opens only to put cash or checks in, hand change out, or for a
/// paid-in, a paid-out or a logged no-sale; a card or account payment never opens it.
public enum DrawerOpening: Hashable, Sendable {
    /// A sale, payment or refund: the tenders that moved and the change handed back.
    case payment(tenders: [Tender], change: Money)
    case paidIn
    case paidOut
    /// Permission-checked and journaled by the store before the drawer is kicked.
    case noSale

    /// The one rule of when the drawer may open.
    public var opensDrawer: Bool {
        switch self {
        case .payment(let tenders, let change): tenders.contains(where: \.goesInDrawer) || change.isPositive
        case .paidIn, .paidOut, .noSale: true
        }
    }

    /// The payments of an invoice that were taken by one command: what moved at the desk.
    public static func payments(_ payments: [InvoiceView.Payment]) -> DrawerOpening {
        .payment(tenders: payments.map(\.tender), change: payments.map(\.change).sum())
    }
}
