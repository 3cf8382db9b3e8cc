import Foundation
import POSCore

/// Reading a settlement or payout file: format detection and the one entry point the CLI calls.
public enum SettlementImport {
    /// The format the file's content says, when exactly one fits (a Stripe balance export or a Square transactions
    /// export by their header); nil otherwise — a generic CSV needs its mapping, and is never guessed.
    public static func detect(_ data: Data) -> SettlementFormat? {
        guard let header = firstCSVRecord(data) else { return nil }
        let matches = [
            StripeCSV.recognizes(header: header) ? SettlementFormat.stripe : nil,
            SquareCSV.recognizes(header: header) ? .square : nil,
        ].compactMap { $0 }
        return matches.count == 1 ? matches[0] : nil
    }

    /// When ``detect(_:)`` finds nothing: the one format whose required columns the header mostly has (a Stripe or
    /// Square export with a column renamed or missing), so that reading it as that format says exactly what is
    /// wrong. Never used to import: a file this answers for lacks a required column, so reading it fails.
    public static func nearest(_ data: Data) -> SettlementFormat? {
        guard detect(data) == nil, let header = firstCSVRecord(data) else { return nil }
        let names = Set(header.map { $0.trimmingCharacters(in: .whitespaces) })
        let stripe = names.intersection(StripeCSV.requiredColumns + ["balance_transaction_id", "created_utc"]).count
        let square = names.intersection(SquareCSV.requiredColumns).count
        if stripe >= 4, square < 4 { return .stripe }
        if square >= 5, stripe < 4 { return .square }
        return nil
    }

    /// Reads a whole file in `format`: every line, or a ``POSError`` naming the line and what is wrong.
    /// `calendar` turns the processor's UTC times into the clinic's business days.
    public static func parse(
        _ data: Data,
        source: String,
        format: SettlementFormat,
        mapping: CSVMapping? = nil,
        calendar: BusinessCalendar,
        progress: ImportProgress? = nil
    ) throws(POSError) -> SettlementFile {
        let text = try ImportText.utf8(data, source: source)
        switch format {
        case .stripe: return try StripeCSV.parse(text, source: source, calendar: calendar, progress: progress)
        case .square: return try SquareCSV.parse(text, source: source, progress: progress)
        case .csv:
            guard let mapping else {
                throw .invalid(
                    field: "--mapping",
                    reason: "a generic CSV file needs its column mapping (--mapping FILE)"
                )
            }
            return try MappedCSV.settlements(text, source: source, mapping: mapping, progress: progress)
        }
    }
}

/// Reading a bank statement: format detection and the one entry point the CLI calls.
public enum BankImport {
    /// The format the file's content says: OFX by its header, BAI2 by its `01` record; nil for anything else (a bank
    /// CSV needs its mapping).
    public static func detect(_ data: Data) -> BankFormat? {
        if OFX.recognizes(data) { return .ofx }
        if BAI2.recognizes(String(decoding: data.prefix(8), as: UTF8.self)) { return .bai2 }
        return nil
    }

    /// Reads a whole statement in `format`: every line, or a ``POSError`` naming the line and what is wrong.
    public static func parse(
        _ data: Data,
        source: String,
        format: BankFormat,
        mapping: CSVMapping? = nil,
        progress: ImportProgress? = nil
    ) throws(POSError) -> BankStatement {
        switch format {
        case .ofx: return try OFX.parse(data, source: source, progress: progress)
        case .bai2: return try BAI2.parse(try ImportText.utf8(data, source: source), source: source, progress: progress)
        case .csv:
            guard let mapping else {
                throw .invalid(field: "--mapping", reason: "a bank CSV file needs its column mapping (--mapping FILE)")
            }
            let text = try ImportText.utf8(data, source: source)
            return try MappedCSV.bankStatement(text, source: source, mapping: mapping, progress: progress)
        }
    }
}

/// The first record of a CSV file, or nil when it is not UTF-8 CSV.
private func firstCSVRecord(_ data: Data) -> [String]? {
    var bytes = [UInt8](data.prefix(64 * 1024))
    if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange(newline...) }
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    guard let text = try? ImportText.utf8(Data(bytes), source: "") else { return nil }
    return (try? CSV.parse(text, source: ""))?.first?.fields
}
