/// One row of a CSV file and the 1-based physical line it started on.
public struct CSVRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// Strict RFC 4180 reading and writing, working on Unicode scalars so that `\r\n` and a quote followed by a
/// combining mark are never mistaken for single characters.
public enum CSV {
    /// Parses text into records; each record knows the 1-based physical line it started on.
    ///
    /// Strict: quotes only around whole fields, `""` escapes a quote inside quotes, lines end with CRLF or LF
    /// (a lone CR is an error outside quotes), an unterminated quote is an error naming the line where the field
    /// began, a NUL character is an error. A final newline is optional, a byte-order mark at the start is
    /// stripped, and fully empty lines (no characters at all) are skipped; records keep their physical line numbers.
    /// Records may have different numbers of fields; callers check the count.
    public static func parse(_ text: String, source: String) throws(POSError) -> [CSVRecord] {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }

        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var fieldLine = 1
        var inQuotes = false
        var afterClosingQuote = false
        var recordHasContent = false

        func failure(_ line: Int, _ reason: String, _ code: String) -> POSError {
            .invalid(field: "\(source) line \(line)", reason: reason, code: code)
        }

        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            guard scalar != "\0" else { throw failure(line, "contains a NUL character", "csv.nulCharacter") }

            if inQuotes {
                if scalar == "\"" {
                    if next < scalars.endIndex, scalars[next] == "\"" {
                        field.append("\"")
                        index = scalars.index(after: next)
                        continue
                    }
                    inQuotes = false
                    afterClosingQuote = true
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                index = next
                continue
            }

            switch scalar {
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                afterClosingQuote = false
                recordHasContent = true
            case "\r", "\n":
                if scalar == "\r" {
                    guard next < scalars.endIndex, scalars[next] == "\n" else {
                        throw failure(line, "carriage return without a line feed", "csv.bareCarriageReturn")
                    }
                    index = next  // on the LF; the step at the end of the loop passes it
                }
                if recordHasContent {
                    fields.append(String(field))
                    records.append(CSVRecord(line: recordLine, fields: fields))
                }
                fields = []
                field = String.UnicodeScalarView()
                afterClosingQuote = false
                recordHasContent = false
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !afterClosingQuote else {
                    throw failure(
                        line,
                        "quote inside an unquoted field (quote the whole field and double the quote)",
                        "csv.strayQuote"
                    )
                }
                inQuotes = true
                fieldLine = line
                recordHasContent = true
            default:
                guard !afterClosingQuote else {
                    throw failure(
                        line,
                        "unexpected text after a closing quote (quote the whole field)",
                        "csv.textAfterQuote"
                    )
                }
                field.append(scalar)
                recordHasContent = true
            }
            index = scalars.index(after: index)
        }

        guard !inQuotes else { throw failure(fieldLine, "unterminated quoted field", "csv.unterminatedQuote") }
        if recordHasContent {
            fields.append(String(field))
            records.append(CSVRecord(line: recordLine, fields: fields))
        }
        return records
    }

    /// Joins fields with "," and ends each row with "\n". A field is quoted (quotes doubled) when it contains a comma,
    /// quote, CR or LF, starts or ends with a space or tab, or starts with a byte-order mark; a row that is a single
    /// empty field is written as `""` so that it is not read back as a skipped empty line.
    ///
    /// Whatever ``parse(_:source:)`` accepts comes back unchanged, except that rows with no fields are written as
    /// empty lines (which parse skips) and NUL characters are written as they are (which parse refuses).
    public static func format(rows: [[String]]) -> String {
        var output = ""
        for row in rows {
            if row == [""] {
                output += "\"\""
            } else {
                for (position, field) in row.enumerated() {
                    if position > 0 { output += "," }
                    output += quotedIfNeeded(field)
                }
            }
            output += "\n"
        }
        return output
    }

    private static func quotedIfNeeded(_ field: String) -> String {
        let scalars = field.unicodeScalars
        let special: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]
        let padding: Set<Unicode.Scalar> = [" ", "\t"]
        let needsQuotes =
            scalars.contains(where: special.contains)
            || scalars.first.map { padding.contains($0) || $0 == "\u{FEFF}" } == true
            || scalars.last.map(padding.contains) == true
        guard needsQuotes else { return field }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }
}
