import Foundation
import POSCore

/// Bank statements in OFX 1.x (SGML) and OFX 2.x (XML), as banks send them (FORMATS.md §3.3, §5.3): every
/// `STMTTRN` of every bank statement (`STMTRS`) in the file, as bank lines keyed by (`ACCTID`, `FITID`).
///
/// Checked as the specification says, not as VetPOS's own export profile: the header (`OFXHEADER:100` … and a blank
/// line, or `<?xml …?>` and `<?OFX OFXHEADER="200" …?>`); aggregates closed in SGML and every element closed in XML;
/// `STMTTRN` children present (`TRNTYPE`, `DTPOSTED`, `TRNAMT`, `FITID`), once each and in the DTD's order; `TRNTYPE`
/// one of the specification's; amounts plain decimals (`-?digits.digits`, no thousands separator, at most 2
/// decimals); dates `YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]` and real; `FITID` unique per account; `LEDGERBAL`
/// present. A money-in type (`CREDIT`, `DEP`, `DIRECTDEP`, `DIV`) must be positive and a money-out type (`DEBIT`,
/// `FEE`, `SRVCHG`, `CHECK`, `PAYMENT`, `CASH`, `DIRECTDEBIT`, `REPEATPMT`) negative. Corrections
/// (`CORRECTACTION`), foreign-currency lines and credit-card or investment statements are refused rather than
/// misread. Accepted as banks write them: date-only `DTPOSTED`, no time zone, `NAME` over 32 characters, LF line
/// ends in the header; a `DTPOSTED` outside `DTSTART`…`DTEND` is a warning.
///
/// A line's date is the calendar day `DTPOSTED` names in its own offset (never converted to UTC, which moves
/// late-evening lines to the next day).
public enum OFX {
    public static let transactionTypes: Set<String> = [
        "CREDIT", "DEBIT", "INT", "DIV", "FEE", "SRVCHG", "DEP", "ATM", "POS", "XFER", "CHECK", "PAYMENT", "CASH",
        "DIRECTDEP", "DIRECTDEBIT", "REPEATPMT", "OTHER", "HOLD",
    ]
    static let moneyIn: Set<String> = ["CREDIT", "DEP", "DIRECTDEP", "DIV"]
    static let moneyOut: Set<String> = [
        "DEBIT", "FEE", "SRVCHG", "CHECK", "PAYMENT", "CASH", "DIRECTDEBIT", "REPEATPMT",
    ]
    /// `STMTTRN`'s content model, in order (OFX 1.6 / 2.2 DTDs).
    static let transactionOrder: [String: Int] = Dictionary(
        uniqueKeysWithValues: [
            "TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID", "CORRECTFITID", "CORRECTACTION", "SPNAME",
            "SRVRTID", "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME", "PAYEE", "EXTDNAME", "BANKACCTTO", "CCACCTTO",
            "MEMO", "IMAGEDATA", "CURRENCY", "ORIGCURRENCY", "INV401KSOURCE",
        ].enumerated().map { ($1, $0) }
    )
    /// Leaf elements: in SGML they carry a value and need no closing tag, so one without a value is an error.
    static let leaves: Set<String> = [
        "TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID", "CORRECTFITID", "CORRECTACTION", "SRVRTID",
        "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME", "EXTDNAME", "MEMO", "CURDEF", "BANKID", "BRANCHID", "ACCTID",
        "ACCTTYPE", "ACCTKEY", "DTSTART", "DTEND", "BALAMT", "DTASOF", "CODE", "SEVERITY", "MESSAGE", "DTSERVER",
        "LANGUAGE", "ORG", "FID", "TRNUID", "CURSYM", "CURRATE", "DTPROFUP", "DTACCTUP",
    ]

    public static func recognizes(_ data: Data) -> Bool {
        var prefix = [UInt8](data.prefix(512))
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { prefix.removeFirst(3) }
        let text = String(decoding: prefix, as: UTF8.self)
        return text.hasPrefix("OFXHEADER:") || (text.hasPrefix("<?xml") && text.contains("<?OFX"))
    }

