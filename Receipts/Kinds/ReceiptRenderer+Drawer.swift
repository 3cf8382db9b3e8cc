import POSCore
import POSReports

extension ReceiptRenderer {
    /// The X report (a running session, no reset) or the numbered Z report of a closed one.
    ///
    /// Prints what the report holds and nothing more: an X report made for the cashier before the blind count has no
    /// expected cash, and neither does its printout.
    public func drawerReport(_ report: DrawerReport, copy: Bool = false) throws(ReceiptLayoutError) -> Receipt {
        let denominations = report.denominations
        let movements = report.events.filter {
            [.paidIn, .paidOut, .safeDrop, .noSale, .adjustment, .handover].contains($0.kind)
        }
        var scope: TemplateScope = [
            "drawer": .text(report.drawer),
            "session": .text("\(report.session)"),
            "zNumber": .text(report.zNumber.map { "\($0)" } ?? ""),
            "state": .text(report.state.rawValue),
            "opened": .text("\(dateTime(report.openedAt)) by \(report.openedBy)"),
            "closed": .text(report.closedAt.map { "\(dateTime($0)) by \(report.closedBy ?? "")" } ?? ""),
            "openingCount": report.openingCount.total(denominations).receipt,
            "previousFloat": .text(report.previousFloat?.total(denominations).formatted ?? ""),
            "openingDifference": .text(
                report.openingDifference.flatMap { $0 == .zero ? nil : $0.formatted } ?? ""
            ),
            "tenders": .list(
                report.tenders.map { ["label": .text("\($0.tender.label) (\($0.count))"), "amount": $0.net.receipt] }
            ),
            "blind": .flag(report.figures == nil),
            "events": .list(
                movements.map { event in
                    let what =
                        switch event.kind {
                        case .handover: "Handover \(event.employee) to \(event.otherEmployee ?? "")"
                        case .noSale: "No sale by \(event.employee): \(event.reason ?? "")"
                        default: "\(Self.label(of: event.kind)) by \(event.employee): \(event.reason ?? "")"
                        }
                    let shown = event.kind == .noSale || event.kind == .handover ? "" : event.amount.formatted
                    return ["label": .text("\(time(event.atMillis)) \(what)"), "amount": .text(shown)]
                }
            ),
            "counts": .list(
                (report.counts ?? []).map { count in
                    [
                        "label": .text("\(Self.label(of: count.kind)) by \(count.cashier)"),
                        "counted": count.counted.receipt,
                        "expected": count.expected.receipt,
                        "overShort": count.overShort.receipt,
                    ]
                }
            ),
            "checksExpected": .text("Checks expected (\(report.expectedChecks.count))"),
            "checksExpectedTotal": report.expectedChecks.map(\.amount).sum().receipt,
            "checksCounted": .flag(report.checksCounted != nil),
            "missingChecks": .list(
                report.missingChecks.map {
                    [
                        "label": .text("MISSING check \($0.checkNumber ?? "") (payment \($0.number))"),
                        "amount": $0.amount.receipt,
                    ]
                }
            ),
            "unexpectedChecks": .list(report.unexpectedChecks.map { ["number": .text($0)] }),
            "cardBatches": .list(
                report.cardBatches.map { batch in
                    [
                        "terminal": .text(batch.terminal),
                        "recorded": batch.recorded.receipt,
                        "slip": .text(batch.slip?.formatted ?? ""),
                        "difference": .text(batch.difference?.formatted ?? ""),
                    ]
                }
            ),
            "note": .text(report.closeNote ?? ""),
            "approvedBy": .text(report.approvedBy ?? ""),
            "laterAdjustments": .list(
                report.laterAdjustments.map { ["label": .text($0.reason ?? ""), "amount": $0.amount.receipt] }
            ),
        ]
        if let checksCounted = report.checksCounted {
            let found = report.expectedChecks.filter { checksCounted.contains($0.checkNumber ?? "") }
            scope["checksCountedLabel"] = .text("Checks counted (\(checksCounted.count))")
            scope["checksCountedTotal"] = found.map(\.amount).sum().receipt
        } else {
            scope["checksCountedLabel"] = ""
            scope["checksCountedTotal"] = ""
        }
        if let figures = report.figures {
            scope["figures"] = .scope([
                "baseline": figures.baseline.receipt,
                "cashTendered": figures.cashTendered.receipt,
                "changeGiven": (-figures.changeGiven).receipt,
                "cashRefunds": figures.cashRefunds.receipt,
                "cashReversals": figures.cashReversals.receipt,
                "paidIn": figures.paidIn.receipt,
                "paidOut": figures.paidOut.receipt,
                "safeDrops": figures.safeDrops.receipt,
                "adjustments": figures.adjustments.receipt,
                "expectedCash": figures.expectedCash.receipt,
            ])
        } else {
            scope["figures"] = .flag(false)
        }
        if let floatKept = report.floatKept, let deposit = report.deposit {
            scope["closeOut"] = .scope([
                "floatKept": floatKept.total(denominations).receipt,
                "floatDetail": .text(floatKept.text(denominations)),
                "deposit": deposit.total(denominations).receipt,
                "depositDetail": .text(deposit.text(denominations)),
            ])
        } else {
            scope["closeOut"] = .flag(false)
        }
        return try render(report.kind == .z ? .zReport : .xReport, scope, copy: copy)
    }

