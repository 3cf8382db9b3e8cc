import POSCore
import Testing

@Suite struct CatalogCSVTests {
    private static let header = "code,name,kind,price,tax_category,barcode,active\n"

    private static let items: [CatalogItem] = [
        item("VAX-RAB", "Rabies vaccine, 1 yr", .pharmacy, 2_850, "EXEMPT"),
        item("FOOD-KD", "Hill's® Prescription Diet k/d, 8.5 lb", .product, 5_499, "STD", barcode: "036000291452"),
        item("EXAM", "Wellness exam", .service, 6_500, "EXEMPT"),
        item("TOY.1", "Squeaky \"Mr. Duck\" toy", .product, 799, "STD", barcode: "96385074", active: false),
        item("DISPOSAL", "  Sharps disposal — Großpackung ", .fee, 0, "STD", barcode: "4006381333931"),
        item("BIG", "Surgery package", .service, 12_340_005, "EXEMPT"),
    ]

    private static func item(
        _ code: String,
        _ name: String,
        _ kind: ItemKind,
        _ cents: Int64,
        _ tax: String,
        barcode: String? = nil,
        active: Bool = true
    ) -> CatalogItem {
        CatalogItem(
            code: code,
            name: name,
            kind: kind,
            unitPrice: .cents(cents),
            taxCategory: tax,
            barcode: barcode,
            active: active
        )
    }

    private func parse(_ text: String) throws(POSError) -> [CatalogItem] {
        try CatalogCSV.parse(text, source: "catalog.csv")
    }

    /// One data row after the header, on line 2.
    private func parseRow(_ row: String) throws(POSError) -> [CatalogItem] {
        try parse(Self.header + row + "\n")
    }

