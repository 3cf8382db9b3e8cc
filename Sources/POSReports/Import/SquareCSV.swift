import Foundation
import POSCore

/// Square's Dashboard "Transactions" CSV (FORMATS.md §4.2), one row per payment or refund, with the deposit (payout)
/// each row went out in. Read by column name: Square adds and drops columns between versions.
///
/// Required columns: `Date`, `Time`, `Total Collected`, `Fees`, `Net Total`, `Payment ID`, `Event Type`, `Deposit ID`,
/// `Deposit Date`. Optional: `Card`, `Card Brand`, `PAN Suffix`, `Transaction ID`, `Description`, `Details`.
///
/// Money is written for people (`"$1,149.00 "`, `($33.62)`, `-$5.00`): this is the one importer that reads such text,
/// through an explicit grammar — an optional `-` or parentheses, an optional `$`, digits in correct groups of three
/// or none, exactly two decimals — that refuses anything else (`1,23.45`, `12,50`, `1.234,56`, `12.5`).
///
/// Each row must satisfy `Net Total = Total Collected + Fees` (fees are negative). The settled amount is the row's
/// `Card` amount when the file has that column (cash and other tenders are collected at the desk, not deposited by
/// Square); rows without a card amount and without fees are not settlements and are skipped, and the import report
/// says how many. A payment must be positive, a refund negative; `Event Type` is `Payment` or `Refund`.
public enum SquareCSV {
    public static let requiredColumns = [
        "Date", "Time", "Total Collected", "Fees", "Net Total", "Payment ID", "Event Type", "Deposit ID",
        "Deposit Date",
    ]

    public static func recognizes(header: [String]) -> Bool {
        Set(header.map { $0.trimmingCharacters(in: .whitespaces) }).isSuperset(of: requiredColumns)
    }

    public static func parse(
        _ text: String,
        source: String,
        progress: ImportProgress? = nil
    ) throws(POSError)
        -> SettlementFile
    {
        let table = try CSVTable(text, source: source)
        try table.require(requiredColumns, what: "a Square transactions export")
        let hasCard = table.index("Card") != nil
        var meter = ProgressMeter(total: ImportText.lineCount(text), progress)
        var lines: [SettlementLine] = []
        var firstLine: [String: Int] = [:]
        var skipped = 0
        for row in table.rows {
            func at(_ column: String) -> String { table.location(row, column) }
            func money(_ column: String) throws(POSError) -> Money {
                try amount(table.value(row, column), field: at(column))
            }
            let date = try usDate(table.value(row, "Date"), field: at("Date"))
            let time = table.value(row, "Time").trimmingCharacters(in: .whitespaces)
            guard ImportDate.isoDateTime("2000-01-01 " + time) != nil else {
                throw .invalid(field: at("Time"), reason: "'\(time)' is not a time such as 16:05:09")
            }
            let collected = try money("Total Collected")
            let fees = try money("Fees")
            let netTotal = try money("Net Total")
            guard collected + fees == netTotal else {
                throw .invalid(
                    field: at("Net Total"),
                    reason:
                        "Total Collected \(collected) + Fees \(fees) = \(collected + fees), but Net Total is \(netTotal)"
                )
            }
            let event = table.value(row, "Event Type").trimmingCharacters(in: .whitespaces)
            let type: SettlementLineType
            switch event.lowercased() {
            case "payment": type = .charge
            case "refund": type = .refund
            default:
                throw .invalid(field: at("Event Type"), reason: "'\(event)' is not Payment or Refund")
            }
            let gross = hasCard ? try money("Card") : collected
            if gross == .zero {
                guard fees == .zero else {
                    throw .invalid(field: at("Fees"), reason: "fees \(fees) on a row without a card amount")
                }
                skipped += 1
                meter.at(line: row.line)
                continue
            }
            guard type == .charge ? gross.isPositive : gross.isNegative else {
                let column = hasCard ? "Card" : "Total Collected"
                throw .invalid(
                    field: at(column),
                    reason: "a \(event) of \(gross); it must be \(type == .charge ? "positive" : "negative")"
                )
            }
            let paymentID = try ImportText.id(table.value(row, "Payment ID"), field: at("Payment ID"))
            let id = type == .refund ? "refund-" + paymentID : paymentID
            if let first = firstLine[id] {
                throw .invalid(
                    field: at("Payment ID"),
                    reason: "the \(event) of '\(paymentID)' is already on line \(first)"
                )
            }
            firstLine[id] = row.line
            let depositID = try ImportText.optionalID(table.value(row, "Deposit ID"), field: at("Deposit ID"))
            let depositText = table.value(row, "Deposit Date").trimmingCharacters(in: .whitespaces)
            let depositDate = depositText.isEmpty ? nil : try usDate(depositText, field: at("Deposit Date"))
            let last4 = table.value(row, "PAN Suffix").trimmingCharacters(in: .whitespaces)
            guard last4.isEmpty || (last4.count == 4 && last4.allSatisfy { $0.isASCII && $0.isNumber }) else {
                throw .invalid(field: at("PAN Suffix"), reason: "'\(last4)' is not the last 4 digits of a card")
            }
            let fee = -fees
            let description = [table.value(row, "Description"), table.value(row, "Details")].map(ImportText.clean)
                .filter { !$0.isEmpty }.joined(separator: " / ")
            lines.append(
                SettlementLine(
                    processor: "square",
                    id: id,
                    payoutID: depositID,
                    date: date,
                    payoutDate: depositDate,
                    type: type,
                    category: event,
                    gross: gross,
                    fee: fee,
                    net: gross - fee,
                    currency: "USD",
                    cardBrand: ImportText.cardBrand(table.value(row, "Card Brand")),
                    cardLast4: last4.isEmpty ? nil : last4,
                    sourceID: paymentID,
                    description: description,
                    line: row.line
                )
            )
            meter.at(line: row.line)
        }
        meter.finish()
        let rows = skipped == 1 ? "1 row" : "\(skipped) rows"
        let warnings =
            skipped == 0
            ? [] : ["\(rows) without a card amount (cash, gift cards, other tenders): not settled by Square, skipped"]
        return SettlementFile(format: .square, lines: lines, warnings: warnings)
    }

