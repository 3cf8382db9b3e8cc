import Foundation
import POSCore

/// Any CSV file read through a ``CSVMapping``: bank lines or settlement lines, with the same strictness as the
/// dedicated importers (exact amounts, real dates in the stated format, unique ids, signs that fit the type, the
/// whole file or nothing).
public enum MappedCSV {
    /// Reads bank lines. Without a `reference` column the lines have no id of their own: each gets one derived from
    /// (account, date, amount, description, occurrence among identical rows), and the import report says so.
    public static func bankStatement(
        _ text: String,
        source: String,
        mapping: CSVMapping,
        progress: ImportProgress? = nil
    ) throws(POSError) -> BankStatement {
        let table = try CSVTable(text, source: source)
        try check(mapping, kind: .bank, source: source)
        let column = mapping.columns
        var required: [CSVMapping.Field] = [.date]
        switch mapping.sign {
        case .creditPositive, .debitPositive: required.append(.amount)
        case .creditDebitColumns: required += [.credit, .debit]
        }
        if mapping.account == nil { required.append(.account) }
        for field in required where column[field] == nil {
            throw .invalid(
                field: "mapping, columns.\(field.rawValue)",
                reason: field == .account
                    ? "name the account column, or give the account as \"account\""
                    : "is required for bank lines with sign \(mapping.sign.rawValue)"
            )
        }
        try requireColumns(table, mapping)
        let directions = try bankDirections(mapping)

        var meter = ProgressMeter(total: ImportText.lineCount(text), progress)
        var lines: [BankLine] = []
        var firstLine: [String: Int] = [:]
        var occurrences: [String: Int] = [:]
        for row in table.rows {
            func value(_ field: CSVMapping.Field) -> String {
                column[field].map { table.value(row, $0) } ?? ""
            }
            func at(_ field: CSVMapping.Field) -> String { table.location(row, column[field] ?? field.rawValue) }
            let account =
                try column[.account].map { name throws(POSError) in
                    try ImportText.id(table.value(row, name), field: table.location(row, name))
                } ?? mapping.account ?? ""
            let date = try mapping.date(value(.date), field: at(.date))
            let valueDate =
                value(.valueDate).isEmpty ? nil : try mapping.date(value(.valueDate), field: at(.valueDate))
            var amount: Money
            switch mapping.sign {
            case .creditPositive, .debitPositive:
                amount = try ImportAmount.parse(value(.amount), field: at(.amount))
                if mapping.sign == .debitPositive { amount = -amount }
            case .creditDebitColumns:
                let credit = value(.credit).trimmingCharacters(in: .whitespaces)
                let debit = value(.debit).trimmingCharacters(in: .whitespaces)
                guard credit.isEmpty != debit.isEmpty else {
                    throw .invalid(
                        field: at(.credit),
                        reason: credit.isEmpty
                            ? "neither credit nor debit is filled" : "both credit and debit are filled; fill one"
                    )
                }
                let field: CSVMapping.Field = credit.isEmpty ? .debit : .credit
                let unsigned = try ImportAmount.parse(credit.isEmpty ? debit : credit, field: at(field))
                guard !unsigned.isNegative else {
                    throw .invalid(
                        field: at(field),
                        reason: "'\(unsigned)' is negative; the \(field.rawValue) column holds unsigned amounts"
                    )
                }
                amount = field == .credit ? unsigned : -unsigned
            }
            let rawType = ImportText.clean(value(.type))
            var type = rawType.isEmpty ? (amount.isNegative ? "DEBIT" : "CREDIT") : rawType
            if column[.type] != nil, !directions.isEmpty {
                guard let direction = directions[rawType] else {
                    throw .invalid(
                        field: at(.type),
                        reason:
                            "'\(rawType)' is not in the mapping's types (\(directions.keys.sorted().joined(separator: ", ")))"
                    )
                }
                if direction == .credit && amount.isNegative || direction == .debit && amount.isPositive {
                    throw .invalid(
                        field: at(column[.amount] == nil ? .credit : .amount),
                        reason: "a \(rawType) line (money \(direction == .credit ? "in" : "out")) of \(amount)"
                    )
                }
                type = rawType
            }
            let description = ImportText.clean(value(.description))
            let currency =
                value(.currency).isEmpty
                ? mapping.currency : try ImportText.currency(value(.currency), field: at(.currency))
            let id: String
            let derived = column[.reference] == nil
            if derived {
                let key = [account, date.text, amount.description, description].joined(separator: "\u{1F}")
                let occurrence = occurrences[key, default: 0] + 1
                occurrences[key] = occurrence
                id = "csv-" + ImportText.fingerprint([key, String(occurrence)])
            } else {
                id = try ImportText.id(value(.reference), field: at(.reference))
                let key = account + "\u{1F}" + id
                if let first = firstLine[key] {
                    throw .invalid(field: at(.reference), reason: "'\(id)' is already on line \(first)")
                }
                firstLine[key] = row.line
            }
            lines.append(
                BankLine(
                    account: account,
                    id: id,
                    idDerived: derived,
                    date: date,
                    valueDate: valueDate,
                    amount: amount,
                    currency: currency,
                    type: type,
                    checkNumber: try ImportText.optionalID(value(.checkNumber), field: at(.checkNumber)),
                    description: description,
                    line: row.line
                )
            )
            meter.at(line: row.line)
        }
        meter.finish()
        let warnings =
            column[.reference] == nil
            ? [
                "the file has no reference column: each line's id is derived from its account, date, amount, "
                    + "description and occurrence among identical lines"
            ] : []
        return BankStatement(format: .csv, lines: lines, warnings: warnings)
    }

