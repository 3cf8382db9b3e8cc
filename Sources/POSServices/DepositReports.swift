import Foundation
import POSCore
import POSReports
import POSStorage

/// Turns the store's deposit and batch records into the report models of POSReports (which sees no database).
public enum DepositReports {
    public static func slip(_ record: DepositRecord) -> DepositSlip {
        func check(_ check: DepositRecord.Check) -> DepositSlip.Check {
            DepositSlip.Check(
                number: check.number,
                payer: check.payer,
                bank: check.bank,
                amount: check.amount,
                payment: check.payment,
                invoice: check.invoice,
                session: check.session
            )
        }
        return DepositSlip(
            id: record.id,
            businessDate: record.businessDate,
            clinic: record.clinic,
            preparedAt: record.preparedAt,
            preparedBy: record.preparedBy,
            terminal: record.terminal,
            note: record.note,
            sessions: record.sessions.map {
                DepositSlip.Session(
                    id: $0.id,
                    drawer: $0.drawer,
                    zNumber: $0.zNumber,
                    closedAt: $0.closedAt,
                    closedBy: $0.closedBy,
                    cash: $0.cash,
                    checks: $0.checks
                )
            },
            cash: record.cash.map {
                DepositSlip.CashLine(
                    denomination: $0.denomination,
                    name: $0.name,
                    form: $0.form,
                    quantity: $0.quantity,
                    amount: $0.amount
                )
            },
            checks: record.checks.map(check),
            exceptions: record.exceptions.map {
                DepositSlip.Exception(
                    // safe: the two kinds share their raw values (tested)
                    kind: DepositSlip.ExceptionKind(rawValue: $0.kind.rawValue)!,
                    drawer: $0.drawer,
                    session: $0.session,
                    checkNumber: $0.checkNumber,
                    check: $0.check.map(check)
                )
            }
        )
    }

    public static func report(_ day: DepositDay) -> DepositReport {
        DepositReport(
            date: day.date,
            clinic: day.clinic,
            deposits: day.deposits.map(slip),
            awaiting: day.awaiting.map {
                DepositReport.Awaiting(
                    drawer: $0.drawer,
                    session: $0.session,
                    zNumber: $0.zNumber,
                    closedAt: $0.closedAt,
                    closedOn: $0.closedOn,
                    cash: $0.cash,
                    checks: $0.checks
                )
            }
        )
    }

    public static func payment(_ payment: CardBatchRecord.Payment) -> CardBatch.Payment {
        CardBatch.Payment(
            number: payment.number,
            kind: payment.kind,
            tender: payment.tender,
            brand: payment.brand,
            last4: payment.last4,
            authCode: payment.authCode,
            terminal: payment.terminal,
            amount: payment.amount,
            atMillis: payment.atMillis,
            businessDate: payment.businessDate,
            invoice: payment.invoice,
            reverses: payment.reverses
        )
    }

    public static func batch(_ record: CardBatchRecord) -> CardBatch {
        CardBatch(
            id: record.id,
            terminal: record.terminal,
            businessDate: record.businessDate,
            sequence: record.sequence,
            closedAt: record.closedAt,
            closedBy: record.closedBy,
            reference: record.reference,
            reportedNet: record.reportedNet,
            payments: record.payments.map(payment)
        )
    }

    public static func report(_ day: CardBatchDay) -> CardBatchReport {
        CardBatchReport(
            date: day.date,
            clinic: day.clinic,
            payments: day.payments.map { (payment($0), $0.batch) },
            batches: day.batches.map(batch),
            open: day.open.map(payment)
        )
    }

    /// The day's card batches with their settlement, fees, bank credit and status, as matched with everything
    /// imported; statuses are as of today, or ten days after the day when it is further back.
    public static func batchMatching(
        _ day: BusinessDate,
        _ store: Store,
        viewer: Operator
    ) async throws -> CardBatchReport {
        var report = report(try await store.cardBatchDay(day, viewer: viewer))
        let data = try await ReconciliationData.load(store, viewer: viewer, through: day)
        let today = try await store.businessDate(atMillis: store.currentMillis)
        let asOf = min(today, day.adding(days: ReconciliationData.lateArrivalDays))
        let batches = data.inputs.batches.filter { $0.closedOn == day }
        let settlements = BatchSettlement.of(batches, inputs: data.inputs, result: data.result, asOf: asOf)
        report.settlement = CardBatchReport.Settlement(
            asOf: asOf,
            batches: settlements,
            payouts: PayoutComposition.of(
                Array(Set(settlements.flatMap(\.payouts))).sorted(),
                inputs: data.inputs,
                result: data.result
            )
        )
        return report
    }

    /// The deposit slip as the receipt printer prints it.
    public static func slipText(_ record: DepositRecord, calendar: BusinessCalendar) -> String {
        slip(record).text(calendar: calendar)
    }

    /// The card batches report of a day as the receipt printer prints it.
    public static func batchesText(_ day: CardBatchDay, calendar: BusinessCalendar) -> String {
        report(day).text(calendar: calendar)
    }

    /// `--date`, or today's business day.
    public static func day(_ text: String?, _ store: Store) async throws -> BusinessDate {
        guard let text else { return try await store.businessDate(atMillis: store.currentMillis) }
        return try BusinessDate.parse(text, field: "--date")
    }
}