    /// Expects the row to be refused at `field` with a message mentioning `reason` (and, when given, with `code`).
    private func expectRow(
        _ row: String,
        fails field: String,
        _ reason: String,
        code: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: POSError.self, sourceLocation: sourceLocation) { try parseRow(row) }
        #expect(error?.field == field, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(
            error?.description.contains(reason) == true,
            "\(String(describing: error))",
            sourceLocation: sourceLocation
        )
        if let code { #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation) }
    }

    // MARK: - Round trip

    @Test func exportThenImportRoundTripsExactly() throws {
        let text = CatalogCSV.format(Self.items)
        let back = try parse(text)
        #expect(back == Self.items.sorted { $0.code < $1.code })
        #expect(CatalogCSV.format(back) == text)
    }

    @Test func formatWritesHeaderAndSortedQuotedRows() {
        let text = CatalogCSV.format(Array(Self.items.prefix(4)))
        let expected =
            Self.header
            + "EXAM,Wellness exam,service,65.00,EXEMPT,,true\n"
            + "FOOD-KD,\"Hill's® Prescription Diet k/d, 8.5 lb\",product,54.99,STD,036000291452,true\n"
            + "TOY.1,\"Squeaky \"\"Mr. Duck\"\" toy\",product,7.99,STD,96385074,false\n"
            + "VAX-RAB,\"Rabies vaccine, 1 yr\",pharmacy,28.50,EXEMPT,,true\n"
        #expect(text == expected)
    }

    @Test func importsAFileAsSpreadsheetsSaveIt() throws {
        let text =
            "\u{FEFF}Code,Name,KIND,Price,Tax_Category,Barcode,Active\r\n"
            + "A1,Nail trim,Service,15,STD,,yes\r\n"
            + "\r\n"
            + "A2,\"Flea comb, fine\",PRODUCT,4.5,STD,0036000291452,No\r\n"
            + "A3,Euthanasia consult,service,0.00,EXEMPT,,1\r\n"
            + "A4,Old fee,fee,2.00,STD,,0\r\n"
            + "A5,Gabapentin 100 mg,pharmacy,0.35,STD,,TRUE"
        let items = try parse(text)
        #expect(
            items == [
                Self.item("A1", "Nail trim", .service, 1_500, "STD"),
                Self.item("A2", "Flea comb, fine", .product, 450, "STD", barcode: "0036000291452", active: false),
                Self.item("A3", "Euthanasia consult", .service, 0, "EXEMPT"),
                Self.item("A4", "Old fee", .fee, 200, "STD", active: false),
                Self.item("A5", "Gabapentin 100 mg", .pharmacy, 35, "STD"),
            ]
        )
    }

    // MARK: - Whole-file problems

    @Test func emptyFileOrHeaderOnlyHasNoItems() {
        for text in ["", "\n\n", "\u{FEFF}", Self.header, "CODE,NAME,KIND,PRICE,TAX_CATEGORY,BARCODE,ACTIVE"] {
            expectCode("catalog.noItems", field: "catalog.csv") {
                try parse(text)
            }
        }
    }

    @Test func wrongHeaderListsTheExpectedHeader() {
        let expected = "the header must be 'code,name,kind,price,tax_category,barcode,active', found "
        expectCode("catalog.badHeader", field: "catalog.csv line 1") {
            try parse("code,name,kind,price\nA,B,service,1.00\n")
        }
        expectCode("catalog.badHeader", field: "catalog.csv line 1") {
            try parse("code,name,price,kind,tax_category,barcode,active\nA,B,1.00,service,STD,,true\n")
        }
        expectCode("catalog.badHeader", field: "catalog.csv line 2") {
            try parse("\ncode;name;kind;price;tax_category;barcode;active\nA;B;service;1,00;STD;;true\n")
        }
        let short = #expect(throws: POSError.self) { try parse("code,name,kind,price\nA,B,service,1.00\n") }
        #expect(short?.description.contains(expected + "'code,name,kind,price'") == true)
        let semicolons = #expect(throws: POSError.self) { try parse("code;name;kind;price;tax_category\n") }
        #expect(semicolons?.description.contains("(the file is separated by semicolons; save it with commas)") == true)
    }

    @Test func unterminatedQuoteNamesTheLine() {
        expectCode("csv.unterminatedQuote", field: "catalog.csv line 3") {
            try parse(Self.header + "A,Exam,service,1.00,STD,,true\nB,\"Broken name,service,1.00,STD,,true\n")
        }
    }

    @Test func allOrNothingReportsTheFirstBadRow() {
        let text =
            Self.header
            + "A,Exam,service,1.00,STD,,true\n"
            + "B,Exam 2,service,12.345,STD,,true\n"
            + "C,Exam 3,service,-1.00,STD,,true\n"
        expectCode("amount.tooManyDecimals", field: "catalog.csv line 3, price") {
            try parse(text)
        }
    }

    // MARK: - Row problems

    @Test func wrongFieldCount() {
        expectRow(
            "A,Exam,service,1.00,STD,true",
            fails: "catalog.csv line 2",
            "expected 7 fields, found 6",
            code: "catalog.fieldCount"
        )
        expectRow(
            "A,Exam, 10 min,service,1.00,STD,,true",
            fails: "catalog.csv line 2",
            "expected 7 fields, found 8",
            code: "catalog.fieldCount"
        )
    }

    @Test func badKind() {
        expectRow(
            "A,Exam,vaccine,1.00,STD,,true",
            fails: "catalog.csv line 2, kind",
            "'vaccine' is not a kind (use service, product, pharmacy or fee)"
        )
    }

    @Test func negativePrice() {
        expectRow(
            "A,Exam,service,-5.00,STD,,true",
            fails: "catalog.csv line 2, price",
            "'-5.00' must not be negative",
            code: "amount.negative"
        )
        expectRow(
            "A,Exam,service,-$5.00,STD,,true",
            fails: "catalog.csv line 2, price",
            "'-$5.00' is not an amount and must not be negative",
            code: "amount.invalid"
        )
    }

    @Test func thousandsSeparatorSuggestsThePlainAmount() {
        expectRow(
            "A,Surgery,service,\"1,234.00\",STD,,true",
            fails: "catalog.csv line 2, price",
            "'1,234.00' is not an amount (use 1234.00)",
            code: "amount.invalid"
        )
        do {
            _ = try parse(Self.header + "A,S,service,\"1,234\",STD,,true\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "catalog.csv line 2, price: '1,234' is not an amount (use 1234.00)")
        }
    }

    @Test func decimalCommaIsNotGuessed() {
        expectRow(
            "A,Exam,service,\"12,50\",STD,,true",
            fails: "catalog.csv line 2, price",
            "'12,50' is not an amount (use a point for decimals, no thousands separators: 1234.50)",
            code: "amount.invalid"
        )
    }

    @Test func currencySymbolIsRefused() {
        expectRow(
            "A,Exam,service,$12.00,STD,,true",
            fails: "catalog.csv line 2, price",
            "'$12.00' is not an amount (use 12.00)",
            code: "amount.invalid"
        )
        expectRow(
            "A,Exam,service,\"$1,250\",STD,,true",
            fails: "catalog.csv line 2, price",
            "'$1,250' is not an amount (use 1250.00)",
            code: "amount.invalid"
        )
    }

    @Test func moreThanTwoDecimals() {
        expectRow(
            "A,Exam,service,12.345,STD,,true",
            fails: "catalog.csv line 2, price",
            "'12.345' has more than 2 decimals (prices are in whole cents)",
            code: "amount.tooManyDecimals"
        )
    }

    @Test func otherBadPrices() {
        expectRow(
            "A,Exam,service,,STD,,true",
            fails: "catalog.csv line 2, price",
            "is empty (write an amount such as 12.50)",
            code: "amount.empty"
        )
        for price in ["abc", "1e3", "12.", ".5", "12.5.0", "twelve"] {
            expectRow(
                "A,Exam,service,\(price),STD,,true",
                fails: "catalog.csv line 2, price",
                "'\(price)' is not an amount (write digits and a point, e.g. 12.50)",
                code: "amount.invalid"
            )
        }
    }

    @Test func barcodeWithWrongCheckDigit() {
        expectRow(
            "A,Food,product,1.00,STD,036000291453,true",
            fails: "catalog.csv line 2, barcode",
            "'036000291453' has a wrong check digit"
        )
        expectRow(
            "A,Food,product,1.00,STD,12345,true",
            fails: "catalog.csv line 2, barcode",
            "'12345' is not a UPC-A, EAN-13 or EAN-8 barcode"
        )
    }

    @Test func badActiveFlag() {
        expectRow(
            "A,Exam,service,1.00,STD,,maybe",
            fails: "catalog.csv line 2, active",
            "'maybe' is not true or false (yes/no and 1/0 also work)"
        )
        expectRow(
            "A,Exam,service,1.00,STD,,",
            fails: "catalog.csv line 2, active",
            "'' is not true or false (yes/no and 1/0 also work)"
        )
    }

    @Test func badCodeNameAndTaxCategoryUseItemValidation() {
        expectRow(
            "A B,Exam,service,1.00,STD,,true",
            fails: "catalog.csv line 2, code",
            "'A B' is not a valid code (1–32 letters, digits, - _ .)"
        )
        expectRow("A,  ,service,1.00,STD,,true", fails: "catalog.csv line 2, name", "must not be empty")
        expectRow(
            "A,Exam,service,1.00,,,true",
            fails: "catalog.csv line 2, tax category",
            "'' is not a valid code (1–32 letters, digits, - _ .)"
        )
    }

    @Test func duplicateCodeNamesBothLines() {
        let text =
            Self.header
            + "A,Exam,service,1.00,STD,,true\n"
            + "B,Nail trim,service,1.00,STD,,true\n"
            + "\n"
            + "A,Exam again,service,2.00,STD,,true\n"
        expectCode("catalog.duplicateCode", field: "catalog.csv line 5, code") {
            try parse(text)
        }
    }

    @Test func duplicateBarcodeNamesBothLines() {
        let text =
            Self.header
            + "A,Food,product,1.00,STD,036000291452,true\n"
            + "B,Food too,product,1.00,STD,036000291452,true\n"
        expectCode("catalog.duplicateBarcode", field: "catalog.csv line 3, barcode") {
            try parse(text)
        }
    }

    @Test func upcAAndItsEAN13FormAreTheSameBarcode() {
        let text =
            Self.header
            + "A,Food,product,1.00,STD,036000291452,true\n"
            + "B,Food too,product,1.00,STD,0036000291452,true\n"
        expectCode("catalog.duplicateBarcode", field: "catalog.csv line 3, barcode") {
            try parse(text)
        }
    }

    @Test func descriptionsNameLineAndColumn() {
        let cases: [(row: String, column: String)] = [
            ("A,Exam,fish,1.00,STD,,true", "kind"),
            ("A,Exam,service,\"1,234.00\",STD,,true", "price"),
            ("A,Exam,service,1.00,STD,4006381333932,true", "barcode"),
            ("A,Exam,service,1.00,STD,,nope", "active"),
        ]
        for (row, column) in cases {
            do {
                _ = try parse(Self.header + "OK,Fine,fee,1.00,STD,,true\n" + row)
                Issue.record("expected an error for \(row)")
            } catch {
                #expect(error.description.hasPrefix("catalog.csv line 3, \(column): "), "\(error)")
            }
        }
    }
}
