import Foundation
import POSCore

/// How to read a CSV file that VetPOS has no importer of its own for (a bank's download, another processor's
/// deposit report): a JSON file naming which column holds what, the date format and the sign convention.
///
/// ```json
/// {
///   "kind": "bank",
///   "account": "000111222",
///   "dateFormat": "MM/DD/YYYY",
///   "sign": "credit-positive",
///   "columns": {"date": "Posting Date", "amount": "Amount", "reference": "Reference", "description": "Description"}
/// }
/// ```
///
/// Keys: `kind` (`bank` or `settlement`; optional, but checked against the import when given), `name`, `account`
/// (bank: the account when no column says it), `processor` (settlement: required, e.g. `elavon`), `currency`
/// (default `USD`, unless a `currency` column says it), `dateFormat` (one of ``DateFormat``), `sign` (bank:
/// `credit-positive` — money in positive, the default —, `debit-positive`, or `credit-debit-columns` for two unsigned
/// columns `credit` and `debit` of which exactly one is filled), `feeSign` (settlement: `positive` — a fee charged is
/// written as a positive number, the default — or `negative`), `columns` (field → column name, see ``Field``) and
/// `types` (the type column's values → `charge`, `refund`, `chargeback`, `fee`, `adjustment`, `payout` for a
/// settlement, or `credit`, `debit`, `any` for a bank, which then also checks each amount's sign).
///
/// Unknown keys and fields are refused, so a typo never silently leaves a column unread.
public struct CSVMapping: Sendable, Equatable {
    public enum Kind: String, Sendable { case bank, settlement }

    public enum Sign: String, Sendable, CaseIterable {
        case creditPositive = "credit-positive"
        case debitPositive = "debit-positive"
        case creditDebitColumns = "credit-debit-columns"
    }

    public enum FeeSign: String, Sendable, CaseIterable { case positive, negative }

    public enum Direction: String, Sendable, CaseIterable { case credit, debit, any }

    /// What a column can hold.
    public enum Field: String, Sendable, CaseIterable {
        // Both kinds.
        case date, reference, description, type, currency
        // Bank lines.
        case amount, credit, debit, account, valueDate, checkNumber
        // Settlement lines.
        case id, payout, payoutDate, batch, gross, fee, net, cardBrand, cardLast4, source
    }

    public enum DateFormat: String, Sendable, CaseIterable {
        case iso = "YYYY-MM-DD"
        case compact = "YYYYMMDD"
        case usSlash = "MM/DD/YYYY"
        case usSlashShort = "M/D/YYYY"
        case usDash = "MM-DD-YYYY"
        case daySlash = "DD/MM/YYYY"
        case daySlashShort = "D/M/YYYY"
        case dayDot = "DD.MM.YYYY"
        case dayDash = "DD-MM-YYYY"
    }

    public var kind: Kind?
    public var name: String?
    public var account: String?
    public var processor: String?
    public var currency: String
    public var dateFormat: DateFormat
    public var sign: Sign
    public var feeSign: FeeSign
    public var columns: [Field: String]
    public var types: [String: String]

    public init(
        kind: Kind? = nil,
        name: String? = nil,
        account: String? = nil,
        processor: String? = nil,
        currency: String = "USD",
        dateFormat: DateFormat = .iso,
        sign: Sign = .creditPositive,
        feeSign: FeeSign = .positive,
        columns: [Field: String],
        types: [String: String] = [:]
    ) {
        self.kind = kind
        self.name = name
        self.account = account
        self.processor = processor
        self.currency = currency
        self.dateFormat = dateFormat
        self.sign = sign
        self.feeSign = feeSign
        self.columns = columns
        self.types = types
    }

    static let keys = [
        "kind", "name", "account", "processor", "currency", "dateFormat", "sign", "feeSign", "columns", "types",
    ]

