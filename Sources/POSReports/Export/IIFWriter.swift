import Foundation

/// QuickBooks Desktop IIF (FORMATS.md §3.1): one `GENERAL JOURNAL` transaction per day, its first line on the `TRNS`
/// row and the rest on `SPL` rows, debits positive, adding up to exactly 0.00. TAB-separated, ASCII, CR LF.
///
/// Accounts are named as the mapping says (QuickBooks matches `ACCNT` by name); no `!ACCNT` list is written, so an
/// import never creates or changes accounts. IIF has no de-duplication key: importing a file twice posts it twice.
enum IIFWriter {
    static let columns = ["TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR"]

    static func write(_ entries: [DailyEntry], context: ExportContext) -> String {
        var rows: [[String]] = [
            ["!TRNS", "TRNSID"] + columns,
            ["!SPL", "SPLID"] + columns,
            ["!ENDTRNS"],
        ]
        for entry in entries {
            let date = ExportText.monthDayYear(entry.date)
            let reference = context.reference(ofDay: entry.date)
            for (index, line) in entry.lines.enumerated() {
                rows.append([
                    index == 0 ? "TRNS" : "SPL", "", "GENERAL JOURNAL", date,
                    field(context.mapping.account(line.account).name),
                    "", "", ExportText.amount(line.amount), reference,
                    field(index == 0 ? "VetPOS day close \(entry.date): \(line.memo)" : line.memo), "N",
                ])
            }
            rows.append(["ENDTRNS"])
        }
        return rows.map { $0.joined(separator: "\t") + "\r\n" }.joined()
    }

    /// ASCII without TAB, line breaks or quotes (how QuickBooks reads quotes in IIF is unverified).
    static func field(_ text: String) -> String {
        ExportText.ascii(text).replacingOccurrences(of: "\"", with: "'")
    }
}
