import POSCore
import Testing

@Suite struct CSVTests {
    private func parse(_ text: String) throws(POSError) -> [CSVRecord] {
        try CSV.parse(text, source: "test.csv")
    }

    private func fields(_ text: String) throws(POSError) -> [[String]] {
        try parse(text).map(\.fields)
    }

    // MARK: - Reading

    @Test func parsesLFAndCRLFWithOrWithoutFinalNewline() throws {
        let expected = [["a", "b"], ["c", "d"]]
        #expect(try fields("a,b\nc,d\n") == expected)
        #expect(try fields("a,b\nc,d") == expected)
        #expect(try fields("a,b\r\nc,d\r\n") == expected)
        #expect(try fields("a,b\r\nc,d") == expected)
        #expect(try fields("a,b\nc,d\r\n") == expected)
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("\n\r\n\n").isEmpty)
        #expect(try parse("\u{FEFF}").isEmpty)
    }

    @Test func skipsEmptyLinesButKeepsPhysicalLineNumbers() throws {
        let records = try parse("\na,b\n\r\n\nc\n\n")
        #expect(records == [CSVRecord(line: 2, fields: ["a", "b"]), CSVRecord(line: 5, fields: ["c"])])
    }

    @Test func aLineOfOnlyWhitespaceOrEmptyQuotesIsARecord() throws {
        #expect(
            try parse(" \n\"\"\n,\n") == [
                CSVRecord(line: 1, fields: [" "]),
                CSVRecord(line: 2, fields: [""]),
                CSVRecord(line: 3, fields: ["", ""]),
            ]
        )
    }

    @Test func emptyFieldsAndTrailingComma() throws {
        #expect(try fields("a,,b,\n,x") == [["a", "", "b", ""], ["", "x"]])
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let text = "\"Hill's® k/d, 8.5 lb\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"\"\n\"x\nyz\",last\n"
        let records = try parse(text)
        #expect(
            records == [
                CSVRecord(line: 1, fields: ["Hill's® k/d, 8.5 lb", "say \"hi\"", "two\r\nlines", ""]),
                CSVRecord(line: 3, fields: ["x\nyz", "last"]),
            ]
        )
    }

    @Test func spacesArePartOfUnquotedFields() throws {
        #expect(try fields(" a , b ") == [[" a ", " b "]])
    }

    @Test func stripsALeadingByteOrderMarkOnly() throws {
        #expect(try fields("\u{FEFF}code,name\n") == [["code", "name"]])
        #expect(try fields("a,\u{FEFF}b") == [["a", "\u{FEFF}b"]])
    }

    // MARK: - Malformed input

    @Test func unterminatedQuoteNamesTheLineWhereTheFieldBegan() {
        expectCode("csv.unterminatedQuote", field: "test.csv line 3") {
            try parse("a,b\nc,d\ne,\"open\nmore\nstill open\n")
        }
        expectCode("csv.unterminatedQuote", field: "test.csv line 1") {
            try parse("\"")
        }
        // The record starts on line 4, the unterminated field on line 5.
        expectCode("csv.unterminatedQuote", field: "test.csv line 5") {
            try parse("h\n\n\n\"multi\nline\",\"open\nnever closed")
        }
    }

    @Test func quoteInsideAnUnquotedFieldIsAnError() {
        expectCode("csv.strayQuote", field: "test.csv line 2") {
            try parse("ok\n12\" tube,x\n")
        }
        expectCode("csv.strayQuote", field: "test.csv line 1") {
            try parse(" \"a\",b")
        }
    }

    @Test func textAfterAClosingQuoteIsAnError() {
        expectCode("csv.textAfterQuote", field: "test.csv line 3") {
            try parse("a\n\"multi\nline\" tail,b\n")
        }
        // A quote followed by a combining accent is one Character but two scalars; the accent is stray text.
        expectCode("csv.textAfterQuote", field: "test.csv line 1") {
            try parse("\"e\"\u{301},x")
        }
    }

    @Test func nulIsRefusedEvenInsideQuotes() {
        expectCode("csv.nulCharacter", field: "test.csv line 2") {
            try parse("a\nb\0c\n")
        }
        expectCode("csv.nulCharacter", field: "test.csv line 2") {
            try parse("\"a\nb\0\"\n")
        }
    }

    @Test func loneCarriageReturnOutsideQuotesIsAnError() {
        expectCode("csv.bareCarriageReturn", field: "test.csv line 1") {
            try parse("a\rb\n")
        }
    }

    @Test func errorDescriptionNamesSourceAndLine() {
        do {
            _ = try parse("x\n\"oops")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "test.csv line 2: unterminated quoted field")
        }
    }

    // MARK: - Writing

    @Test func formatQuotesOnlyWhenNeeded() {
        let text = CSV.format(rows: [
            ["plain", "with,comma", "say \"hi\"", "two\nlines", "cr\ronly", " lead", "trail\t", "mid space", "ü®"],
            ["", "x", ""],
            [""],
            ["\u{FEFF}bom"],
        ])
        let expected =
            "plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\ronly\",\" lead\",\"trail\t\",mid space,ü®\n"
            + ",x,\n"
            + "\"\"\n"
            + "\"\u{FEFF}bom\"\n"
        #expect(text == expected)
    }

    @Test func formatOfNoRowsIsEmpty() {
        #expect(CSV.format(rows: []).isEmpty)
    }

    @Test func roundTripsTrickyRows() throws {
        let rows: [[String]] = [
            ["code", "name"],
            ["Hill's® Prescription Diet k/d, 8.5 lb", "\"quoted\""],
            ["\"", "\"\"", ",", "\r\n", "\n", "\r", "a\r\nb"],
            [""],
            ["", ""],
            ["  both  ", "\t"],
            ["\"\u{301}", "e\u{301}", "🐕‍🦺", "日本語"],
            ["\u{FEFF}", "\u{FEFF}x"],
        ]
        let text = CSV.format(rows: rows)
        #expect(try fields(text) == rows)
        // Also when the file starts with a byte-order mark field.
        let bomFirst = [["\u{FEFF}lead", "x"], ["y"]]
        #expect(try fields(CSV.format(rows: bomFirst)) == bomFirst)
    }

    @Test func roundTripsGeneratedRows() throws {
        // A fixed linear congruential generator keeps the test deterministic.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet: [String] = [
            "a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\t", "é", "®", "\u{301}", "🐾", "\u{FEFF}",
        ]
        for _ in 0..<300 {
            let rows = (0..<(1 + next(4))).map { _ in
                (0..<(1 + next(5))).map { _ in (0..<next(6)).map { _ in alphabet[next(alphabet.count)] }.joined() }
            }
            let text = CSV.format(rows: rows)
            #expect(try fields(text) == rows, "\(text.debugDescription)")
        }
    }

    @Test func recordLinesCountLineBreaksInsideQuotes() throws {
        let text = CSV.format(rows: [["h"], ["a\nb\nc"], ["d"]])
        #expect(try parse(text).map(\.line) == [1, 2, 5])
    }
}
