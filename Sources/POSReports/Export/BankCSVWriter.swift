import POSCore

/// The CSV bank-line formats: UTF-8 without byte-order mark, CR LF, RFC 4180 quoting, free text defused against
/// spreadsheet formulas, rows in date order.
enum BankCSVWriter {
    /// Xero's statement import (FORMATS.md §3.5): the template header byte for byte (Xero asks for the column mapping
    /// again when it changes), US dates `MM/DD/YYYY`, one signed amount, the stable id as `Reference`.
    static func xero(_ entries: [DailyEntry], context: ExportContext) -> String {
        var rows = ["*Date,*Amount,Payee,Description,Reference,Check Number"]
        for entry in entries {
            for line in entry.bankLines {
                rows.append(
                    [
                        ExportText.monthDayYear(entry.date), ExportText.amount(line.amount),
                        ExportText.csvText(payee(line, clinic: context.clinic)), ExportText.csvText(line.memo),
                        ExportText.csvField(context.id(of: line, on: entry.date)),
                        line.kind == .check ? (line.checkNumber ?? "") : "",
                    ].joined(separator: ",")
                )
            }
        }
        return rows.map { $0 + "\r\n" }.joined()
    }

    /// VetPOS's plain CSV (FORMATS.md §3.7): one row per bank line with the gross/fee decomposition. Card lines are
    /// the day's gross with a fee of 0.00: the fee is known only when the processor settles.
    static func plain(_ entries: [DailyEntry], context: ExportContext) -> String {
        var rows = ["date,type,reference,check_number,payer,description,amount,currency,batch_id,gross,fee"]
        for entry in entries {
            for line in entry.bankLines {
                let type: String
                switch line.kind {
                case .cash: type = line.amount.isPositive ? "CASH" : "ADJUSTMENT"
                case .check: type = "CHECK"
                case .checkRefund: type = "ADJUSTMENT"
                case .cards, .careCredit: type = "CARD"
                }
                rows.append(
                    [
                        entry.date.text, type, ExportText.csvField(context.id(of: line, on: entry.date)),
                        type == "CHECK" ? (line.checkNumber ?? "") : "", ExportText.csvText(line.payer ?? ""),
                        ExportText.csvText(line.memo), ExportText.amount(line.amount), "USD",
                        ExportText.csvField(line.batchID ?? ""), ExportText.amount(line.amount), "0.00",
                    ].joined(separator: ",")
                )
            }
        }
        return rows.map { $0 + "\r\n" }.joined()
    }

    static func payee(_ line: DailyEntry.BankLine, clinic: String) -> String {
        switch line.kind {
        case .cash: clinic
        case .check: line.payer ?? "Check"
        case .checkRefund: "Client refund"
        case .cards, .careCredit: line.payer ?? "Card processor"
        }
    }
}