    static func label(of kind: DrawerEventKind) -> String {
        switch kind {
        case .open: "Opening count"
        case .paidIn: "Paid in"
        case .paidOut: "Paid out"
        case .safeDrop: "Safe drop"
        case .noSale: "No sale"
        case .handover: "Handover"
        case .closeCount: "Close count"
        case .recount: "Recount"
        case .adjustment: "Adjustment"
        }
    }

    /// The bank deposit slip: cash by denomination, the checks, the total, and the checks left out.
    public func depositSlip(_ slip: DepositSlip, copy: Bool = false) throws(ReceiptLayoutError) -> Receipt {
        let scope: TemplateScope = [
            "deposit": .scope([
                "id": .text(slip.id),
                "businessDate": .text(slip.businessDate.text),
                "prepared": .text("\(dateTime(slip.preparedAt)) by \(slip.preparedBy)"),
                "terminal": .text(slip.terminal),
                "note": .text(slip.note ?? ""),
                "currencyTotal": slip.currencyTotal.receipt,
                "coinTotal": slip.coinTotal.receipt,
                "cashTotal": slip.cashTotal.receipt,
                "checkCount": .text("\(slip.checks.count)"),
                "checkTotal": slip.checkTotal.receipt,
                "total": slip.total.receipt,
            ]),
            "sessions": .list(
                slip.sessions.map {
                    [
                        "label": .text("Drawer \($0.drawer) Z#\($0.zNumber)"),
                        "cash": $0.cash.receipt,
                        "closed": .text("closed \(dateTime($0.closedAt)) by \($0.closedBy)"),
                    ]
                }
            ),
            "cash": .list(
                slip.cash.map { ["label": .text("\($0.name) x \($0.quantity)"), "amount": $0.amount.receipt] }
            ),
            "checks": .list(
                slip.checks.map { check in
                    [
                        "label": .text("#\(check.number) \(check.payer)"),
                        "amount": check.amount.receipt,
                        "bank": .text(check.bank),
                        "source": .text("payment \(check.payment)" + (check.invoice.map { ", invoice \($0)" } ?? "")),
                    ]
                }
            ),
            "exceptions": .list(
                slip.exceptions.map { exception in
                    let zNumber = slip.sessions.first { $0.id == exception.session }.map { " Z#\($0.zNumber)" } ?? ""
                    let payment = exception.check.map { ", payment \($0.payment)" } ?? ""
                    return [
                        "label": .text(
                            "\(exception.kind.label) #\(exception.checkNumber)"
                                + (exception.check.map { " \($0.payer)" } ?? "")
                        ),
                        "amount": .text(exception.check?.amount.formatted ?? ""),
                        "explanation": .text(
                            "\(exception.drawer)\(zNumber)\(payment): \(exception.kind.explanation)"
                        ),
                    ]
                }
            ),
        ]
        return try render(.depositSlip, scope, copy: copy)
    }
}
