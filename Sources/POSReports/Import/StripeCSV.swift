import Foundation
import POSCore

/// Stripe's itemized balance exports (FORMATS.md §4.1): the Dashboard's "Balance change from activity", the payout
/// reconciliation report and the balance report with payout rows, read by column name.
///
/// Required columns: `balance_transaction_id` (or `id`), `created_utc` (or `created`, already in the clinic's time
/// zone), `currency`, `gross`, `fee`, `net`, `reporting_category`. Optional: `available_on_utc`/`available_on`,
/// `automatic_payout_id`, `payout_id`, `automatic_payout_effective_at[_utc]`, `effective_at[_utc]`, `source_id`,
/// `charge_id`, `card_brand`, `trace_id`, `description`, `payment_metadata[vetpos_payment_id]`.
///
/// Amounts are major units (`12.00`), exact, at most 2 decimals. Every row must satisfy `gross − fee = net`, its sign
/// must fit its category (a charge adds, a refund, dispute or payout takes away; their reversals add back), ids are
/// unique, and when the file has a payout's own row the entries paid by it must add up to it.
public enum StripeCSV {
    public static let requiredColumns = ["currency", "gross", "fee", "net", "reporting_category"]

    /// Whether a CSV header looks like a Stripe balance export (for format detection).
    public static func recognizes(header: [String]) -> Bool {
        let names = Set(header.map { $0.trimmingCharacters(in: .whitespaces) })
        return names.isSuperset(of: requiredColumns) && !names.isDisjoint(with: ["balance_transaction_id", "id"])
    }

    public static func parse(
        _ text: String,
        source: String,
        calendar: BusinessCalendar,
        progress: ImportProgress? = nil
    ) throws(POSError) -> SettlementFile {
        let table = try CSVTable(text, source: source)
        // The long names are the defaults, so a file with neither is told what Stripe calls them.
        let idColumn =
            table.index("balance_transaction_id") == nil && table.index("id") != nil ? "id" : "balance_transaction_id"
        let createdColumn =
            table.index("created_utc") == nil && table.index("created") != nil ? "created" : "created_utc"
        try table.require([idColumn, createdColumn] + requiredColumns, what: "a Stripe balance export")
        let createdIsUTC = createdColumn == "created_utc"
        let availableColumn = table.index("available_on_utc") != nil ? "available_on_utc" : "available_on"
        let effectiveColumn = [
            "automatic_payout_effective_at_utc", "automatic_payout_effective_at", "effective_at_utc",
            "effective_at",
        ]
        .first { table.index($0) != nil }

        var meter = ProgressMeter(total: ImportText.lineCount(text), progress)
        var days = BusinessDays(calendar)
        var lines: [SettlementLine] = []
        lines.reserveCapacity(table.rows.count)
        var firstLine: [String: Int] = [:]
        for row in table.rows {
            func at(_ column: String) -> String { table.location(row, column) }
            let id = try ImportText.id(table.value(row, idColumn), field: at(idColumn))
            if let first = firstLine[id] {
                throw .invalid(field: at(idColumn), reason: "'\(id)' is already on line \(first)")
            }
            firstLine[id] = row.line

            let createdText = table.value(row, createdColumn)
            guard let created = ImportDate.isoDateTime(createdText) else {
                throw .invalid(
                    field: at(createdColumn),
                    reason: "'\(createdText)' is not a date and time such as 2025-03-14 15:02:11"
                )
            }
            let date =
                createdIsUTC
                ? days.date(utc: created.date, second: created.second)
                : created.date
            let availableOn = try optionalDate(table, row, availableColumn)
            let payoutDate = try effectiveColumn.flatMap { column throws(POSError) in
                try optionalDate(table, row, column)
            }

            let currency = try ImportText.currency(table.value(row, "currency"), field: at("currency"))
            let gross = try ImportAmount.parse(table.value(row, "gross"), field: at("gross"))
            let fee = try ImportAmount.parse(table.value(row, "fee"), field: at("fee"))
            let net = try ImportAmount.parse(table.value(row, "net"), field: at("net"))
            guard gross - fee == net else {
                throw .invalid(
                    field: at("net"),
                    reason: "gross \(gross) − fee \(fee) = \(gross - fee), but net is \(net)"
                )
            }
            let category = ImportText.trimmed(table.value(row, "reporting_category"))
            guard !category.isEmpty else {
                throw .invalid(field: at("reporting_category"), reason: "is empty")
            }
            let type = try checkSign(category: category, gross: gross, fee: fee, net: net, field: at("gross"))

            var payoutID = try ImportText.optionalID(
                table.value(row, "automatic_payout_id"),
                field: at("automatic_payout_id")
            )
            if payoutID == nil {
                payoutID = try ImportText.optionalID(table.value(row, "payout_id"), field: at("payout_id"))
            }
            var sourceID = try ImportText.optionalID(table.value(row, "charge_id"), field: at("charge_id"))
            if sourceID == nil {
                sourceID = try ImportText.optionalID(table.value(row, "source_id"), field: at("source_id"))
            }
            if type == .payout, payoutID == nil, let sourceID, sourceID.hasPrefix("po_") { payoutID = sourceID }

            lines.append(
                SettlementLine(
                    processor: "stripe",
                    id: id,
                    payoutID: payoutID,
                    traceID: try ImportText.optionalID(table.value(row, "trace_id"), field: at("trace_id")),
                    date: date,
                    availableOn: availableOn,
                    payoutDate: payoutDate,
                    type: type,
                    category: category,
                    gross: gross,
                    fee: fee,
                    net: net,
                    currency: currency,
                    cardBrand: ImportText.cardBrand(table.value(row, "card_brand")),
                    sourceID: sourceID,
                    paymentReference: try ImportText.optionalID(
                        table.value(row, "payment_metadata[vetpos_payment_id]"),
                        field: at("payment_metadata[vetpos_payment_id]")
                    ),
                    description: ImportText.clean(table.value(row, "description")),
                    line: row.line
                )
            )
            meter.at(line: row.line)
        }
        let warnings = try checkPayouts(lines, source: source)
        meter.finish()
        return SettlementFile(format: .stripe, lines: lines, warnings: warnings)
    }

