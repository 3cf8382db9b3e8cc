import Foundation
import POSCore
import Synchronization

/// Shared strict readers for the importers: text, amounts, dates, ids, CSV tables and progress.
enum ImportText {
    /// The file as UTF-8 text (a byte-order mark is dropped); anything else is refused.
    static func utf8(_ data: Data, source: String) throws(POSError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalid(field: source, reason: "is not UTF-8 text", code: "file.notUTF8")
        }
        return text
    }

    /// Physical lines of a text: line breaks, plus one for a last line without a break.
    static func lineCount(_ text: String) -> Int {
        var count = 0
        var last: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") { count += 1 }
            last = byte
        }
        return count + (text.utf8.isEmpty || last == UInt8(ascii: "\n") ? 0 : 1)
    }

    /// An id from a file: 1–255 printable characters without control characters, trimmed of surrounding spaces.
    static func id(_ text: String, field: @autoclosure () -> String) throws(POSError) -> String {
        let value = trimmed(text)
        guard !value.isEmpty else { throw .invalid(field: field(), reason: "is empty (every line needs its id)") }
        guard value.utf8.count <= 255 || value.count <= 255 else {
            throw .invalid(field: field(), reason: "is longer than 255 characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw .invalid(field: field(), reason: "contains control characters")
        }
        return value
    }

    /// The text without surrounding spaces and tabs (fast when there are none, as in nearly every field).
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard blank(first) || blank(last) else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// An optional id: nil when empty.
    static func optionalID(_ text: String, field: @autoclosure () -> String) throws(POSError) -> String? {
        trimmed(text).isEmpty ? nil : try id(text, field: field())
    }

    /// Free text with control characters turned into spaces and runs of spaces kept as they are, trimmed.
    static func clean(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return trimmed(text) }
        let scalars = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }
        return String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
    }

    /// A 3-letter ISO 4217 code, upper-cased. Currencies without exactly two minor digits are refused: their
    /// amounts would be read a hundred times too large or too small.
    static func currency(_ text: String, field: @autoclosure () -> String) throws(POSError) -> String {
        if text == "usd" || text == "USD" { return "USD" }
        let code = trimmed(text).uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalid(
                field: field(),
                reason: "'\(text)' is not a currency code such as USD",
                code: "currency.invalid"
            )
        }
        guard !notTwoDecimals.contains(code) else {
            throw .invalid(
                field: field(),
                reason: "\(code) does not have 2 decimals; VetPOS imports amounts in currencies with cents",
                code: "currency.noCents"
            )
        }
        return code
    }

    static let notTwoDecimals: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
        "XOF", "XPF", "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
    ]

    /// A card brand as processors write it (`Visa`, `MasterCard`, `American Express`, `amex`, …); nil when empty.
    static func cardBrand(_ text: String) -> CardBrand? {
        let key = text.lowercased().filter { $0.isLetter }
        switch key {
        case "": return nil
        case "visa": return .visa
        case "mastercard", "mc", "master": return .mastercard
        case "amex", "americanexpress": return .amex
        case "discover", "discovernetwork", "novus": return .discover
        case "carecredit": return .careCredit
        default: return .other
        }
    }

    /// A short fingerprint of some fields, for ids derived from a line's content.
    static func fingerprint(_ parts: [String]) -> String {
        String(SHA256.hexDigest(parts.joined(separator: "\u{1F}")).prefix(20))
    }
}

/// Exact amounts: `-?digits[.d[d]]`, nothing else; a refused amount says what is wrong with it.
enum ImportAmount {
    static func parse(_ text: String, field: @autoclosure () -> String) throws(POSError) -> Money {
        if let amount = Money(parsing: text) { return amount }
        throw .invalid(field: field(), reason: problem(text), code: "amount.invalid")
    }

