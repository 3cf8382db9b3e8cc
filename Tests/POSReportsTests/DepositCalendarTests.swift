import Foundation
import POSCore
import Testing

/// The business-day cut-off of ``BusinessCalendar`` and ``ClinicPolicy/dayCutoff``, across daylight-saving changes.
@Suite struct DepositCalendarTests {
    static let chicago = try! BusinessCalendar(timeZoneIdentifier: "America/Chicago")
    static let chicago6 = try! BusinessCalendar(timeZoneIdentifier: "America/Chicago", dayCutoff: 360)

    static func day(_ text: String) -> BusinessDate { BusinessDate(text)! }

    /// Milliseconds of a local wall-clock time in Chicago, built without the calendar under test.
    static func local(_ text: String) -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "America/Chicago")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return Int64(formatter.date(from: text)!.timeIntervalSince1970) * 1000
    }

    @Test(arguments: [
        // An ordinary day: 02:00 is the day before, 06:00 starts the day.
        ("2025-03-05 02:00", "2025-03-04", "2025-03-05"),
        ("2025-03-05 05:59", "2025-03-04", "2025-03-05"),
        ("2025-03-05 06:00", "2025-03-05", "2025-03-05"),
        ("2025-03-05 23:59", "2025-03-05", "2025-03-05"),
        ("2025-03-05 00:00", "2025-03-04", "2025-03-05"),
        // Spring forward (2025-03-09, 02:00 CST → 03:00 CDT): 06:00 CDT is only 5 hours after midnight, and still
        // starts the day; a fixed 6-hour offset from the instant would put 06:30 on the 8th.
        ("2025-03-09 01:59", "2025-03-08", "2025-03-09"),
        ("2025-03-09 03:00", "2025-03-08", "2025-03-09"),
        ("2025-03-09 05:59", "2025-03-08", "2025-03-09"),
        ("2025-03-09 06:00", "2025-03-09", "2025-03-09"),
        ("2025-03-09 06:30", "2025-03-09", "2025-03-09"),
        // Fall back (2025-11-02, 02:00 CDT → 01:00 CST): both 01:30s are the 1st's; 06:00 CST starts the 2nd.
        ("2025-11-02 01:30", "2025-11-01", "2025-11-02"),
        ("2025-11-02 05:59", "2025-11-01", "2025-11-02"),
        ("2025-11-02 06:00", "2025-11-02", "2025-11-02"),
        // Year and month ends.
        ("2026-01-01 05:00", "2025-12-31", "2026-01-01"),
        ("2024-03-01 03:00", "2024-02-29", "2024-03-01"),
    ])
    func theCutoffIsALocalWallClockTime(local: String, withCutoff: String, atMidnight: String) {
        let millis = Self.local(local)
        #expect(Self.chicago6.businessDate(atMillis: millis) == Self.day(withCutoff), "\(local)")
        #expect(Self.chicago.businessDate(atMillis: millis) == Self.day(atMidnight), "\(local)")
    }

    @Test func bothInstantsOfTheRepeatedHourBelongToTheDayBefore() {
        let first = Self.local("2025-11-02 00:30") + 60 * 60_000  // 01:30 CDT
        let second = first + 60 * 60_000  // 01:30 CST
        #expect(Self.chicago.timeOfDay(atMillis: first) == "01:30")
        #expect(Self.chicago.timeOfDay(atMillis: second) == "01:30")
        #expect(Self.chicago6.businessDate(atMillis: first) == Self.day("2025-11-01"))
        #expect(Self.chicago6.businessDate(atMillis: second) == Self.day("2025-11-01"))
        // The business day of the change is 25 hours long, the spring one 23.
        let fall =
            Self.chicago6.startMillis(of: Self.day("2025-11-02"))
            - Self.chicago6.startMillis(of: Self.day("2025-11-01"))
        let spring =
            Self.chicago6.startMillis(of: Self.day("2025-03-09"))
            - Self.chicago6.startMillis(of: Self.day("2025-03-08"))
        #expect(fall == 25 * 3_600_000)
        #expect(spring == 23 * 3_600_000)
        #expect(Self.chicago6.startMillis(of: Self.day("2025-03-09")) == Self.local("2025-03-09 06:00"))
    }

    @Test func everyInstantOfAYearFallsOnTheDayThatStartedBeforeIt() {
        // Every 29 minutes through 2025: the business day is the last one whose start is not after the instant.
        var millis = Self.local("2025-01-01 06:00")
        var day = Self.day("2025-01-01")
        let end = Self.local("2026-01-01 06:00")
        while millis < end {
            if millis >= Self.chicago6.startMillis(of: day.adding(days: 1)) { day = day.adding(days: 1) }
            #expect(Self.chicago6.businessDate(atMillis: millis) == day)
            if Self.chicago6.businessDate(atMillis: millis) != day { break }
            millis += 29 * 60_000
        }
        #expect(day == Self.day("2025-12-31"))
    }

    @Test func aCutoffOutsideTheDayIsRefused() {
        for minutes in [-1, 1440] {
            #expect(throws: POSError.self) { _ = try BusinessCalendar(timeZoneIdentifier: "UTC", dayCutoff: minutes) }
            let policy = ClinicPolicy(dayCutoff: minutes)
            #expect(throws: POSError.self) { try policy.validate() }
        }
        #expect(throws: Never.self) { try ClinicPolicy(dayCutoff: 1439).validate() }
        #expect(try! ClinicPolicy(dayCutoff: 90).calendar().dayCutoff == 90)
    }

    @Test func olderSettingsWithoutACutoffCutAtMidnight() throws {
        var json = String(decoding: try JSONEncoder().encode(ClinicPolicy(dayCutoff: 360)), as: UTF8.self)
        #expect(json.contains("\"dayCutoff\":360"))
        #expect(try JSONDecoder().decode(ClinicPolicy.self, from: Data(json.utf8)).dayCutoff == 360)
        json = json.replacingOccurrences(of: ",\"dayCutoff\":360", with: "")
            .replacingOccurrences(of: "\"dayCutoff\":360,", with: "")
        #expect(!json.contains("dayCutoff"))
        let older = try JSONDecoder().decode(ClinicPolicy.self, from: Data(json.utf8))
        #expect(older.dayCutoff == 0)
        #expect(older == ClinicPolicy(dayCutoff: 0))
    }

    @Test(arguments: [
        ("2025-03-14", 1, "2025-03-15"), ("2025-02-28", 1, "2025-03-01"), ("2024-02-28", 1, "2024-02-29"),
        ("2024-03-01", -1, "2024-02-29"), ("2025-12-31", 1, "2026-01-01"), ("2026-01-01", -1, "2025-12-31"),
        ("2000-02-28", 1, "2000-02-29"), ("1900-02-28", 1, "1900-03-01"), ("2025-03-14", 365, "2026-03-14"),
        ("2025-03-14", -4_000, "2014-04-01"), ("2025-03-14", 0, "2025-03-14"),
    ])
    func datesAddDays(from: String, days: Int, to: String) {
        #expect(Self.day(from).adding(days: days) == Self.day(to))
        #expect(Self.day(to).adding(days: -days) == Self.day(from))
        #expect(Self.day(from).compact == from.replacingOccurrences(of: "-", with: ""))
    }
}
