import Foundation

/// A calendar day of the clinic, `YYYY-MM-DD`, in the clinic's own time zone.
public struct BusinessDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let text: String

    /// The years a date may be given in: wide enough for any clinic's records and statements, and narrow enough that
    /// date arithmetic (a settlement window, the next day) always stays a four-digit year.
    public static let supportedYears = 1900...2999

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            Self.supportedYears.contains(year),
            (1...12).contains(month), (1...BusinessDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.text = text
    }

    /// A date a person typed or a file holds, or a refusal naming the field: not `YYYY-MM-DD`, not a real day, or a
    /// year outside ``supportedYears``.
    public static func parse(_ text: String, field: String) throws(POSError) -> BusinessDate {
        guard let date = BusinessDate(text) else {
            throw .invalid(
                field: field,
                reason: "'\(text.prefix(40))' is not a date YYYY-MM-DD from \(supportedYears.lowerBound) to "
                    + "\(supportedYears.upperBound)",
                code: "date.invalid"
            )
        }
        return date
    }

    /// A date computed from a valid one (not parsed from input).
    fileprivate init(year: Int, month: Int, day: Int) {
        text = String(format: "%04d-%02d-%02d", year, month, day)
    }

    public var description: String { text }

    /// The year, month and day (checked when the date was made, so never out of range).
    public var parts: (year: Int, month: Int, day: Int) {
        let fields = text.split(separator: "-").map { Int($0) ?? 1 }
        guard fields.count == 3 else { return (2000, 1, 1) }
        return (fields[0], fields[1], fields[2])
    }
    public static func < (lhs: BusinessDate, rhs: BusinessDate) -> Bool { lhs.text < rhs.text }

    /// `20250314`: the date without dashes, for ids such as deposit slips and card batches.
    public var compact: String { text.replacingOccurrences(of: "-", with: "") }

    /// The date `days` calendar days later (earlier when negative). Steps are bounded to ±100 years, so a result is
    /// always a real date with a four-digit year, whatever the caller passes.
    public func adding(days: Int) -> BusinessDate {
        let step = min(max(days, -36_525), 36_525)
        let (year, month, day) = Self.civil(fromDays: daysSinceEpoch + step)
        return BusinessDate(year: year, month: month, day: day)
    }

    /// Calendar days from this date to `other` (negative when `other` is earlier).
    public func days(until other: BusinessDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// Every day from `first` to `last`, both included (none when `last` is earlier).
    public static func days(from first: BusinessDate, through last: BusinessDate) -> [BusinessDate] {
        guard first <= last else { return [] }
        return (0...first.days(until: last)).map { first.adding(days: $0) }
    }

    /// The one check of a date range from a person (CLI option, query parameter): `last` not before `first`, and at
    /// most `maximumDays` days, decided by arithmetic rather than by listing the days of a range of centuries.
    public static func checkRange(
        from first: BusinessDate,
        through last: BusinessDate,
        maximumDays: Int,
        field: String
    ) throws(POSError) {
        guard first <= last else {
            throw .invalid(field: field, reason: "\(last) is before \(first)", code: "dateRange.reversed")
        }
        guard first.days(until: last) < maximumDays else {
            throw .invalid(
                field: field,
                reason: "at most \(maximumDays) days at a time (\(first) to \(last))",
                code: "dateRange.tooLong"
            )
        }
    }

    var daysSinceEpoch: Int {
        let parts = text.split(separator: "-").map { Int($0) ?? 0 }
        guard parts.count == 3 else { return 0 }
        return Self.days(year: parts[0], month: parts[1], day: parts[2])
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number since 1970-01-01 (`civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = BusinessDate(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not a date (YYYY-MM-DD)"
            )
        }
        self = date
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// Turns instants into the clinic's business days and back.
///
/// A business day starts at the clinic's cut-off (``dayCutoff`` minutes after local midnight, 0 by default): an
/// instant whose local wall-clock time is before the cut-off belongs to the previous calendar date. The cut-off is a
/// wall-clock time, not a fixed offset from midnight, so across a daylight-saving change 06:00 stays 06:00.
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    /// Minutes after local midnight when the business day starts (0...1439).
    public let dayCutoff: Int
    private let calendar: Calendar

    public init(timeZoneIdentifier: String, dayCutoff: Int = 0) throws(POSError) {
        guard let zone = TimeZone(identifier: timeZoneIdentifier) else {
            throw .invalid(field: "timeZone", reason: "'\(timeZoneIdentifier)' is not a known time zone")
        }
        guard (0...1439).contains(dayCutoff) else {
            throw .invalid(
                field: "dayCutoff",
                reason: "\(dayCutoff) is not a time of day in minutes after midnight (0 to 1439, e.g. 360 for 06:00)"
            )
        }
        timeZone = zone
        self.dayCutoff = dayCutoff
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// The business day of an instant given in milliseconds since 1970: the local date, or the day before it when the
    /// local time is earlier than the cut-off.
    public func businessDate(atMillis millis: Int64) -> BusinessDate {
        let date = Date(timeIntervalSince1970: TimeInterval(millis / 1000))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let year = min(
            max(parts.year ?? 2000, BusinessDate.supportedYears.lowerBound),
            BusinessDate.supportedYears.upperBound
        )
        let local = BusinessDate(year: year, month: parts.month ?? 1, day: parts.day ?? 1)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0) < dayCutoff ? local.adding(days: -1) : local
    }

    /// Milliseconds since 1970 when a business day starts: its date at the cut-off, local time.
    public func startMillis(of day: BusinessDate) -> Int64 {
        millis(of: day, hour: dayCutoff / 60, minute: dayCutoff % 60)
    }

    /// Local wall-clock time `HH:MM` of an instant.
    public func timeOfDay(atMillis millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(millis / 1000))
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Milliseconds since 1970 at a local wall-clock time of a calendar date (the cut-off plays no part).
    public func millis(of day: BusinessDate, hour: Int, minute: Int) -> Int64 {
        let parts = day.parts
        let components = DateComponents(
            year: parts.year,
            month: parts.month,
            day: parts.day,
            hour: hour,
            minute: minute
        )
        // A real date of 1900–2999 always has an instant; midnight UTC of 1970 would only ever show a bug.
        let instant = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return Int64(instant.timeIntervalSince1970) * 1000
    }
}