    private static func optionalDate(
        _ table: CSVTable,
        _ row: CSVRecord,
        _ column: String
    ) throws(POSError) -> BusinessDate? {
        let text = table.value(row, column)
        guard !text.isEmpty else { return nil }
        guard let value = ImportDate.isoDateTime(text) else {
            throw .invalid(field: table.location(row, column), reason: "'\(text)' is not a date such as 2025-03-17")
        }
        // Stripe writes these as midnight of the day meant (UTC); converting would move them to the day before.
        return value.date
    }

    /// The normalised type of a Stripe reporting category, refusing an amount whose sign the category rules out.
    /// Unknown categories are kept as adjustments with their raw value (FORMATS.md §4.1), never dropped.
    static func checkSign(
        category: String,
        gross: Money,
        fee: Money,
        net: Money,
        field: String
    ) throws(POSError) -> SettlementLineType {
        let (type, positive): (SettlementLineType, Bool?) =
            switch category {
            case "charge", "payment": (.charge, true)
            case "refund": (.refund, false)
            case "refund_failure": (.refund, true)
            case "dispute": (.chargeback, false)
            case "dispute_reversal": (.chargeback, true)
            case "payout": (.payout, false)
            case "payout_reversal": (.payout, true)
            case "fee": (.fee, nil)
            default: (.adjustment, nil)
            }
        if let positive, positive ? !gross.isPositive : !gross.isNegative {
            throw .invalid(
                field: field,
                reason: "a \(category) row has gross \(gross); it must be \(positive ? "positive" : "negative")"
            )
        }
        if type == .charge, fee.isNegative {
            throw .invalid(field: field, reason: "a \(category) row has a negative fee \(fee)")
        }
        return type
    }

    /// When the file holds a payout's own row, the entries it pays out must add up to it, to the cent.
    private static func checkPayouts(_ lines: [SettlementLine], source: String) throws(POSError) -> [String] {
        var entries: [String: (net: Money, count: Int)] = [:]
        for line in lines where line.type != .payout {
            guard let payout = line.payoutID else { continue }
            entries[payout, default: (.zero, 0)].net += line.net
            entries[payout, default: (.zero, 0)].count += 1
        }
        var warnings: [String] = []
        for line in lines where line.type == .payout && line.category == "payout" {
            guard let payout = line.payoutID else { continue }
            guard let sum = entries[payout] else {
                warnings.append(
                    "payout \(payout) (line \(line.line)) has no entries in this file: its total is unchecked"
                )
                continue
            }
            guard sum.net == -line.net else {
                throw .invalid(
                    field: "\(source) line \(line.line), net",
                    reason: "payout \(payout) pays out \(-line.net), but its \(sum.count) entries add up to \(sum.net)"
                )
            }
        }
        return warnings
    }
}