    /// Reads settlement lines: `id`, `date` and `gross` or `net` are required; `fee` defaults to 0; whichever of
    /// gross and net is missing is worked out (`net = gross − fee`), and when both are there they must agree.
    public static func settlements(
        _ text: String,
        source: String,
        mapping: CSVMapping,
        progress: ImportProgress? = nil
    ) throws(POSError) -> SettlementFile {
        let table = try CSVTable(text, source: source)
        try check(mapping, kind: .settlement, source: source)
        let column = mapping.columns
        for field in [CSVMapping.Field.id, .date] where column[field] == nil {
            throw .invalid(field: "mapping, columns.\(field.rawValue)", reason: "is required for settlement lines")
        }
        guard column[.gross] != nil || column[.net] != nil else {
            throw .invalid(field: "mapping, columns.gross", reason: "name the gross or the net column (or both)")
        }
        guard let processorName = mapping.processor else {
            throw .invalid(field: "mapping, processor", reason: "name the processor (e.g. \"elavon\")")
        }
        let processor = processorName.lowercased()
        try Identifier.validate(processor, field: "mapping, processor")
        try requireColumns(table, mapping)
        var types: [String: SettlementLineType] = [:]
        for (raw, name) in mapping.types {
            guard let type = SettlementLineType(rawValue: name) else {
                let known = SettlementLineType.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid(field: "mapping, types.\(raw)", reason: "'\(name)' is not one of \(known)")
            }
            types[raw] = type
        }
        if column[.type] != nil, types.isEmpty {
            throw .invalid(field: "mapping, types", reason: "say what each value of the type column means")
        }

        var meter = ProgressMeter(total: ImportText.lineCount(text), progress)
        var lines: [SettlementLine] = []
        var firstLine: [String: Int] = [:]
        for row in table.rows {
            func value(_ field: CSVMapping.Field) -> String {
                column[field].map { table.value(row, $0) } ?? ""
            }
            func at(_ field: CSVMapping.Field) -> String { table.location(row, column[field] ?? field.rawValue) }
            func amount(_ field: CSVMapping.Field) throws(POSError) -> Money? {
                column[field] == nil ? nil : try ImportAmount.parse(value(field), field: at(field))
            }
            let id = try ImportText.id(value(.id), field: at(.id))
            if let first = firstLine[id] {
                throw .invalid(field: at(.id), reason: "'\(id)' is already on line \(first)")
            }
            firstLine[id] = row.line
            let date = try mapping.date(value(.date), field: at(.date))
            var fee = try amount(.fee) ?? .zero
            if mapping.feeSign == .negative { fee = -fee }
            let grossValue = try amount(.gross)
            let netValue = try amount(.net)
            guard let gross = grossValue ?? netValue.map({ $0 + fee }) else {
                throw .invalid(
                    field: at(.net),
                    reason: "the row has neither a gross nor a net amount",
                    code: "amount.missing"
                )
            }
            let net = netValue ?? gross - fee
            guard gross - fee == net else {
                throw .invalid(
                    field: at(.net),
                    reason: "gross \(gross) − fee \(fee) = \(gross - fee), but net is \(net)"
                )
            }
            let rawType = ImportText.clean(value(.type))
            let type: SettlementLineType
            if column[.type] != nil {
                guard let mapped = types[rawType] else {
                    throw .invalid(
                        field: at(.type),
                        reason:
                            "'\(rawType)' is not in the mapping's types (\(types.keys.sorted().joined(separator: ", ")))"
                    )
                }
                type = mapped
            } else {
                guard gross != .zero else {
                    throw .invalid(
                        field: at(.gross),
                        reason: "is zero, and without a type column the sign says the type"
                    )
                }
                type = gross.isPositive ? .charge : .refund
            }
            let signField: CSVMapping.Field = column[.gross] != nil ? .gross : .net
            switch type {
            case .charge where !gross.isPositive, .refund where !gross.isNegative:
                throw .invalid(
                    field: at(signField),
                    reason: "a \(type.rawValue) of \(gross); it must be \(type == .charge ? "positive" : "negative")"
                )
            case .chargeback where gross == .zero, .payout where net == .zero:
                throw .invalid(field: at(signField), reason: "a \(type.rawValue) of zero")
            default: break
            }
            let last4 = value(.cardLast4).trimmingCharacters(in: .whitespaces)
            guard last4.isEmpty || (last4.count == 4 && last4.allSatisfy { $0.isASCII && $0.isNumber }) else {
                throw .invalid(field: at(.cardLast4), reason: "'\(last4)' is not the last 4 digits of a card")
            }
            lines.append(
                SettlementLine(
                    processor: processor,
                    id: id,
                    payoutID: try ImportText.optionalID(value(.payout), field: at(.payout)),
                    batchReference: try ImportText.optionalID(value(.batch), field: at(.batch)),
                    date: date,
                    payoutDate: value(.payoutDate).isEmpty
                        ? nil : try mapping.date(value(.payoutDate), field: at(.payoutDate)),
                    type: type,
                    category: rawType.isEmpty ? type.rawValue : rawType,
                    gross: gross,
                    fee: fee,
                    net: net,
                    currency: value(.currency).isEmpty
                        ? mapping.currency : try ImportText.currency(value(.currency), field: at(.currency)),
                    cardBrand: ImportText.cardBrand(value(.cardBrand)),
                    cardLast4: last4.isEmpty ? nil : last4,
                    sourceID: try ImportText.optionalID(value(.source), field: at(.source)),
                    paymentReference: try ImportText.optionalID(value(.reference), field: at(.reference)),
                    description: ImportText.clean(value(.description)),
                    line: row.line
                )
            )
            meter.at(line: row.line)
        }
        meter.finish()
        return SettlementFile(format: .csv, lines: lines)
    }

