import Foundation
import GRDB
import POSCore

extension Store {
    /// What the bookkeeper's export needs of one closed business day, read from stored rows only.
    public struct ExportDay: Sendable {
        /// A drawer session closed on the day, with its counts' results and its events.
        public struct ClosedDrawer: Sendable {
            public var drawer: String
            public var session: Int64
            public var zNumber: Int
            public var counts: [CountResult]
            public var events: [DrawerEvent]
        }

        public var report: DayReport
        public var closedDrawers: [ClosedDrawer]
        /// Every check-tender payment, refund and reversal dated on the day, by number.
        public var checks: [PaymentRecord]
    }

    public struct ExportSource: Sendable {
        public var clinic: String
        public var timeZone: String
        /// The days of the range that have anything on them, in date order.
        public var days: [ExportDay]
    }

    /// The closed business days from `first` to `last`, for the bookkeeper's export. Only reads.
    ///
    /// A day is closed once it is over in the clinic's time zone and every drawer session holding its payments is
    /// closed (its over/short is known only then). Anything else is refused: an export of a day that can still change
    /// would not be the same file when exported again.
    public func exportDays(from first: BusinessDate, through last: BusinessDate) async throws -> ExportSource {
        let today = try await businessDate(atMillis: now())
        guard last < today else {
            throw POSError.conflict(
                "business day \(last) is not over yet (today is \(today)): only closed days are exported",
                code: "export.dayNotOver"
            )
        }
        let (policy, drawers, checks) = try await read { db in
            let policy = try Self.policy(db)
            let calendar = try policy.calendar()
            if let open = try Row.fetchOne(
                cached: db,
                sql: """
                    SELECT p.businessDate, s.drawer, s.id, s.state FROM payment p JOIN drawerSession s ON s.id = p.drawerSession
                    WHERE p.businessDate BETWEEN ? AND ? AND s.state <> 'closed' ORDER BY p.businessDate LIMIT 1
                    """,
                arguments: [first.text, last.text]
            ) {
                let state: String = open["state"]
                let day: String = open["businessDate"]
                let drawer: String = open["drawer"]
                let session: Int64 = open["id"]
                throw POSError.conflict(
                    "business day \(day) is not closed: drawer \(drawer) session \(session) holding its payments is "
                        + (state == "open" ? "still open" : "counted but not verified"),
                    code: "export.dayNotClosed"
                )
            }
            var drawers: [BusinessDate: [ExportDay.ClosedDrawer]] = [:]
            for row in try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT id, drawer, zNumber, closedAt FROM drawerSession
                    WHERE state = 'closed' AND closedAt >= ? ORDER BY closedAt, id
                    """,
                arguments: [calendar.millis(of: first, hour: 0, minute: 0)]
            ) {
                let day = calendar.businessDate(atMillis: row["closedAt"])
                guard day >= first, day <= last else { continue }
                let id: Int64 = row["id"]
                let events = try Self.drawerEvents(id, db)
                let counts = DrawerLedger.countResults(
                    events: events,
                    payments: try Self.drawerPayments(id, db),
                    denominations: policy.drawer.denominations
                )
                drawers[day, default: []].append(
                    ExportDay.ClosedDrawer(
                        drawer: row["drawer"],
                        session: id,
                        zNumber: row["zNumber"],
                        counts: counts,
                        events: events
                    )
                )
            }
            var checks: [BusinessDate: [PaymentRecord]] = [:]
            for row in try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT * FROM payment WHERE businessDate BETWEEN ? AND ? AND tender = 'check'
                    ORDER BY businessDate, number
                    """,
                arguments: [first.text, last.text]
            ) {
                let record = Self.paymentRecord(row)
                checks[record.businessDate, default: []].append(record)
            }
            return (policy, drawers, checks)
        }
        var days: [ExportDay] = []
        var day = first
        while day <= last {
            let report = try await dayReport(day)
            let closed = drawers[day] ?? []
            if !report.categories.isEmpty || !report.tenders.isEmpty || !closed.isEmpty {
                days.append(ExportDay(report: report, closedDrawers: closed, checks: checks[day] ?? []))
            }
            day = day.adding(days: 1)
        }
        return ExportSource(clinic: policy.clinicName, timeZone: policy.timeZone, days: days)
    }

}