    /// Why `text` is not a plain amount, in words a bookkeeper can act on.
    static func problem(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "is empty (write an amount such as 12.50)" }
        let unsigned = trimmed.hasPrefix("-") ? String(trimmed.dropFirst()) : trimmed
        if unsigned.contains(","),
            unsigned.wholeMatch(of: /[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?/) != nil
        {
            let plain = trimmed.replacingOccurrences(of: ",", with: "")
            return "'\(text)' has a thousands separator (write \(plain); '1,234.56' is read as 1.23 by some programs)"
        }
        if unsigned.wholeMatch(of: /[0-9]+,[0-9]{1,2}/) != nil {
            return "'\(text)' uses a decimal comma (write \(trimmed.replacingOccurrences(of: ",", with: ".")))"
        }
        if trimmed.hasPrefix("(") { return "'\(text)' uses parentheses for a negative amount (write -12.50)" }
        if trimmed.hasPrefix("+") { return "'\(text)' has a plus sign (write the amount without it)" }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .currencySymbol }) {
            return "'\(text)' has a currency symbol (write digits and a point only)"
        }
        if unsigned.wholeMatch(of: /[0-9]+\.[0-9]{3,}/) != nil {
            return "'\(text)' has more than 2 decimals (amounts are exact cents)"
        }
        return "'\(text)' is not an amount (write digits, a point and 2 decimals, e.g. 1234.56)"
    }
}

/// Calendar dates without time zones or `Calendar`: the civil-date arithmetic of Howard Hinnant's algorithms.
enum ImportDate {
    /// A real calendar day, or nil.
    static func date(year: Int, month: Int, day: Int) -> BusinessDate? {
        let key = year * 10_000 + month * 100 + day
        if let known = memo.withLock({ $0[key] }) { return known }
        let date = makeDate(year: year, month: month, day: day)
        if let date { memo.withLock { if $0.count < 50_000 { $0[key] = date } } }
        return date
    }

    /// Dates already made: a file repeats the same few days on every row, and making one from text costs more than
    /// the rest of the row.
    private static let memo = Mutex<[Int: BusinessDate]>([:])

    private static func makeDate(year: Int, month: Int, day: Int) -> BusinessDate? {
        guard (1...9999).contains(year) else { return nil }
        let text =
            String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year) + "-"
            + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
        guard month >= 1, day >= 1 else { return nil }
        return BusinessDate(text)
    }

    /// Days since 1970-01-01 of a civil date.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (a `T` may stand for the space): the date and the
    /// seconds since midnight, or nil.
    static func isoDateTime(_ text: String) -> (date: BusinessDate, second: Int)? {
        let bytes = Array(text.utf8)
        guard [10, 16, 19].contains(bytes.count), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let date = date(year: year, month: month, day: day)
        else { return nil }
        guard bytes.count > 10 else { return (date, 0) }
        guard bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), hour < 24, minute < 60
        else { return nil }
        var second = 0
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let value = number(bytes, 17, 2), value < 60 else { return nil }
            second = value
        }
        return (date, hour * 3600 + minute * 60 + second)
    }

    /// The decimal number written with exactly `count` ASCII digits at `start`, or nil.
    static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The clinic's business day of a UTC date and time.
    static func businessDate(utc date: BusinessDate, second: Int, calendar: BusinessCalendar) -> BusinessDate {
        convert(utc: date, second: second, calendar: calendar)
    }

    fileprivate static func convert(utc date: BusinessDate, second: Int, calendar: BusinessCalendar) -> BusinessDate {
        let (year, month, day) = date.parts
        let millis = (daysSinceEpoch(year: year, month: month, day: day) * 86_400 + Int64(second)) * 1000
        return calendar.businessDate(atMillis: millis)
    }
}

/// UTC times to the clinic's business days, remembering the answer per UTC quarter hour (every time zone's offset is
/// a whole number of quarter hours): asking the calendar costs more than all the rest of a row.
struct BusinessDays {
    let calendar: BusinessCalendar
    private var known: [String: BusinessDate] = [:]

    init(_ calendar: BusinessCalendar) { self.calendar = calendar }

    mutating func date(utc date: BusinessDate, second: Int) -> BusinessDate {
        let key = date.text + "/" + String(second / 900)
        if let value = known[key] { return value }
        let value = ImportDate.convert(utc: date, second: second, calendar: calendar)
        known[key] = value
        return value
    }
}