    public static func parse(
        _ data: Data,
        source: String,
        progress: ImportProgress? = nil
    ) throws(POSError)
        -> BankStatement
    {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let head = String(decoding: bytes.prefix(5), as: UTF8.self)
        let document: Document
        if head.hasPrefix("OFXHE") {
            document = try sgmlDocument(bytes, source: source)
        } else if head == "<?xml" {
            document = try xmlDocument(bytes, source: source)
        } else {
            throw .invalid(
                field: "\(source) line 1",
                reason: "this is not an OFX file: it must begin with OFXHEADER:100 (OFX 1) or <?xml (OFX 2)",
                code: "ofx.notOFX"
            )
        }
        var meter = ProgressMeter(total: ImportText.lineCount(document.body) + document.firstLine - 1, progress)
        let root = try tree(document, source: source, meter: &meter)
        let statement = try statementLines(root, source: source)
        meter.finish()
        return statement
    }

    // MARK: - Header

    struct Document {
        var sgml: Bool
        var body: String
        /// The physical line the body starts on.
        var firstLine: Int
    }

    private static func sgmlDocument(_ bytes: [UInt8], source: String) throws(POSError) -> Document {
        // The header: KEY:VALUE lines up to the first blank line.
        var header: [String: String] = [:]
        var index = 0
        var line = 1
        while true {
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw .invalid(
                    field: "\(source) line \(line)",
                    reason: "the OFX 1 header must be followed by a blank line and <OFX>",
                    code: "ofx.badHeader"
                )
            }
            var text = String(decoding: bytes[index..<end], as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            index = end + 1
            if text.trimmingCharacters(in: .whitespaces).isEmpty { break }
            guard let colon = text.firstIndex(of: ":") else {
                throw .invalid(
                    field: "\(source) line \(line)",
                    reason: "header line '\(text)' is not KEY:VALUE",
                    code: "ofx.badHeader"
                )
            }
            header[String(text[..<colon])] = String(text[text.index(after: colon)...])
            line += 1
        }
        guard header["OFXHEADER"] == "100" else {
            throw .invalid(
                field: "\(source) line 1",
                reason: "OFXHEADER must be 100 in an OFX 1 file",
                code: "ofx.badHeader"
            )
        }
        guard header["DATA"] == "OFXSGML" else {
            throw .invalid(
                field: "\(source) line 2",
                reason: "DATA must be OFXSGML in an OFX 1 file",
                code: "ofx.badHeader"
            )
        }
        guard let version = header["VERSION"], version.count == 3, version.hasPrefix("1") else {
            throw .invalid(
                field: "\(source) line 3",
                reason: "VERSION must be an OFX 1 version such as 102",
                code: "ofx.badHeader"
            )
        }
        let body = Array(bytes[index...])
        let encoding = header["ENCODING"] ?? "USASCII"
        let text: String
        if encoding == "UTF-8" || encoding == "UNICODE" {
            guard let decoded = String(validating: body, as: UTF8.self) else {
                throw .invalid(
                    field: source,
                    reason: "ENCODING:\(encoding), but the body is not UTF-8",
                    code: "ofx.badEncoding"
                )
            }
            text = decoded
        } else if body.allSatisfy({ $0 < 0x80 }) {
            text = String(decoding: body, as: UTF8.self)
        } else {
            // CHARSET 1252 (the usual) or ISO-8859-1: every byte is a character.
            let charset = header["CHARSET"] ?? "1252"
            let decoded = String(data: Data(body), encoding: charset == "1252" ? .windowsCP1252 : .isoLatin1)
            guard let decoded else {
                throw .invalid(
                    field: source,
                    reason: "the body is not text in CHARSET \(charset)",
                    code: "ofx.badEncoding"
                )
            }
            text = decoded
        }
        return Document(sgml: true, body: text, firstLine: line + 1)
    }

