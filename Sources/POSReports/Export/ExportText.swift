import Foundation
import POSCore

/// Text, amounts and dates as every export writes them (FORMATS.md §2).
public enum ExportText {
    /// `-?digits.dd` from integer minor units: no thousands separator, no currency sign, never `-0.00`.
    public static func amount(_ money: Money) -> String { money.description }

    /// Free text with control characters (TAB, CR, LF included) turned into spaces, runs of spaces made one, and the
    /// ends trimmed: a TAB in an IIF memo would shift its columns, a line break would end a QIF or CSV field.
    public static func clean(_ text: String) -> String {
        var out = ""
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            let isSpace =
                scalar == " " || category == .control || category == .lineSeparator
                || category == .paragraphSeparator || category == .spaceSeparator || category == .format
            if isSpace {
                if !lastWasSpace { out.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    /// ``clean(_:)`` then transliterated to printable ASCII (`é` → `e`, `ß` → `ss`, `“` → `"`); what has no ASCII
    /// form becomes `?`. For OFX 1 (`ENCODING:USASCII`), QBO and IIF.
    public static func ascii(_ text: String) -> String {
        let folded = clean(text).folding(
            options: [.diacriticInsensitive, .widthInsensitive],
            locale: Locale(identifier: "en_US_POSIX")
        )
        var out = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else if let replacement = transliterations[scalar] {
                out += replacement
            } else {
                out += "?"
            }
        }
        return out
    }

    private static let transliterations: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d",
        "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ı": "i", "‘": "'", "’": "'", "‚": "'", "“": "\"", "”": "\"",
        "„": "\"", "–": "-", "—": "-", "‐": "-", "‑": "-", "…": "...", "€": "EUR", "£": "GBP", "·": ".", "×": "x",
        "«": "\"", "»": "\"",
    ]

    /// At most `limit` characters.
    public static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)).trimmingTrailingSpaces()
    }

    /// `&`, `<`, `>` as entities: OFX 1 (SGML) and OFX 2 (XML) alike.
    public static func markup(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// One CSV cell of free text (RFC 4180): cleaned, a leading `=`, `+`, `-` or `@` defused with `'` (a spreadsheet
    /// would run it as a formula), quoted when it holds a comma or a quote.
    public static func csvText(_ text: String) -> String {
        var value = clean(text)
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        return csvField(value)
    }

    /// A CSV cell as is (amounts, dates, ids), quoted only if it must be.
    public static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A journal description or memo: cleaned, without `;` (hledger starts a comment there, ledger does not).
    public static func journal(_ text: String) -> String {
        clean(text.replacingOccurrences(of: ";", with: ","))
    }

    // MARK: Dates

    /// `20250314`.
    public static func compact(_ date: BusinessDate) -> String { date.text.replacingOccurrences(of: "-", with: "") }

    /// `03/14/2025`: QuickBooks IIF and Xero's US date order.
    public static func monthDayYear(_ date: BusinessDate) -> String {
        let parts = date.text.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }

    /// An OFX date-time of a business day at a local wall-clock time, with the clinic's UTC offset at that instant:
    /// `20250314120000.000[-5:CDT]`. Offsets that are not whole hours are written in decimal hours (`+5.5`), the
    /// form ofxtools reads; the zone name is written only where it is known for certain.
    public static func ofxDateTime(
        _ date: BusinessDate,
        hour: Int,
        minute: Int,
        second: Int,
        in zone: TimeZone
    ) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = date.parts
        let components = DateComponents(
            year: parts.year,
            month: parts.month,
            day: parts.day,
            hour: hour,
            minute: minute,
            second: second
        )
        // A wall-clock time that does not exist (inside a spring-forward gap) resolves to the next valid instant.
        let instant = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        let seconds = zone.secondsFromGMT(for: instant)
        let magnitude = abs(seconds)
        var offset = (seconds < 0 ? "-" : seconds > 0 ? "+" : "") + "\(magnitude / 3600)"
        let quarterHours = magnitude % 3600 / 900
        if quarterHours > 0 { offset += [".25", ".5", ".75"][quarterHours - 1] }
        let name = zoneName(zone.identifier, daylight: zone.isDaylightSavingTime(for: instant))
        let time = String(format: "%02d%02d%02d", hour, minute, second)
        return "\(compact(date))\(time).000[\(offset)\(name.map { ":\($0)" } ?? "")]"
    }

    private static func zoneName(_ identifier: String, daylight: Bool) -> String? {
        let names: (String, String)? =
            switch identifier {
            case "America/New_York", "America/Detroit", "America/Indiana/Indianapolis", "America/Kentucky/Louisville",
                "US/Eastern":
                ("EST", "EDT")
            case "America/Chicago", "America/Indiana/Knox", "America/Menominee", "America/North_Dakota/Center",
                "US/Central":
                ("CST", "CDT")
            case "America/Denver", "America/Boise", "US/Mountain": ("MST", "MDT")
            case "America/Phoenix", "US/Arizona": ("MST", "MST")
            case "America/Los_Angeles", "US/Pacific": ("PST", "PDT")
            case "America/Anchorage", "US/Alaska": ("AKST", "AKDT")
            case "Pacific/Honolulu", "US/Hawaii": ("HST", "HST")
            case "UTC", "Etc/UTC", "GMT", "Etc/GMT": ("UTC", "UTC")
            default: nil
            }
        guard let names else { return nil }
        return daylight ? names.1 : names.0
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
