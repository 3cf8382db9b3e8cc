import POSCore

/// OFX bank statements (FORMATS.md §3.2, §3.3): OFX 1.02 SGML (ASCII, CR LF, leaf elements left open) for `.qbo`
/// with Intuit's `INTU.BID`, and OFX 2.2 XML (declared UTF-8, LF, every element closed). Text is transliterated to
/// ASCII in both: ofxparse and libofx cannot read other bytes even in OFX 2.
///
/// The statement describes the VetPOS deposits account of the mapping, from an opening balance of 0.00 at the
/// first exported day: `LEDGERBAL` is the sum of the file's lines. Every `DTPOSTED` is the business day at noon with
/// the clinic's UTC offset, so no reader moves it to another day; `DTSTART`/`DTEND` are the first day at 00:00:00 and
/// the last at 23:59:59; `DTSERVER` is `DTEND` (the file never depends on the clock).
enum OFXWriter {
    enum Version {
        case sgml102(intuBID: String)
        case xml220
    }

    indirect enum Node {
        case aggregate(String, [Node])
        case leaf(String, String)
    }

    static func write(_ entries: [DailyEntry], context: ExportContext, version: Version) -> String {
        let zone = context.timeZone
        let start = ExportText.ofxDateTime(context.first, hour: 0, minute: 0, second: 0, in: zone)
        let end = ExportText.ofxDateTime(context.last, hour: 23, minute: 59, second: 59, in: zone)
        // ASCII in OFX 2 too, although it is UTF-8: ofxparse and libofx (GnuCash's reader) fail on other bytes.
        func text(_ value: String, limit: Int) -> String {
            let cleaned = ExportText.ascii(value)
            var cut = ExportText.truncated(cleaned, to: limit)
            while ExportText.markup(cut).count > limit { cut.removeLast() }
            return ExportText.markup(cut)
        }

        var transactions: [Node] = []
        var balance = Money.zero
        for entry in entries {
            let posted = ExportText.ofxDateTime(entry.date, hour: 12, minute: 0, second: 0, in: zone)
            for line in entry.bankLines {
                balance += line.amount
                var children: [Node] = [
                    .leaf("TRNTYPE", transactionType(line)),
                    .leaf("DTPOSTED", posted),
                    .leaf("TRNAMT", ExportText.amount(line.amount)),
                    .leaf("FITID", context.id(of: line, on: entry.date)),
                ]
                if line.kind == .check, let number = line.checkNumber { children.append(.leaf("CHECKNUM", number)) }
                children.append(.leaf("NAME", text(line.name, limit: 32)))
                children.append(.leaf("MEMO", text(line.memo, limit: 255)))
                transactions.append(.aggregate("STMTTRN", children))
            }
        }
        let bank = context.mapping.bank
        var signOn: [Node] = [
            .aggregate("STATUS", [.leaf("CODE", "0"), .leaf("SEVERITY", "INFO")]),
            .leaf("DTSERVER", end),
            .leaf("LANGUAGE", "ENG"),
            .aggregate("FI", [.leaf("ORG", text(bank.org, limit: 32)), .leaf("FID", text(bank.fid, limit: 32))]),
        ]
        if case .sgml102(let bid) = version { signOn.append(.leaf("INTU.BID", bid)) }
        let document = Node.aggregate(
            "OFX",
            [
                .aggregate("SIGNONMSGSRSV1", [.aggregate("SONRS", signOn)]),
                .aggregate(
                    "BANKMSGSRSV1",
                    [
                        .aggregate(
                            "STMTTRNRS",
                            [
                                .leaf("TRNUID", "1"),
                                .aggregate("STATUS", [.leaf("CODE", "0"), .leaf("SEVERITY", "INFO")]),
                                .aggregate(
                                    "STMTRS",
                                    [
                                        .leaf("CURDEF", "USD"),
                                        .aggregate(
                                            "BANKACCTFROM",
                                            [
                                                .leaf("BANKID", bank.bankID), .leaf("ACCTID", bank.accountID),
                                                .leaf("ACCTTYPE", bank.accountType),
                                            ]
                                        ),
                                        .aggregate(
                                            "BANKTRANLIST",
                                            [.leaf("DTSTART", start), .leaf("DTEND", end)] + transactions
                                        ),
                                        .aggregate(
                                            "LEDGERBAL",
                                            [.leaf("BALAMT", ExportText.amount(balance)), .leaf("DTASOF", end)]
                                        ),
                                    ]
                                ),
                            ]
                        )
                    ]
                ),
            ]
        )
        switch version {
        case .sgml102:
            let header = [
                "OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII", "CHARSET:1252",
                "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "",
            ]
            var lines = header
            sgml(document, into: &lines)
            return lines.map { $0 + "\r\n" }.joined()
        case .xml220:
            var lines = [
                #"<?xml version="1.0" encoding="UTF-8" standalone="no"?>"#,
                #"<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>"#,
            ]
            xml(document, depth: 0, into: &lines)
            return lines.map { $0 + "\n" }.joined()
        }
    }

    /// `DEP` for deposits of cash and checks, `CREDIT` for card settlements, `DEBIT` for money out.
    static func transactionType(_ line: DailyEntry.BankLine) -> String {
        guard line.amount.isPositive else { return "DEBIT" }
        switch line.kind {
        case .cash, .check: return "DEP"
        case .cards, .careCredit, .checkRefund: return "CREDIT"
        }
    }

    static func sgml(_ node: Node, into lines: inout [String]) {
        switch node {
        case .leaf(let name, let value): lines.append("<\(name)>\(value)")
        case .aggregate(let name, let children):
            lines.append("<\(name)>")
            for child in children { sgml(child, into: &lines) }
            lines.append("</\(name)>")
        }
    }

    static func xml(_ node: Node, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        switch node {
        case .leaf(let name, let value): lines.append("\(indent)<\(name)>\(value)</\(name)>")
        case .aggregate(let name, let children):
            lines.append("\(indent)<\(name)>")
            for child in children { xml(child, depth: depth + 1, into: &lines) }
            lines.append("\(indent)</\(name)>")
        }
    }
}