/// Reports progress about a hundred times per file.
struct ProgressMeter {
    let total: Int
    let callback: ImportProgress?
    private let step: Int
    private var next: Int

    init(total: Int, _ callback: ImportProgress?) {
        self.total = max(total, 1)
        self.callback = callback
        step = max(1, total / 100)
        next = step
    }

    mutating func at(line: Int) {
        guard let callback, line >= next, line < total else { return }
        callback(line, total)
        next = line + step
    }

    func finish() { callback?(total, total) }
}

/// A CSV file read by column name: the header, the rows, and where each column is.
struct CSVTable {
    let source: String
    let header: CSVRecord
    let rows: [CSVRecord]
    private let columns: [String: Int]

    /// Reads the whole file strictly: RFC 4180, a header, rows exactly as wide as the header, and a line break after
    /// the last row (a file cut off in the middle of a row would otherwise pass as a shorter row).
    init(_ text: String, source: String) throws(POSError) {
        let records = try CSV.parse(text, source: source)
        guard let header = records.first else { throw .invalid(field: source, reason: "is empty", code: "csv.empty") }
        self.source = source
        self.header = header
        rows = Array(records.dropFirst())
        var columns: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            let key = name.trimmingCharacters(in: .whitespaces)
            if let first = columns[key], !key.isEmpty {
                throw .invalid(
                    field: "\(source) line \(header.line)",
                    reason: "column '\(key)' appears twice (columns \(first + 1) and \(index + 1))",
                    code: "csv.duplicateColumn"
                )
            }
            columns[key] = index
        }
        self.columns = columns
        let lastLine = records.last?.line ?? 1
        if let last = text.unicodeScalars.last, last != "\n" {
            throw .invalid(
                field: "\(source) line \(lastLine)",
                reason: "the last row does not end with a line break: the file looks cut short "
                    + "(if it is complete, end it with a line break)",
                code: "csv.truncated"
            )
        }
        for row in rows where row.fields.count != header.fields.count {
            var reason = "has \(row.fields.count) fields, the header has \(header.fields.count)"
            if row.fields.count > header.fields.count, Self.looksLikeSplitAmount(row.fields) {
                reason += " (an amount written with a thousands separator, such as 1,234.56, splits into two fields: "
                reason += "write 1234.56)"
            } else if row.fields.count < header.fields.count, row.line == rows.last?.line {
                reason += " (the file looks cut short)"
            }
            throw .invalid(field: "\(source) line \(row.line)", reason: reason, code: "csv.fieldCount")
        }
        guard !rows.isEmpty else {
            throw .invalid(field: source, reason: "has a header but no rows", code: "csv.noRows")
        }
    }

    private static func looksLikeSplitAmount(_ fields: [String]) -> Bool {
        zip(fields, fields.dropFirst()).contains { first, second in
            first.wholeMatch(of: /-?\$?[0-9]{1,3}/) != nil && second.wholeMatch(of: /[0-9]{3}(\.[0-9]+)?/) != nil
        }
    }

    func index(_ name: String) -> Int? { columns[name] }

    /// Refuses a file that lacks any of `names`, naming every missing column and the header it has.
    func require(_ names: [String], what: String) throws(POSError) {
        let missing = names.filter { columns[$0] == nil }
        guard !missing.isEmpty else { return }
        let list = missing.map { "'\($0)'" }.joined(separator: ", ")
        throw .invalid(
            field: "\(source) line \(header.line)",
            reason: "this is not \(what): the header lacks \(list) (found '\(header.fields.joined(separator: ","))')",
            code: "import.wrongFormat"
        )
    }

    /// The value of a column in a row ("" when the column is absent).
    func value(_ row: CSVRecord, _ name: String) -> String {
        guard let index = columns[name] else { return "" }
        return row.fields[index]
    }

    func location(_ row: CSVRecord, _ name: String) -> String { "\(source) line \(row.line), \(name)" }
}