    private static func check(_ mapping: CSVMapping, kind: CSVMapping.Kind, source: String) throws(POSError) {
        if let declared = mapping.kind, declared != kind {
            throw .invalid(
                field: "mapping, kind",
                reason: "the mapping is for \(declared.rawValue) files, not \(kind.rawValue) files"
            )
        }
        let allowed: Set<CSVMapping.Field> =
            kind == .bank
            ? [
                .date, .reference, .description, .type, .currency, .amount, .credit, .debit, .account, .valueDate,
                .checkNumber,
            ]
            : [
                .date, .reference, .description, .type, .currency, .id, .payout, .payoutDate, .batch, .gross, .fee,
                .net,
                .cardBrand, .cardLast4, .source,
            ]
        for field in mapping.columns.keys.sorted(by: { $0.rawValue < $1.rawValue }) where !allowed.contains(field) {
            throw .invalid(
                field: "mapping, columns.\(field.rawValue)",
                reason: "is not a field of \(kind.rawValue) lines"
            )
        }
        if kind == .bank, mapping.sign != .creditDebitColumns,
            mapping.columns[.credit] != nil || mapping.columns[.debit] != nil
        {
            throw .invalid(
                field: "mapping, sign",
                reason: "credit and debit columns need \"sign\": \"credit-debit-columns\""
            )
        }
    }

    /// Every column the mapping names must be in the header, once.
    private static func requireColumns(_ table: CSVTable, _ mapping: CSVMapping) throws(POSError) {
        for (field, name) in mapping.columns.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where table.index(name) == nil {
            throw .invalid(
                field: "\(table.source) line \(table.header.line)",
                reason: "the mapping's \(field.rawValue) column '\(name)' is not in the header "
                    + "('\(table.header.fields.joined(separator: ","))')",
                code: "mapping.columnMissing"
            )
        }
    }

    private static func bankDirections(_ mapping: CSVMapping) throws(POSError) -> [String: CSVMapping.Direction] {
        var directions: [String: CSVMapping.Direction] = [:]
        for (raw, name) in mapping.types {
            guard let direction = CSVMapping.Direction(rawValue: name) else {
                throw .invalid(field: "mapping, types.\(raw)", reason: "'\(name)' is not credit, debit or any")
            }
            directions[raw] = direction
        }
        return directions
    }
}
