import Foundation
import GRDB
import POSCore

extension Store {
    /// The day's report, computed from stored rows by indexed queries on the business date.
    /// The day's report. A `viewer` who may not see drawer totals gets it without its cash figures while a drawer
    /// is open for a blind count (as the X report); without a viewer (exports, the demo) it is whole.
    public func dayReport(_ date: BusinessDate, viewer: Operator? = nil) async throws -> DayReport {
        let report = try await wholeDayReport(date)
        guard let viewer, !viewer.employee.role.may(.viewDrawerTotals) else { return report }
        let blind = try await read { db in
            try Self.policy(db).drawer.blindCount
                && (try Bool.fetchOne(cached: db, sql: "SELECT 1 FROM drawerSession WHERE state = 'open' LIMIT 1")
                    ?? false)
        }
        return blind ? report.hidingCash() : report
    }

    private func wholeDayReport(_ date: BusinessDate) async throws -> DayReport {
        try await read { db in
            let policy = try Self.policy(db)
            let day = date.text
            let categories = try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT l.kind, COUNT(*) AS lines, SUM(l.extended) AS gross, SUM(l.discount) AS discounts, SUM(l.tax) AS tax
                    FROM invoice i JOIN invoiceLine l ON l.invoiceNumber = i.number
                    WHERE i.businessDate = ? AND i.status = 'posted'
                      AND NOT EXISTS (SELECT 1 FROM invoiceVoid v WHERE v.invoiceNumber = i.number)
                    GROUP BY l.kind
                    """,
                arguments: [day]
            ).map {
                DayReport.Category(
                    // safe: the schema's CHECK constraint admits only these values
                    kind: ItemKind(rawValue: $0["kind"])!,
                    lines: $0["lines"],
                    gross: Money(minorUnits: $0["gross"]),
                    discounts: Money(minorUnits: $0["discounts"]),
                    tax: Money(minorUnits: $0["tax"])
                )
                // safe: every case is in allCases
            }.sorted { ItemKind.allCases.firstIndex(of: $0.kind)! < ItemKind.allCases.firstIndex(of: $1.kind)! }
            let discounts = try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT d.class, COUNT(*) AS count, SUM(d.amount) AS amount
                    FROM invoice i JOIN invoiceDiscount d ON d.invoiceNumber = i.number
                    WHERE i.businessDate = ? AND i.status = 'posted'
                      AND NOT EXISTS (SELECT 1 FROM invoiceVoid v WHERE v.invoiceNumber = i.number)
                    GROUP BY d.class ORDER BY d.class
                    """,
                arguments: [day]
            ).map {
                DayReport.DiscountClassTotal(
                    // safe: the schema's CHECK constraint admits only these values
                    discountClass: DiscountClass(rawValue: $0["class"])!,
                    count: $0["count"],
                    amount: Money(minorUnits: $0["amount"])
                )
            }
            let tenders = try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT tender,
                        SUM(kind = 'payment') AS payments,
                        SUM(CASE WHEN kind = 'payment' THEN amount ELSE 0 END) AS received,
                        SUM(CASE WHEN kind = 'refund' THEN amount ELSE 0 END) AS refunded,
                        SUM(CASE WHEN kind = 'reversal' THEN amount ELSE 0 END) AS reversed,
                        SUM(change) AS change
                    FROM payment WHERE businessDate = ? GROUP BY tender
                    """,
                arguments: [day]
            )
            let tenderTotals = tenders.map {
                DayReport.TenderTotal(
                    // safe: the schema's CHECK constraint admits only these values
                    tender: Tender(rawValue: $0["tender"])!,
                    payments: $0["payments"],
                    received: Money(minorUnits: $0["received"]),
                    refunded: Money(minorUnits: $0["refunded"]),
                    reversed: Money(minorUnits: $0["reversed"])
                )
                // safe: every case is in allCases
            }.sorted { Tender.allCases.firstIndex(of: $0.tender)! < Tender.allCases.firstIndex(of: $1.tender)! }
            let change = tenders.map { Money(minorUnits: $0["change"]) }.sum()
            let refundCredits =
                -(try Int64.fetchOne(
                    cached: db,
                    sql: "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE businessDate = ? AND kind = 'refund'",
                    arguments: [day]
                    // safe: an aggregate query always returns one row
                )!)
            let posted = try Int.fetchOne(
                cached: db,
                sql: "SELECT COUNT(*) FROM invoice WHERE businessDate = ? AND status = 'posted'",
                arguments: [day]
                // safe: an aggregate query always returns one row
            )!
            let voided = try Int.fetchOne(
                cached: db,
                sql: "SELECT COUNT(*) FROM invoiceVoid WHERE businessDate = ?",
                arguments: [day]
                // safe: an aggregate query always returns one row
            )!
            // safe: COUNT(*) always returns one row
            let open = try Int.fetchOne(
                cached: db,
                sql:
                    "SELECT COUNT(*) FROM invoice WHERE status = 'open' AND number NOT IN (SELECT invoiceNumber FROM invoiceCancel)"
                    // safe: COUNT(*) always returns one row
            )!
            return DayReport(
                date: date,
                clinic: policy.clinicName,
                invoicesPosted: posted,
                invoicesVoided: voided,
                invoicesOpen: open,
                categories: categories,
                discountsByClass: discounts,
                tenders: tenderTotals,
                changeGiven: change,
                refundCredits: Money(minorUnits: refundCredits)
            )
        }
    }

    /// The business day an instant falls on, by the clinic's time zone.
    public func businessDate(atMillis millis: Int64) async throws -> BusinessDate {
        try await read { db in try Self.calendar(db).businessDate(atMillis: millis) }
    }

    public var currentMillis: Int64 { now() }
}
