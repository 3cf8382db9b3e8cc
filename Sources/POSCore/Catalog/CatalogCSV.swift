/// Import and export of the price list as a CSV file that spreadsheets open and the front desk can edit.
public enum CatalogCSV {
    public static let header = ["code", "name", "kind", "price", "tax_category", "barcode", "active"]

    /// Parses a whole catalog file. All-or-nothing: the first problem throws, naming the line and the column,
    /// e.g. `catalog.csv line 14, price: '1,234.00' is not an amount (use 1234.00)`.
    ///
    /// The header must match ``header`` (case-insensitive, same order). Columns are checked left to right: code and
    /// name, kind (`service`, `product`, `pharmacy`, `fee`, any case), price (exact, at most 2 decimals, not
    /// negative), tax category, barcode (empty or a valid UPC-A, EAN-13 or EAN-8), active (`true`/`false`, `yes`/`no`
    /// or `1`/`0`, any case). Item codes must be unique, and so must barcodes, compared as GTIN-14 so that a UPC-A
    /// and the same code written as EAN-13 with a leading zero count as the same barcode.
    public static func parse(_ text: String, source: String) throws(POSError) -> [CatalogItem] {
        try parseRows(text, source: source).map(\.item)
    }

    /// ``parse(_:source:)`` with the line each item is on, for checks made later that name the line.
    public static func parseRows(_ text: String, source: String) throws(POSError) -> [(line: Int, item: CatalogItem)] {
        let records = try CSV.parse(text, source: source)
        guard let headerRecord = records.first else {
            throw .invalid(field: source, reason: "no items", code: "catalog.noItems")
        }
        try checkHeader(headerRecord, source: source)
        guard records.count > 1 else { throw .invalid(field: source, reason: "no items", code: "catalog.noItems") }

        var items: [(line: Int, item: CatalogItem)] = []
        var codeLines: [String: Int] = [:]
        var barcodeLines: [String: (line: Int, barcode: String, code: String)] = [:]
        for record in records.dropFirst() {
            let location = "\(source) line \(record.line)"
            let item = try item(from: record, location: location)

            if let firstLine = codeLines[item.code] {
                throw .invalid(
                    field: "\(location), code",
                    reason: "'\(item.code)' is already on line \(firstLine)",
                    code: "catalog.duplicateCode"
                )
            }
            codeLines[item.code] = record.line

            if let barcode = item.barcode {
                let key = gtin14(barcode)
                if let first = barcodeLines[key] {
                    let same = first.barcode == barcode ? "is" : "is the same GTIN as '\(first.barcode)'"
                    throw .invalid(
                        field: "\(location), barcode",
                        reason: "'\(barcode)' \(same) already on line \(first.line) (item \(first.code))",
                        code: "catalog.duplicateBarcode"
                    )
                }
                barcodeLines[key] = (record.line, barcode, item.code)
            }
            items.append((record.line, item))
        }
        return items
    }

    /// The header and one row per item, sorted by code; prices as `1234.50`, active as `true`/`false`.
    public static func format(_ items: [CatalogItem]) -> String {
        let sorted = items.sorted { ($0.code, $0.name) < ($1.code, $1.name) }
        let rows = sorted.map { item in
            [
                item.code, item.name, item.kind.rawValue, item.unitPrice.description, item.taxCategory,
                item.barcode ?? "", item.active ? "true" : "false",
            ]
        }
        return CSV.format(rows: [header] + rows)
    }

    // MARK: - Columns

    private static func checkHeader(_ record: CSVRecord, source: String) throws(POSError) {
        let matches =
            record.fields.count == header.count
            && zip(record.fields, header).allSatisfy { $0.lowercased() == $1 }
        guard !matches else { return }
        var reason = "the header must be '\(header.joined(separator: ","))', found '"
        reason += record.fields.joined(separator: ",") + "'"
        if record.fields.count == 1, record.fields[0].contains(";") {
            reason += " (the file is separated by semicolons; save it with commas)"
        }
        throw .invalid(field: "\(source) line \(record.line)", reason: reason, code: "catalog.badHeader")
    }