    /// `MM/DD/YYYY` (one-digit month and day allowed), a real date.
    static func usDate(_ text: String, field: String) throws(POSError) -> BusinessDate {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[2]), let month = Int(parts[0]), let day = Int(parts[1]),
            let date = ImportDate.date(year: year, month: month, day: day)
        else {
            throw .invalid(field: field, reason: "'\(text)' is not a date written MM/DD/YYYY")
        }
        return date
    }

    /// Square's display money: `[-](…)`, `$`, digits in groups of three or none, exactly two decimals.
    static func amount(_ text: String, field: String) throws(POSError) -> Money {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if body.hasPrefix("("), body.hasSuffix(")") {
            negative = true
            body = body.dropFirst().dropLast()
        }
        if body.hasPrefix("-") {
            guard !negative else { throw .invalid(field: field, reason: "'\(text)' is negative twice") }
            negative = true
            body = body.dropFirst()
        }
        if body.hasPrefix("$") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard parts.count == 2, parts[1].count == 2, digits(parts[1]) else {
            throw .invalid(field: field, reason: "'\(text)' is not an amount such as $1,149.00 or ($33.62)")
        }
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard groups.allSatisfy(digits),
            groups.count == 1 || (groups[0].count <= 3 && groups.dropFirst().allSatisfy { $0.count == 3 })
        else {
            throw .invalid(
                field: field,
                reason: "'\(text)' has misplaced thousands separators (groups of three digits: $1,149.00)"
            )
        }
        let whole = groups.joined()
        guard whole.count <= Money.maximumInputDigits, let units = Int64(whole), let fraction = Int64(parts[1]) else {
            throw .invalid(field: field, reason: "'\(text)' is too large", code: "amount.tooLarge")
        }
        let cents = units * 100 + fraction
        return Money(minorUnits: negative ? -cents : cents)
    }
}
