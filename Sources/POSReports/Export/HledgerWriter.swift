import Foundation
import POSCore

/// A journal both hledger and ledger read the same way (FORMATS.md §3.8): every account declared (its number as an
/// indented `; number:` comment, which both tools accept), `commodity $`, dates `YYYY-MM-DD` in order, the day's code
/// in parentheses, the stable id as a tag, two or more spaces before every explicit amount, no commas in amounts, no
/// `;` in descriptions. UTF-8, LF.
enum HledgerWriter {
    static func write(_ entries: [DailyEntry], context: ExportContext) -> String {
        var out: [String] = [
            "; VetPOS export: \(ExportText.journal(context.clinic)), business days \(context.first) to \(context.last).",
            "; One summary entry per closed business day (debits positive). Account numbers as in the mapping.",
        ]
        var declared: [String] = []
        for key in LedgerAccountKey.allCases {
            let account = context.mapping.account(key)
            guard !declared.contains(account.name) else { continue }
            declared.append(account.name)
            out.append("account \(account.name)")
            if let number = account.number { out.append("    ; number:\(number)") }
        }
        out.append("commodity $")
        let names = entries.flatMap(\.lines).map { context.mapping.account($0.account).name }
        let width = max(names.map(\.count).max() ?? 0, 30) + 2
        let amountWidth = entries.flatMap(\.lines).map { ExportText.amount($0.amount).count + 1 }.max() ?? 0
        for entry in entries {
            let amounts = entry.lines.map { "$" + ExportText.amount($0.amount) }
            out.append("")
            out.append(
                "\(entry.date.text) * (\(context.reference(ofDay: entry.date))) "
                    + ExportText.journal("\(entry.clinic) day close")
            )
            out.append("    ; id:\(context.id(ofDay: entry.date))")
            for (line, amount) in zip(entry.lines, amounts) {
                let name = context.mapping.account(line.account).name
                let padding = String(repeating: " ", count: width - name.count + amountWidth - amount.count)
                let memo = ExportText.journal(line.memo).replacingOccurrences(of: ":", with: " ")
                out.append("    \(name)\(padding)\(amount)  ; \(memo)")
            }
        }
        return out.map { $0 + "\n" }.joined()
    }
}
