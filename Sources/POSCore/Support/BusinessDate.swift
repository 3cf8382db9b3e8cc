import Foundation

/// A calendar day of the clinic, `YYYY-MM-DD`, in the clinic's own time zone.
public struct BusinessDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let text: String

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...BusinessDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.text = text
    }

    public var description: String { text }
    public static func < (lhs: BusinessDate, rhs: BusinessDate) -> Bool { lhs.text < rhs.text }

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
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZoneIdentifier: String) throws(POSError) {
        guard let zone = TimeZone(identifier: timeZoneIdentifier) else {
            throw .invalid(field: "timeZone", reason: "'\(timeZoneIdentifier)' is not a known time zone")
        }
        timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// The business day of an instant given in milliseconds since 1970.
    public func businessDate(atMillis millis: Int64) -> BusinessDate {
        let date = Date(timeIntervalSince1970: TimeInterval(millis / 1000))
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let text = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        return BusinessDate(text)!
    }

    /// Local wall-clock time `HH:MM` of an instant.
    public func timeOfDay(atMillis millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(millis / 1000))
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour!, parts.minute!)
    }

    /// Milliseconds since 1970 at a local wall-clock time of a business day.
    public func millis(of day: BusinessDate, hour: Int, minute: Int) -> Int64 {
        let parts = day.text.split(separator: "-").map { Int($0)! }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: hour, minute: minute)
        return Int64(calendar.date(from: components)!.timeIntervalSince1970) * 1000
    }
}