    /// Reads a mapping file strictly: JSON object, known keys only, every value of the right kind.
    public static func parse(_ data: Data, source: String) throws(POSError) -> CSVMapping {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .invalid(field: source, reason: "is not valid JSON", code: "mapping.notJSON")
        }
        guard let top = object as? [String: Any] else {
            throw .invalid(
                field: source,
                reason: "must be a JSON object such as {\"columns\": {…}}",
                code: "mapping.notObject"
            )
        }
        for key in top.keys.sorted() where !keys.contains(key) {
            throw .invalid(field: "\(source), \(key)", reason: "unknown key (known: \(keys.joined(separator: ", ")))")
        }
        func string(_ key: String) throws(POSError) -> String? {
            guard let value = top[key] else { return nil }
            guard let text = value as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalid(field: "\(source), \(key)", reason: "must be a non-empty string")
            }
            return text
        }
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws(POSError) -> T?
        where T.RawValue == String {
            guard let text = try string(key) else { return nil }
            guard let value = T(rawValue: text) else {
                let known = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid(field: "\(source), \(key)", reason: "'\(text)' is not one of \(known)")
            }
            return value
        }
        func table(_ key: String) throws(POSError) -> [String: String] {
            guard let value = top[key] else { return [:] }
            guard let dictionary = value as? [String: Any] else {
                throw .invalid(field: "\(source), \(key)", reason: "must be an object of names to strings")
            }
            var result: [String: String] = [:]
            for (name, item) in dictionary {
                guard let text = item as? String, !text.isEmpty else {
                    throw .invalid(field: "\(source), \(key).\(name)", reason: "must be a non-empty string")
                }
                result[name] = text
            }
            return result
        }

        let kindText = try string("kind")
        var kind: Kind?
        if let kindText {
            guard let value = Kind(rawValue: kindText) else {
                throw .invalid(field: "\(source), kind", reason: "'\(kindText)' is not bank or settlement")
            }
            kind = value
        }
        var columns: [Field: String] = [:]
        for (name, column) in try table("columns").sorted(by: { $0.key < $1.key }) {
            guard let field = Field(rawValue: name) else {
                let known = Field.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid(field: "\(source), columns.\(name)", reason: "unknown field (known: \(known))")
            }
            columns[field] = column
        }
        guard !columns.isEmpty else {
            throw .invalid(field: "\(source), columns", reason: "name at least the date and amount columns")
        }
        let currency = try string("currency").map { code throws(POSError) in
            try ImportText.currency(code, field: "\(source), currency")
        }
        return CSVMapping(
            kind: kind,
            name: try string("name"),
            account: try string("account"),
            processor: try string("processor"),
            currency: currency ?? "USD",
            dateFormat: try choice("dateFormat", DateFormat.self) ?? .iso,
            sign: try choice("sign", Sign.self) ?? .creditPositive,
            feeSign: try choice("feeSign", FeeSign.self) ?? .positive,
            columns: columns,
            types: try table("types")
        )
    }

    /// Reads a date in the mapping's format: exactly the digits the format says, a real calendar day.
    func date(_ text: String, field: String) throws(POSError) -> BusinessDate {
        let value = text.trimmingCharacters(in: .whitespaces)
        let bytes = Array(value.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? { ImportDate.number(bytes, start, count) }
        var parts: (year: Int, month: Int, day: Int)?
        switch dateFormat {
        case .iso, .compact:
            let dashed = dateFormat == .iso
            let offsets = dashed ? (5, 8, 10) : (4, 6, 8)
            if bytes.count == offsets.2, !dashed || (bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")),
                let year = digits(0, 4), let month = digits(offsets.0, 2), let day = digits(offsets.1, 2)
            {
                parts = (year, month, day)
            }
        case .usSlash, .usDash, .daySlash, .dayDot, .dayDash, .usSlashShort, .daySlashShort:
            let separator: Character =
                switch dateFormat {
                case .usDash, .dayDash: "-"
                case .dayDot: "."
                default: "/"
                }
            let short = dateFormat == .usSlashShort || dateFormat == .daySlashShort
            let pieces = value.split(separator: separator, omittingEmptySubsequences: false)
            if pieces.count == 3, pieces[2].count == 4,
                short
                    ? (1...2).contains(pieces[0].count) && (1...2).contains(pieces[1].count)
                    : pieces[0].count == 2 && pieces[1].count == 2,
                pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let first = Int(pieces[0]), let second = Int(pieces[1]), let year = Int(pieces[2])
            {
                let monthFirst = [.usSlash, .usDash, .usSlashShort].contains(dateFormat)
                parts = (year, monthFirst ? first : second, monthFirst ? second : first)
            }
        }
        guard let parts, let date = ImportDate.date(year: parts.year, month: parts.month, day: parts.day) else {
            throw .invalid(
                field: field,
                reason: "'\(text)' is not a date written \(dateFormat.rawValue)",
                code: "date.invalid"
            )
        }
        return date
    }
}
