import Foundation
import POSCore

/// The bookkeeper's formats. The journal formats (IIF, hledger) carry each day's balanced summary entry; the
/// bank-line formats (QBO, OFX, Xero CSV, plain CSV) carry the lines the day's takings send to the bank.
public enum ExportFormat: String, CaseIterable, Hashable, Sendable {
    /// The longest range of business days one export covers (the CLI and the API alike).
    public static let maximumDays = 366

    /// QuickBooks Desktop: a `GENERAL JOURNAL` transaction per day.
    case iif
    /// QuickBooks Web Connect: OFX 1.02 SGML with Intuit's `INTU.BID`.
    case qbo
    /// OFX 2.2 XML bank statement.
    case ofx
    /// Xero's "Import a Statement" CSV.
    case xero
    /// VetPOS's plain bank-line CSV (FORMATS.md §3.7).
    case csv
    /// hledger (and ledger) journal.
    case hledger

    public var carriesJournal: Bool { self == .iif || self == .hledger }

    public var fileExtension: String {
        switch self {
        case .iif: "iif"
        case .qbo: "qbo"
        case .ofx: "ofx"
        case .xero, .csv: "csv"
        case .hledger: "journal"
        }
    }
}

/// What every writer needs besides the days: the mapping, the clinic's time zone and the exported range.
public struct ExportContext: Sendable {
    public var clinic: String
    public var mapping: ExportMapping
    public var timeZone: TimeZone
    public var first: BusinessDate
    public var last: BusinessDate

    public init(clinic: String, mapping: ExportMapping, timeZone: TimeZone, first: BusinessDate, last: BusinessDate) {
        self.clinic = clinic
        self.mapping = mapping
        self.timeZone = timeZone
        self.first = first
        self.last = last
    }

    public var clinicCode: String { mapping.clinicCode(for: clinic) }

    /// The stable id of a bank line (FORMATS.md §2.4): `<clinic>-<account>-<business date>-<source>`, built only
    /// from stored records, so every re-export of the day gives the same id.
    public func id(of line: DailyEntry.BankLine, on date: BusinessDate) -> String {
        "\(clinicCode)-\(mapping.bank.code)-\(ExportText.compact(date))-\(line.source)"
    }

    /// The stable id of a day's journal entry: `RAH-20250314-DAY`.
    public func id(ofDay date: BusinessDate) -> String { "\(clinicCode)-\(ExportText.compact(date))-DAY" }

    /// The entry's reference number (IIF `DOCNUM`, at most 11 characters; the journal's code): `DAY20250314`.
    public func reference(ofDay date: BusinessDate) -> String { "DAY\(ExportText.compact(date))" }
}

public enum Exporter {
    /// The file's bytes. The same days and context always give the same bytes: nothing depends on the clock.
    public static func write(
        _ entries: [DailyEntry],
        as format: ExportFormat,
        context: ExportContext
    ) throws(POSError)
        -> [UInt8]
    {
        let period = "\(context.first) to \(context.last)"
        guard context.first <= context.last else {
            throw .invalid(field: period, reason: "the first day is after the last")
        }
        for (index, entry) in entries.enumerated() {
            guard entry.date >= context.first, entry.date <= context.last else {
                throw .invalid(field: period, reason: "the \(entry.date) entry is outside the exported days")
            }
            if index > 0, entries[index - 1].date >= entry.date {
                throw .invalid(field: period, reason: "entries must be one per day, in date order")
            }
            try entry.check()
        }
        let carried =
            format.carriesJournal ? entries.filter { !$0.lines.isEmpty } : entries.filter { !$0.bankLines.isEmpty }
        if carried.isEmpty && format != .ofx && format != .qbo {
            throw .invalid(
                field: period,
                reason: format.carriesJournal
                    ? "no closed business day with takings to export" : "no closed business day with money for the bank"
            )
        }
        let text: String
        switch format {
        case .iif: text = IIFWriter.write(carried, context: context)
        case .qbo:
            guard let bid = context.mapping.bank.intuBID else {
                throw .invalid(
                    field: "bank.intuBid",
                    reason: "a .qbo file needs your bank's QuickBooks id (INTU.BID): set it in a --mapping file"
                )
            }
            text = OFXWriter.write(carried, context: context, version: .sgml102(intuBID: bid))
        case .ofx: text = OFXWriter.write(carried, context: context, version: .xml220)
        case .xero:
            let count = carried.map(\.bankLines.count).reduce(0, +)
            guard count <= 1000 else {
                throw .invalid(
                    field: period,
                    reason: "\(count) lines: Xero takes at most 1,000 lines per file; export fewer days at a time"
                )
            }
            text = BankCSVWriter.xero(carried, context: context)
        case .csv: text = BankCSVWriter.plain(carried, context: context)
        case .hledger: text = HledgerWriter.write(carried, context: context)
        }
        return Array(text.utf8)
    }
}
