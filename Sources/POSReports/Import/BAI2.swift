import Foundation
import POSCore

/// BAI2 cash-management balance reports (FORMATS.md §5.1): the detail (`16`) records of every account, as bank
/// lines, after checking the whole file.
///
/// Checked: record order `01 02 03 16 88 49 98 99`, a `/` at the end of every record but `16`, version `2`, dates
/// `YYMMDD` and times `HHMM`, currency codes, funds types, the physical record length of the `01` record; detail
/// amounts unsigned whole minor units (`120377` is 1,203.77) with the direction from the type code (100–399 credits,
/// 400–699 debits; others refused, their direction being unknown); the control total and record count of every
/// account (`49`), group (`98`) and file (`99`) trailer; unique bank references per account. A file that ends before
/// its `99` trailer is refused as cut short. Groups other than status 1 (update) are refused: a test, deletion or
/// correction group is not a statement to book. A closing ledger balance (`015`) that does not follow from the
/// opening (`010`) and the details is reported as a warning, as banks may report float or intraday figures.
///
/// Each line's date is its group's as-of date; its id is the bank reference, or, when the bank leaves that empty,
/// one derived from the line's content. The text is the `16` record's text with its `88` continuations.
public enum BAI2 {
    public static func recognizes(_ text: String) -> Bool {
        text.hasPrefix("01,") || text.hasPrefix("\u{FEFF}01,")
    }

    private struct Physical {
        var line: Int
        var text: String
    }

    private struct Record {
        var code: String
        var rows: [Physical]
        var line: Int { rows[0].line }
    }

    private static let next: [String: Set<String>] = [
        "": ["01"], "01": ["02"], "02": ["03"], "03": ["16", "49"], "16": ["16", "49"], "49": ["03", "98"],
        "98": ["02", "99"], "99": [],
    ]
    private static let fundsTypes: Set<String> = ["", "0", "1", "2", "S", "V", "D", "Z"]

