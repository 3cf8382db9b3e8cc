import Foundation
import POSCore
import POSReports
import POSStorage

/// The bookkeeper's export: stored days as summary entries (shared by the CLI and the server).
public enum ExportEntries {
    /// One stored day as the export's summary entry.
    public static func entry(_ day: Store.ExportDay) throws -> DailyEntry {
        let drawer = DailyEntry.DrawerDay(
            sessions: day.closedDrawers.map { closed in
                (label: "\(closed.drawer) Z\(closed.zNumber)", counts: closed.counts, events: closed.events)
            }
        )
        return try DailyEntry.build(report: day.report, drawer: drawer, checks: day.checks)
    }
}