    private static func xmlDocument(_ bytes: [UInt8], source: String) throws(POSError) -> Document {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalid(
                field: source,
                reason: "an OFX 2 file is UTF-8 XML, and this one is not UTF-8",
                code: "ofx.badEncoding"
            )
        }
        guard let declarationEnd = text.range(of: "?>") else {
            throw .invalid(
                field: "\(source) line 1",
                reason: "the XML declaration <?xml …?> is not closed",
                code: "ofx.badHeader"
            )
        }
        let rest = text[declarationEnd.upperBound...].drop { $0.isWhitespace }
        guard rest.hasPrefix("<?OFX"), let piEnd = rest.range(of: "?>") else {
            throw .invalid(
                field: "\(source) line 2",
                reason: "the XML declaration must be followed by <?OFX OFXHEADER=\"200\" VERSION=\"2xx\" …?>",
                code: "ofx.badHeader"
            )
        }
        let pi = rest[..<piEnd.lowerBound]
        guard pi.contains("OFXHEADER=\"200\""),
            let version = pi.firstMatch(of: /VERSION="([0-9]{3})"/)?.output.1, version.hasPrefix("2")
        else {
            throw .invalid(
                field: "\(source) line 2",
                reason: "the <?OFX …?> declaration needs OFXHEADER=\"200\" and an OFX 2 VERSION such as \"220\"",
                code: "ofx.badHeader"
            )
        }
        return Document(sgml: false, body: text, firstLine: 1)
    }

    // MARK: - Elements

    final class Element {
        let name: String
        let line: Int
        var value: String?
        var children: [Element] = []

        init(name: String, line: Int, value: String? = nil) {
            self.name = name
            self.line = line
            self.value = value
        }

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        /// A child the reader already checked is there; a refusal at this element's line if not.
        func required(_ name: String, source: String) throws(POSError) -> Element {
            guard let found = child(name) else {
                throw .invalid(
                    field: "\(source) line \(line)",
                    reason: "<\(self.name)> has no <\(name)>",
                    code: "ofx.missingElement"
                )
            }
            return found
        }
        func leaf(_ name: String) -> String? { child(name)?.value }

        /// Every element named `name` below this one, in document order.
        func descendants(_ name: String) -> [Element] {
            var found: [Element] = []
            for child in children {
                if child.name == name { found.append(child) }
                found += child.descendants(name)
            }
            return found
        }
    }

    private enum Token {
        case open(String, line: Int)
        case close(String, line: Int)
        case text(String, line: Int)
    }

    /// Splits the body into tags and text, skipping comments, processing instructions and whitespace-only text.
    private static func tokens(
        _ document: Document,
        source: String,
        meter: inout ProgressMeter
    ) throws(POSError) -> [Token] {
        let bytes = Array(document.body.utf8)
        var tokens: [Token] = []
        var index = 0
        var line = document.firstLine
        func fail(_ reason: String, _ code: String) -> POSError {
            .invalid(field: "\(source) line \(line)", reason: reason, code: code)
        }
        func count(_ range: Range<Int>) {
            for byte in bytes[range] where byte == UInt8(ascii: "\n") { line += 1 }
        }
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let end = bytes[index...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                let text = String(decoding: bytes[index..<end], as: UTF8.self)
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty {
                    let leading = text.prefix { $0.isWhitespace }.filter { $0 == "\n" || $0 == "\r\n" }.count
                    tokens.append(.text(trimmed, line: line + leading))
                }
                count(index..<end)
                index = end
                meter.at(line: line)
                continue
            }
            let rest = bytes[index...]
            if rest.starts(with: Array("<!--".utf8)) || rest.starts(with: Array("<?".utf8)) {
                let closer = Array((rest.starts(with: Array("<!--".utf8)) ? "-->" : "?>").utf8)
                guard let end = find(closer, in: bytes, from: index + 2) else {
                    throw fail("a comment or declaration is not closed", "ofx.badTag")
                }
                count(index..<end)
                index = end + closer.count
                continue
            }
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                throw fail("a tag is not closed: the file looks cut short", "ofx.truncated")
            }
            var name = Substring(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
            let closing = name.hasPrefix("/")
            if closing { name = name.dropFirst() }
            guard !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") })
            else {
                throw fail(
                    "'<\(String(decoding: bytes[index...end].prefix(40), as: UTF8.self))' is not an OFX tag",
                    "ofx.badTag"
                )
            }
            tokens.append(closing ? .close(String(name), line: line) : .open(String(name), line: line))
            index = end + 1
        }
        return tokens
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    /// The deepest element nesting accepted.
    public static let maximumDepth = 32

    /// The element tree. In SGML a leaf's closing tag is optional and aggregates must be closed; in XML every
    /// element is closed.
    private static func tree(
        _ document: Document,
        source: String,
        meter: inout ProgressMeter
    ) throws(POSError) -> Element {
        let tokens = try tokens(document, source: source, meter: &meter)
        let sgml = document.sgml
        let root = Element(name: "", line: 0)
        var stack: [Element] = [root]
        var index = 0
        func fail(_ line: Int, _ reason: String, _ code: String) -> POSError {
            .invalid(field: "\(source) line \(line)", reason: reason, code: code)
        }
        while index < tokens.count {
            switch tokens[index] {
            case .text(let text, let line):
                throw fail(line, "text '\(text.prefix(30))' outside an element", "ofx.strayText")
            case .close(let name, let line):
                guard let position = stack.lastIndex(where: { $0.name == name }), position > 0 else {
                    throw fail(line, "</\(name)> without a matching <\(name)>", "ofx.unbalancedTags")
                }
                guard position == stack.count - 1 else {
                    let open = stack[stack.count - 1]
                    throw fail(
                        line,
                        "</\(name)> comes before </\(open.name)> of <\(open.name)> (line \(open.line))",
                        "ofx.unbalancedTags"
                    )
                }
                stack.removeLast()
                index += 1
            case .open(let name, let line):
                let parent = stack[stack.count - 1]
                var value: String?
                if index + 1 < tokens.count, case .text(let text, _) = tokens[index + 1] {
                    value = decodeEntities(text)
                    index += 1
                }
                var closed = false
                if index + 1 < tokens.count, case .close(let closing, _) = tokens[index + 1], closing == name {
                    closed = true
                    index += 1
                }
                index += 1
                if value != nil || closed {
                    if !sgml && !closed {
                        throw fail(
                            line,
                            "<\(name)> is not closed (an OFX 2 file is XML: write </\(name)> after the value)",
                            "ofx.unclosedElement"
                        )
                    }
                    parent.children.append(Element(name: name, line: line, value: value ?? ""))
                    continue
                }
                if sgml && leaves.contains(name) { throw fail(line, "<\(name)> has no value", "ofx.emptyElement") }
                if name == "STMTTRN", parent.name == "STMTTRN" {
                    throw fail(
                        line,
                        "<STMTTRN> starts before the previous <STMTTRN> (line \(parent.line)) is closed",
                        "ofx.unbalancedTags"
                    )
                }
                // A real statement nests about eight deep. Beyond the limit the file is refused here, before a
                // tree that deep could exhaust the stack when it is searched or freed (both recurse).
                guard stack.count <= maximumDepth else {
                    throw fail(
                        line,
                        "<\(name)> is nested deeper than \(maximumDepth) elements: not an OFX statement",
                        "ofx.tooDeep"
                    )
                }
                let element = Element(name: name, line: line)
                parent.children.append(element)
                stack.append(element)
            }
        }
        guard stack.count == 1 else {
            let open = stack[stack.count - 1]
            throw .invalid(
                field: "\(source) line \(open.line)",
                reason: "<\(open.name)> is never closed: the file looks cut short",
                code: "ofx.truncated"
            )
        }
        guard root.children.count == 1, let ofx = root.children.first, ofx.name == "OFX" else {
            throw .invalid(field: source, reason: "the body must be one <OFX> element", code: "ofx.badBody")
        }
        return ofx
    }

    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[amp...]
            if let semicolon = after.firstIndex(of: ";"), after.distance(from: amp, to: semicolon) <= 10 {
                let name = after[after.index(after: amp)..<semicolon]
                var replacement: String?
                switch name {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if name.hasPrefix("#x") || name.hasPrefix("#X"), let code = UInt32(name.dropFirst(2), radix: 16) {
                        replacement = Unicode.Scalar(code).map { String($0) }
                    } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()) {
                        replacement = Unicode.Scalar(code).map { String($0) }
                    }
                }
                if let replacement {
                    result += replacement
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            result += "&"
            rest = after.dropFirst()
        }
        return result + rest
    }

    // MARK: - Statements

    private static func statementLines(_ ofx: Element, source: String) throws(POSError) -> BankStatement {
        func fail(_ line: Int, _ reason: String, _ code: String) -> POSError {
            .invalid(field: "\(source) line \(line)", reason: reason, code: code)
        }
        for other in ["CCSTMTRS", "INVSTMTRS"] {
            if let statement = ofx.descendants(other).first {
                throw fail(
                    statement.line,
                    "<\(other)> is a \(other == "CCSTMTRS" ? "credit-card" : "investment") statement; VetPOS imports bank statements (STMTRS)",
                    "ofx.notBankStatement"
                )
            }
        }
        let statements = ofx.descendants("STMTRS")
        guard !statements.isEmpty else {
            throw .invalid(field: source, reason: "has no bank statement (STMTRS)", code: "ofx.noStatement")
        }
        var lines: [BankLine] = []
        var warnings: [String] = []
        var firstLine: [String: Int] = [:]
        for statement in statements {
            guard let currencyElement = statement.child("CURDEF") else {
                throw fail(statement.line, "the statement has no CURDEF (its currency)", "ofx.missingElement")
            }
            let currency = try ImportText.currency(
                currencyElement.value ?? "",
                field: "\(source) line \(currencyElement.line), CURDEF"
            )
            guard let from = statement.child("BANKACCTFROM") else {
                throw fail(
                    statement.line,
                    "the statement has no BANKACCTFROM (which account it is)",
                    "ofx.missingElement"
                )
            }
            guard let accountElement = from.child("ACCTID"), let account = accountElement.value, !account.isEmpty else {
                throw fail(from.line, "BANKACCTFROM has no ACCTID", "ofx.missingElement")
            }
            guard account.count <= 22 else {
                throw fail(
                    accountElement.line,
                    "ACCTID '\(account)' is longer than 22 characters",
                    "ofx.accountTooLong"
                )
            }
            guard let ledger = statement.child("LEDGERBAL") else {
                throw fail(statement.line, "the statement has no LEDGERBAL (required)", "ofx.missingElement")
            }
            for name in ["BALAMT", "DTASOF"] where ledger.child(name) == nil {
                throw fail(ledger.line, "LEDGERBAL has no \(name)", "ofx.missingElement")
            }
            _ = try amount(try ledger.required("BALAMT", source: source), source: source)
            _ = try date(try ledger.required("DTASOF", source: source), source: source)
            guard let list = statement.child("BANKTRANLIST") else { continue }
            let start = try list.child("DTSTART").map { element throws(POSError) in try date(element, source: source) }
            let end = try list.child("DTEND").map { element throws(POSError) in try date(element, source: source) }
            for transaction in list.children {
                guard transaction.name == "STMTTRN" else {
                    if ["DTSTART", "DTEND"].contains(transaction.name) { continue }
                    throw fail(
                        transaction.line,
                        "<\(transaction.name)> is not part of a BANKTRANLIST",
                        "ofx.misplacedTransaction"
                    )
                }
                let line = try bankLine(transaction, account: account, currency: currency, source: source)
                let key = account + "\u{1F}" + line.id
                if let first = firstLine[key] {
                    throw fail(
                        try transaction.required("FITID", source: source).line,
                        "FITID '\(line.id)' of account \(account) is already on line \(first)",
                        "ofx.duplicateTransaction"
                    )
                }
                firstLine[key] = try transaction.required("FITID", source: source).line
                if let start, let end, line.date < start || line.date > end {
                    warnings.append(
                        "line \(transaction.line): DTPOSTED \(line.date) is outside the statement's \(start)…\(end)"
                    )
                }
                lines.append(line)
            }
        }
        return BankStatement(format: .ofx, lines: lines, warnings: warnings)
    }

    private static func bankLine(
        _ transaction: Element,
        account: String,
        currency: String,
        source: String
    ) throws(POSError) -> BankLine {
        func fail(_ line: Int, _ reason: String, _ code: String) -> POSError {
            .invalid(field: "\(source) line \(line)", reason: reason, code: code)
        }
        var rank = -1
        var previous = ""
        var seen: Set<String> = []
        for child in transaction.children {
            guard let position = transactionOrder[child.name] else {
                if child.name.contains(".") { continue }  // a bank's private extension (INTU.…)
                throw fail(child.line, "<\(child.name)> is not an element of STMTTRN", "ofx.unknownElement")
            }
            guard seen.insert(child.name).inserted else {
                throw fail(child.line, "<\(child.name)> appears twice in one STMTTRN", "ofx.duplicateElement")
            }
            guard position >= rank else {
                throw fail(
                    child.line,
                    "<\(child.name)> must come before <\(previous)> (the order of STMTTRN's elements)",
                    "ofx.elementOrder"
                )
            }
            rank = position
            previous = child.name
        }
        for name in ["TRNTYPE", "DTPOSTED", "TRNAMT", "FITID"] where transaction.child(name) == nil {
            throw fail(transaction.line, "STMTTRN without <\(name)>", "ofx.missingElement")
        }
        if transaction.child("NAME") != nil, transaction.child("PAYEE") != nil {
            throw fail(transaction.line, "STMTTRN has both NAME and PAYEE (one or the other)", "ofx.nameAndPayee")
        }
        if let correction = transaction.child("CORRECTACTION") ?? transaction.child("CORRECTFITID") {
            throw fail(
                correction.line,
                "the bank corrects an earlier line (\(correction.name)); ask the bank for a fresh statement instead",
                "ofx.correction"
            )
        }
        if let foreign = transaction.child("CURRENCY"), let symbol = foreign.leaf("CURSYM"), symbol != currency {
            throw fail(
                foreign.line,
                "a line in \(symbol) in a \(currency) statement is not imported",
                "ofx.foreignCurrency"
            )
        }
        let typeElement = try transaction.required("TRNTYPE", source: source)
        let type = typeElement.value ?? ""
        guard transactionTypes.contains(type) else {
            throw fail(
                typeElement.line,
                "TRNTYPE '\(type)' is not one of \(transactionTypes.sorted().joined(separator: " "))",
                "ofx.unknownTransactionType"
            )
        }
        let amountElement = try transaction.required("TRNAMT", source: source)
        let value = try amount(amountElement, source: source)
        if moneyIn.contains(type), !value.isPositive {
            throw fail(
                amountElement.line,
                "TRNTYPE \(type) is money in, but TRNAMT is \(value): it must be positive",
                "ofx.wrongSign"
            )
        }
        if moneyOut.contains(type), !value.isNegative {
            throw fail(
                amountElement.line,
                "TRNTYPE \(type) is money out, but TRNAMT is \(value): it must be negative",
                "ofx.wrongSign"
            )
        }
        let fitElement = try transaction.required("FITID", source: source)
        let id = try ImportText.id(fitElement.value ?? "", field: "\(source) line \(fitElement.line), FITID")
        let name = transaction.leaf("NAME") ?? transaction.child("PAYEE")?.leaf("NAME") ?? ""
        let memo = transaction.leaf("MEMO") ?? ""
        let description = [name, memo].map(ImportText.clean).filter { !$0.isEmpty }.joined(separator: " / ")
        let check = transaction.leaf("CHECKNUM").map(ImportText.clean)
        let reference = transaction.leaf("REFNUM").map(ImportText.clean)
        return BankLine(
            account: account,
            id: id,
            date: try date(try transaction.required("DTPOSTED", source: source), source: source),
            valueDate: try transaction.child("DTAVAIL").map { element throws(POSError) in
                try date(element, source: source)
            },
            amount: value,
            currency: currency,
            type: type,
            reference: reference?.isEmpty == false ? reference : nil,
            checkNumber: check?.isEmpty == false ? check : nil,
            description: description,
            line: transaction.line
        )
    }

    /// A plain decimal (`-?digits[.digits]`, `+` allowed), exact in cents.
    static func amount(_ element: Element, source: String) throws(POSError) -> Money {
        let text = element.value ?? ""
        let field = "\(source) line \(element.line), \(element.name)"
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") || body.hasPrefix("+") {
            negative = body.hasPrefix("-")
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        var fraction = parts.count == 2 ? parts[1] : ""
        let digits: (Substring) -> Bool = { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !(whole.isEmpty && fraction.isEmpty), digits(whole), digits(fraction),
            whole.count <= Money.maximumInputDigits
        else {
            throw .invalid(field: field, reason: ImportAmount.problem(text), code: "ofx.badAmount")
        }
        while fraction.count > 2, fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        guard fraction.count <= 2 else {
            throw .invalid(
                field: field,
                reason: "'\(text)' has more than 2 decimals (amounts are exact cents)",
                code: "ofx.badAmount"
            )
        }
        let cents = (Int64(whole) ?? 0) * 100 + (Int64(fraction) ?? 0) * (fraction.count == 1 ? 10 : 1)
        return Money(minorUnits: negative ? -cents : cents)
    }

    /// The calendar day of `YYYYMMDD[HHMM[SS[.XXX]]][[offset[:TZ]]]`, checked to be a real date and time.
    static func date(_ element: Element, source: String) throws(POSError) -> BusinessDate {
        let text = element.value ?? ""
        let field = "\(source) line \(element.line), \(element.name)"
        func refuse() -> POSError {
            .invalid(
                field: field,
                reason: "'\(text)' is not an OFX date YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]",
                code: "ofx.badDate"
            )
        }
        var body = Substring(text)
        if let bracket = body.firstIndex(of: "[") {
            let zone = body[bracket...]
            guard zone.hasSuffix("]"),
                zone.dropFirst().dropLast().wholeMatch(of: /[+-]?[0-9]{1,2}(\.[0-9]{1,2})?(:[A-Za-z]{1,8})?/) != nil
            else { throw refuse() }
            body = body[..<bracket]
        }
        let bytes = Array(body.utf8)
        guard [8, 12, 14, 18].contains(bytes.count) || (bytes.count > 14 && bytes[14] == UInt8(ascii: ".")),
            let year = ImportDate.number(bytes, 0, 4), let month = ImportDate.number(bytes, 4, 2),
            let day = ImportDate.number(bytes, 6, 2), let date = ImportDate.date(year: year, month: month, day: day)
        else { throw refuse() }
        if bytes.count >= 12 {
            guard let hour = ImportDate.number(bytes, 8, 2), let minute = ImportDate.number(bytes, 10, 2), hour < 24,
                minute < 60
            else { throw refuse() }
        }
        if bytes.count >= 14 {
            guard let second = ImportDate.number(bytes, 12, 2), second < 61 else { throw refuse() }
        }
        if bytes.count > 14 {
            guard bytes.count == 18, ImportDate.number(bytes, 15, 3) != nil else { throw refuse() }
        }
        return date
    }
}
