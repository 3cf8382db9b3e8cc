import Foundation
import POSCore
import POSReports
import POSStorage

/// The deposit and card batch reports that need more than one store read: batch matching, and the day asked for.
public enum DepositReports {
    /// The day's card batches with their settlement, fees, bank credit and status, as matched with everything
    /// imported; statuses are as of today, or ten days after the day when it is further back.
    public static func batchMatching(
        _ day: BusinessDate,
        _ store: Store,
        viewer: Operator
    ) async throws -> CardBatchReport {
        var report = try await store.cardBatchDay(day, viewer: viewer)
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

    /// `--date`, or today's business day.
    public static func day(_ text: String?, _ store: Store) async throws -> BusinessDate {
        guard let text else { return try await store.businessDate(atMillis: store.currentMillis) }
        return try BusinessDate.parse(text, field: "--date")
    }
}