    public static func parse(
        _ text: String,
        source: String,
        progress: ImportProgress? = nil
    ) throws(POSError)
        -> BankStatement
    {
        func fail(_ line: Int, _ reason: String, _ code: String) -> POSError {
            .invalid(field: "\(source) line \(line)", reason: reason, code: code)
        }
        let physical = try physicalLines(text, source: source)
        guard !physical.isEmpty else { throw .invalid(field: source, reason: "is empty", code: "bai2.empty") }
        var meter = ProgressMeter(total: physical.count, progress)

        // Records, with 88 continuations attached to the record they continue.
        var records: [Record] = []
        for row in physical {
            let bytes = Array(row.text.utf8)
            guard bytes.count >= 3, bytes[2] == UInt8(ascii: ","), ImportDate.number(bytes, 0, 2) != nil else {
                throw fail(
                    row.line,
                    "a record starts with a two-digit code and a comma, not '\(row.text.prefix(20))'",
                    "bai2.badRecord"
                )
            }
            let code = String(row.text.prefix(2))
            if code == "88" {
                guard !records.isEmpty else {
                    throw fail(row.line, "an 88 continuation before any record", "bai2.badRecord")
                }
                records[records.count - 1].rows.append(row)
            } else {
                guard next[code] != nil else {
                    throw fail(row.line, "unknown record code \(code)", "bai2.unknownRecord")
                }
                records.append(Record(code: code, rows: [row]))
            }
        }

        var previous = ""
        var lines: [BankLine] = []
        var warnings: [String] = []
        var recordLength: Int?
        // The group and account being read.
        // safe: a literal real date
        var groupDate = BusinessDate("2000-01-01")!
        var groupCurrency = "USD"
        var groupTotal: Int64 = 0
        var groupAccounts = 0
        var groupRecords = 0
        var fileTotal: Int64 = 0
        var fileGroups = 0
        var fileRecords = 0
        var account = ""
        var accountCurrency = "USD"
        var accountTotal: Int64 = 0
        var accountRecords = 0
        var accountSummary: [String: Int64] = [:]
        var accountCredits: Int64 = 0
        var accountDebits: Int64 = 0
        var accountLine = 0
        var firstLine: [String: Int] = [:]
        var occurrences: [String: Int] = [:]

        func add(_ total: inout Int64, _ amount: Int64, line: Int) throws(POSError) {
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow else { throw fail(line, "amounts too large to add up", "bai2.amountOverflow") }
            total = sum
        }

        for record in records {
            let line = record.line
            let allowed = next[previous] ?? []
            guard allowed.contains(record.code) else {
                let expected =
                    allowed.isEmpty ? "nothing after the 99 file trailer" : allowed.sorted().joined(separator: " or ")
                throw fail(
                    line,
                    "record \(record.code) cannot follow \(previous.isEmpty ? "the start of the file" : previous); expected \(expected)",
                    "bai2.recordOrder"
                )
            }
            previous = record.code
            let count = record.rows.count
            fileRecords += count
            groupRecords += count
            accountRecords += count
            if let recordLength {
                for row in record.rows where row.text.count > recordLength {
                    throw fail(
                        row.line,
                        "the line is \(row.text.count) characters; the 01 record sets the record length to \(recordLength)",
                        "bai2.lineTooLong"
                    )
                }
            }

            if record.code == "16" {
                let detail = try detail(record, fail: fail)
                try add(&accountTotal, detail.amount, line: line)
                let signed: Int64
                if detail.credit {
                    signed = detail.amount
                    try add(&accountCredits, detail.amount, line: line)
                } else {
                    signed = -detail.amount
                    try add(&accountDebits, detail.amount, line: line)
                }
                var id = detail.bankReference
                let derived = id.isEmpty
                if derived {
                    let key = [
                        account, groupDate.text, detail.type, String(signed), detail.customerReference, detail.text,
                    ]
                    .joined(separator: "\u{1F}")
                    let occurrence = occurrences[key, default: 0] + 1
                    occurrences[key] = occurrence
                    id = "bai2-" + ImportText.fingerprint([key, String(occurrence)])
                } else {
                    let key = account + "\u{1F}" + id
                    if let first = firstLine[key] {
                        throw fail(
                            line,
                            "bank reference '\(id)' of account \(account) is already on line \(first)",
                            "bai2.duplicateReference"
                        )
                    }
                    firstLine[key] = line
                }
                lines.append(
                    BankLine(
                        account: account,
                        id: id,
                        idDerived: derived,
                        date: groupDate,
                        valueDate: detail.valueDate,
                        amount: Money(minorUnits: signed),
                        currency: accountCurrency,
                        type: detail.type,
                        reference: detail.customerReference.isEmpty ? nil : detail.customerReference,
                        description: detail.text,
                        line: line
                    )
                )
                meter.at(line: record.rows.last?.line ?? line)
                continue
            }

            // Every other record ends with '/'; only the file's last record is forgiven a missing one (seen in real
            // files), since its totals and counts are checked anyway.
            let joined = try joinFields(record, lastRecord: record.code == "99", fail: fail)
            let fields = joined.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }

            switch record.code {
            case "01":
                guard fields.count >= 8 else {
                    throw fail(
                        line,
                        "the 01 file header needs 8 fields: sender, receiver, date, time, file id, record length, block size, version",
                        "bai2.badHeader"
                    )
                }
                guard field(7) == "2" else {
                    throw fail(line, "version '\(field(7))': only BAI version 2 is read", "bai2.unsupportedVersion")
                }
                _ = try yymmdd(field(2), what: "creation date", line: line, fail: fail)
                try hhmm(field(3), what: "creation time", line: line, fail: fail)
                if !field(5).isEmpty {
                    guard let length = Int(field(5)), length > 0 else {
                        throw fail(line, "record length '\(field(5))' is not a number", "bai2.badNumber")
                    }
                    recordLength = length
                    for row in record.rows where row.text.count > length {
                        throw fail(
                            row.line,
                            "the line is \(row.text.count) characters; the 01 record sets the record length to \(length)",
                            "bai2.lineTooLong"
                        )
                    }
                }
            case "02":
                guard fields.count >= 6 else {
                    throw fail(
                        line,
                        "the 02 group header needs: receiver, originator, status, as-of date, as-of time, currency",
                        "bai2.badHeader"
                    )
                }
                switch field(2) {
                case "1": break
                case "2", "3", "4":
                    let meaning = ["2": "deletion", "3": "correction", "4": "test"][field(2)] ?? "test"
                    throw fail(
                        line,
                        "group status \(field(2)) (\(meaning)): only status 1 (update) is a statement to import",
                        "bai2.groupStatus"
                    )
                default: throw fail(line, "group status '\(field(2))' is not 1 to 4", "bai2.groupStatus")
                }
                groupDate = try yymmdd(field(3), what: "as-of date", line: line, fail: fail)
                try hhmm(field(4), what: "as-of time", line: line, fail: fail)
                groupCurrency = field(5).isEmpty ? "USD" : try currency(field(5), line: line, fail: fail)
                guard ["", "1", "2", "3", "4"].contains(field(6)) else {
                    throw fail(line, "as-of-date modifier '\(field(6))' is not 1 to 4", "bai2.badHeader")
                }
                groupTotal = 0
                groupAccounts = 0
                groupRecords = count
                fileGroups += 1
            case "03":
                account = fields[0].trimmingCharacters(in: .whitespaces)
                guard !account.isEmpty else {
                    throw fail(line, "the 03 record has no account number", "bai2.noAccount")
                }
                accountCurrency = field(1).isEmpty ? groupCurrency : try currency(field(1), line: line, fail: fail)
                accountTotal = 0
                accountRecords = count
                accountSummary = [:]
                accountCredits = 0
                accountDebits = 0
                accountLine = line
                groupAccounts += 1
                // Summary groups (type, amount, item count, funds type [, more]) row by row: some banks end a row with
                // one extra empty field before '/'.
                for (position, row) in record.rows.enumerated() {
                    var body = Substring(row.text.dropFirst(3))
                    if body.hasSuffix("/") { body = body.dropLast() }
                    var rest = body.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    if position == 0 { rest.removeFirst(min(2, rest.count)) }
                    while rest.count >= 4 {
                        let (type, amount, items, funds) = (rest[0], rest[1], rest[2], rest[3])
                        rest.removeFirst(4)
                        let extra = try fundsExtra(funds, rest, line: row.line, fail: fail)
                        rest.removeFirst(min(rest.count, extra))
                        if type.isEmpty { continue }
                        guard type.count == 3, type.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                            throw fail(row.line, "summary type code '\(type)' is not three digits", "bai2.badTypeCode")
                        }
                        guard items.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                            throw fail(
                                row.line,
                                "item count '\(items)' of summary \(type) is not a number",
                                "bai2.badNumber"
                            )
                        }
                        guard !amount.isEmpty else { continue }
                        let value = try signedInteger(
                            amount,
                            what: "amount of summary \(type)",
                            line: row.line,
                            fail: fail
                        )
                        accountSummary[type] = value
                        try add(&accountTotal, value, line: row.line)
                    }
                    guard rest.isEmpty || rest == [""] else {
                        throw fail(
                            row.line,
                            "summary fields do not form whole groups of type, amount, count and funds type: '\(rest.joined(separator: ","))'",
                            "bai2.badSummary"
                        )
                    }
                }
            case "49":
                let total = try signedInteger(field(0), what: "account control total", line: line, fail: fail)
                guard total == accountTotal else {
                    throw fail(
                        line,
                        "account \(account): control total \(total), but its amounts add up to \(accountTotal)",
                        "bai2.totalMismatch"
                    )
                }
                let records = try countField(field(1), what: "account record count", line: line, fail: fail)
                guard records == accountRecords else {
                    throw fail(
                        line,
                        "account \(account): record count \(records), but it has \(accountRecords) records",
                        "bai2.countMismatch"
                    )
                }
                try add(&groupTotal, total, line: line)
                if let opening = accountSummary["010"], let closing = accountSummary["015"],
                    opening + accountCredits - accountDebits != closing
                {
                    warnings.append(
                        "account \(account) (line \(accountLine)): opening ledger \(opening) + credits \(accountCredits) "
                            + "− debits \(accountDebits) = \(opening + accountCredits - accountDebits), but the closing "
                            + "ledger is \(closing) (minor units)"
                    )
                }
            case "98":
                let total = try signedInteger(field(0), what: "group control total", line: line, fail: fail)
                guard total == groupTotal else {
                    throw fail(
                        line,
                        "group control total \(total), but its accounts add up to \(groupTotal)",
                        "bai2.totalMismatch"
                    )
                }
                let accounts = try countField(field(1), what: "number of accounts", line: line, fail: fail)
                guard accounts == groupAccounts else {
                    throw fail(
                        line,
                        "the group trailer counts \(accounts) accounts, but the group has \(groupAccounts)",
                        "bai2.countMismatch"
                    )
                }
                let records = try countField(field(2), what: "group record count", line: line, fail: fail)
                guard records == groupRecords else {
                    throw fail(
                        line,
                        "group record count \(records), but the group has \(groupRecords) records",
                        "bai2.countMismatch"
                    )
                }
                try add(&fileTotal, total, line: line)
            case "99":
                let total = try signedInteger(field(0), what: "file control total", line: line, fail: fail)
                guard total == fileTotal else {
                    throw fail(
                        line,
                        "file control total \(total), but the groups add up to \(fileTotal)",
                        "bai2.totalMismatch"
                    )
                }
                let groups = try countField(field(1), what: "number of groups", line: line, fail: fail)
                guard groups == fileGroups else {
                    throw fail(
                        line,
                        "the file trailer counts \(groups) groups, but the file has \(fileGroups)",
                        "bai2.countMismatch"
                    )
                }
                let records = try countField(field(2), what: "file record count", line: line, fail: fail)
                guard records == fileRecords else {
                    throw fail(
                        line,
                        "file record count \(records), but the file has \(fileRecords) records",
                        "bai2.countMismatch"
                    )
                }
            default:
                break
            }
            meter.at(line: record.rows.last?.line ?? line)
        }
        guard previous == "99" else {
            throw fail(
                physical.last?.line ?? 1,
                "the file ends without its 99 file trailer: it looks cut short",
                "bai2.truncated"
            )
        }
        meter.finish()
        return BankStatement(format: .bai2, lines: lines, warnings: warnings)
    }

    /// The file's physical lines: CR LF or LF (not both), no blank lines; a last line without a break is allowed.
    private static func physicalLines(_ text: String, source: String) throws(POSError) -> [Physical] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let hasCRLF = body.utf8.contains(UInt8(ascii: "\r"))
        var rows = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if rows.last == "" { rows.removeLast() }
        var result: [Physical] = []
        result.reserveCapacity(rows.count)
        for (index, var row) in rows.enumerated() {
            let line = index + 1
            if hasCRLF {
                guard row.hasSuffix("\r") || (index == rows.count - 1 && !text.hasSuffix("\n")) else {
                    throw .invalid(
                        field: "\(source) line \(line)",
                        reason: "mixed line endings (CR LF and LF)",
                        code: "bai2.mixedLineEndings"
                    )
                }
                if row.hasSuffix("\r") { row.removeLast() }
            }
            guard !row.utf8.contains(UInt8(ascii: "\r")) else {
                throw .invalid(
                    field: "\(source) line \(line)",
                    reason: "a carriage return inside a line",
                    code: "bai2.strayCarriageReturn"
                )
            }
            guard !row.isEmpty else {
                throw .invalid(field: "\(source) line \(line)", reason: "a blank line", code: "bai2.blankLine")
            }
            result.append(Physical(line: line, text: row))
        }
        return result
    }

    /// The fields of a record other than `16`, its continuations joined, without the record code and the final `/`.
    private static func joinFields(
        _ record: Record,
        lastRecord: Bool,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) -> String {
        var joined = ""
        for (position, row) in record.rows.enumerated() {
            var body = Substring(row.text.dropFirst(3))
            let last = position == record.rows.count - 1
            if body.hasSuffix("/") {
                body = body.dropLast()
            } else if !(last && lastRecord) {
                throw fail(row.line, "record \(record.code) must end with '/'", "bai2.unterminatedRecord")
            }
            joined += position == 0 ? String(body) : "," + body
        }
        return joined
    }

    private struct Detail {
        var type: String
        var credit: Bool
        var amount: Int64
        var valueDate: BusinessDate?
        var bankReference: String
        var customerReference: String
        var text: String
    }

    /// A `16` record: type code, amount, funds type and its extra fields, bank reference, customer reference, and the
    /// text, which runs to the end of the line and continues on `88` records.
    private static func detail(_ record: Record, fail: (Int, String, String) -> POSError) throws(POSError) -> Detail {
        let line = record.line
        var logical = String(record.rows[0].text.dropFirst(3))
        for row in record.rows.dropFirst() {
            let continuation = row.text.dropFirst(3)
            if logical.hasSuffix("/") {
                logical.removeLast()
                logical += "," + continuation
            } else {
                logical += " " + continuation
            }
        }
        var rest = Substring(logical)
        var ended = false
        // The next comma-separated field; a field ending in '/' ends the record (the fields after it are empty).
        func nextField() -> String {
            guard !ended else { return "" }
            let value: Substring
            if let comma = rest.firstIndex(of: ",") {
                value = rest[..<comma]
                rest = rest[rest.index(after: comma)...]
            } else {
                value = rest
                rest = ""
                ended = true
            }
            if value.hasSuffix("/") {
                ended = true
                return String(value.dropLast())
            }
            return String(value)
        }
        let type = nextField()
        let amountText = nextField()
        let funds = nextField()
        guard type.count == 3, let code = Int(type), type.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw fail(line, "type code '\(type)' is not three digits", "bai2.badTypeCode")
        }
        let credit: Bool
        switch code {
        case 100...399: credit = true
        case 400...699: credit = false
        default:
            throw fail(
                line,
                "type code \(type) is not a transaction detail code (credits 100–399, debits 400–699): its direction is unknown",
                "bai2.unknownTypeCode"
            )
        }
        guard !amountText.isEmpty, amountText.count <= Money.maximumInputDigits + 2,
            amountText.allSatisfy({ $0.isASCII && $0.isNumber })
        else {
            let reason =
                amountText.hasPrefix("-") || amountText.hasPrefix("+")
                ? "amount '\(amountText)' is signed: detail amounts are unsigned and type code \(type) makes it a \(credit ? "credit" : "debit")"
                : amountText.contains(".")
                    ? "amount '\(amountText)' has a decimal point: BAI2 amounts are whole minor units (120377 for 1,203.77)"
                    : "amount '\(amountText)' is not whole minor units (120377 for 1,203.77)"
            throw fail(line, reason, "bai2.badAmount")
        }
        guard fundsTypes.contains(funds) else {
            var reason = "funds type '\(funds)' is not one of 0 1 2 S V D Z"
            if funds.count == 3, funds.allSatisfy({ $0.isASCII && $0.isNumber }) {
                reason += " (a thousands separator such as 42,000 splits an amount in two: write whole minor units)"
            }
            throw fail(line, reason, "bai2.badFundsType")
        }
        var valueDate: BusinessDate?
        switch funds {
        case "S":
            for _ in 0..<3 {
                let value = nextField()
                if !value.isEmpty {
                    _ = try signedInteger(value, what: "distributed availability", line: line, fail: fail)
                }
            }
        case "V":
            let date = nextField()
            let time = nextField()
            if !date.isEmpty { valueDate = try yymmdd(date, what: "value date", line: line, fail: fail) }
            try hhmm(time, what: "value time", line: line, fail: fail)
        case "D":
            let countText = nextField()
            guard let pairs = Int(countText), pairs >= 0, pairs < 100 else {
                throw fail(line, "distributed availability count '\(countText)' is not a number", "bai2.badNumber")
            }
            for _ in 0..<(pairs * 2) { _ = nextField() }
        default: break
        }
        let bankReference = nextField().trimmingCharacters(in: .whitespaces)
        let customerReference = nextField().trimmingCharacters(in: .whitespaces)
        var text = ended ? "" : String(rest)
        if text.hasSuffix("/") { text.removeLast() }
        return Detail(
            type: type,
            credit: credit,
            amount: Int64(amountText) ?? 0,  // 11 digits at most, checked above
            valueDate: valueDate,
            bankReference: bankReference,
            customerReference: customerReference,
            text: ImportText.clean(text)
        )
    }

    private static func fundsExtra(
        _ funds: String,
        _ rest: [String],
        line: Int,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) -> Int {
        switch funds {
        case "S": return 3
        case "V": return 2
        case "D":
            guard let first = rest.first, let pairs = Int(first), pairs >= 0 else {
                throw fail(line, "distributed availability without a count", "bai2.badFundsType")
            }
            return 1 + 2 * pairs
        case "", "0", "1", "2", "Z": return 0
        default: throw fail(line, "funds type '\(funds)' is not one of 0 1 2 S V D Z", "bai2.badFundsType")
        }
    }

    private static func yymmdd(
        _ text: String,
        what: String,
        line: Int,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) -> BusinessDate {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, let yy = ImportDate.number(bytes, 0, 2), let month = ImportDate.number(bytes, 2, 2),
            let day = ImportDate.number(bytes, 4, 2),
            let date = ImportDate.date(year: yy < 70 ? 2000 + yy : 1900 + yy, month: month, day: day)
        else { throw fail(line, "\(what) '\(text)' is not a date YYMMDD", "bai2.badDate") }
        return date
    }

    private static func hhmm(
        _ text: String,
        what: String,
        line: Int,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) {
        if text.isEmpty || text == "2400" || text == "9999" { return }
        let bytes = Array(text.utf8)
        guard bytes.count == 4, let hour = ImportDate.number(bytes, 0, 2), let minute = ImportDate.number(bytes, 2, 2),
            hour < 24, minute < 60
        else { throw fail(line, "\(what) '\(text)' is not a time HHMM", "bai2.badTime") }
    }

    private static func currency(
        _ text: String,
        line: Int,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) -> String {
        guard text.count == 3, text.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw fail(line, "currency '\(text)' is not an ISO 4217 code such as USD", "bai2.badCurrency")
        }
        return try ImportText.currency(text, field: "line \(line), currency")
    }

    private static func signedInteger(
        _ text: String,
        what: String,
        line: Int,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) -> Int64 {
        var digits = Substring(text)
        var negative = false
        if digits.hasPrefix("+") || digits.hasPrefix("-") {
            negative = digits.hasPrefix("-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw fail(line, "\(what) '\(text)' is not a whole number of minor units", "bai2.badAmount")
        }
        guard let value = Int64(digits) else {
            throw fail(line, "\(what) '\(text)' is too large", "bai2.amountOverflow")
        }
        return negative ? -value : value
    }

    private static func countField(
        _ text: String,
        what: String,
        line: Int,
        fail: (Int, String, String) -> POSError
    ) throws(POSError) -> Int {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw fail(line, "\(what) '\(text)' is not a number", "bai2.badNumber")
        }
        guard let count = Int(text) else { throw fail(line, "\(what) '\(text)' is not a number", "bai2.badNumber") }
        return count
    }
}