    private static func item(from record: CSVRecord, location: String) throws(POSError) -> CatalogItem {
        let fields = record.fields
        guard fields.count == header.count else {
            throw .invalid(
                field: location,
                reason: "expected \(header.count) fields, found \(fields.count)",
                code: "catalog.fieldCount"
            )
        }
        // Left to right, so the first bad column is the one reported; `validate` then applies the item's own rules.
        try Identifier.validate(fields[0], field: "\(location), code")
        try Identifier.validateText(fields[1], field: "\(location), name")
        let kind = try parseKind(fields[2], field: "\(location), kind")
        let price = try parsePrice(fields[3], field: "\(location), price")
        let item = CatalogItem(
            code: fields[0],
            name: fields[1],
            kind: kind,
            unitPrice: price,
            taxCategory: fields[4],
            barcode: fields[5].isEmpty ? nil : fields[5],
            active: try parseActive(fields[6], field: "\(location), active")
        )
        try item.validate(field: location)
        return item
    }

    private static func parseKind(_ text: String, field: String) throws(POSError) -> ItemKind {
        if let kind = ItemKind(rawValue: text.lowercased()) { return kind }
        let names = ItemKind.allCases.map(\.rawValue)
        throw .invalid(
            field: field,
            reason: "'\(text)' is not a kind (use \(names.dropLast().joined(separator: ", ")) or \(names.last ?? ""))"
        )
    }

    private static func parseActive(_ text: String, field: String) throws(POSError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw .invalid(field: field, reason: "'\(text)' is not true or false (yes/no and 1/0 also work)")
        }
    }

    /// Exact amounts only; a refused price says why and, when the intent is unambiguous, what to write instead.
    private static func parsePrice(_ text: String, field: String) throws(POSError) -> Money {
        if let amount = Money(parsing: text) {
            guard !amount.isNegative else {
                throw .invalid(field: field, reason: "'\(text)' must not be negative", code: "amount.negative")
            }
            return amount
        }
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else {
            throw .invalid(field: field, reason: "is empty (write an amount such as 12.50)", code: "amount.empty")
        }

        // Without currency symbols and correctly placed thousands separators, is it a plain amount?
        var scalars = trimmed.unicodeScalars.filter { $0.properties.generalCategory != .currencySymbol }
        let negative = scalars.first == "-"
        if negative { scalars.removeFirst() }
        let bare = String(String.UnicodeScalarView(scalars))
        let parts = bare.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        let grouped =
            groups.count > 1 && (1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 }
        let plain = (grouped ? groups.joined() : String(parts[0])) + (parts.count == 2 ? "." + parts[1] : "")

        if parts.count == 2, parts[1].count > 2, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            Money(parsing: String(parts[0].filter { $0 != "," })) != nil
        {
            throw .invalid(
                field: field,
                reason: "'\(text)' has more than 2 decimals (prices are in whole cents)",
                code: "amount.tooManyDecimals"
            )
        }
        if let amount = Money(parsing: plain) {
            guard !negative else {
                throw .invalid(
                    field: field,
                    reason: "'\(text)' is not an amount and must not be negative",
                    code: "amount.invalid"
                )
            }
            throw .invalid(field: field, reason: "'\(text)' is not an amount (use \(amount))", code: "amount.invalid")
        }
        if trimmed.contains(",") {
            throw .invalid(
                field: field,
                reason: "'\(text)' is not an amount (use a point for decimals, no thousands separators: 1234.50)",
                code: "amount.invalid"
            )
        }
        throw .invalid(
            field: field,
            reason: "'\(text)' is not an amount (write digits and a point, e.g. 12.50)",
            code: "amount.invalid"
        )
    }

    /// The barcode as a GTIN-14 (left-padded with zeros), so that UPC-A, EAN-13 and EAN-8 forms compare equal.
    private static func gtin14(_ barcode: String) -> String {
        String(repeating: "0", count: max(0, 14 - barcode.count)) + barcode
    }
}
