import Foundation
import POSCore
import POSReceipts
import Testing

/// Layout files with mistakes: each error names the file and the line.
@Suite struct LayoutMarkupTests {
    static func parseError(_ source: String, name: String = "sale.layout") -> ReceiptLayoutError? {
        do {
            _ = try ReceiptLayout(name: name, source: source)
            return nil
        } catch {
            return error
        }
    }

    @Test func syntaxErrorsNameTheFileAndLine() {
        let cases: [(source: String, expected: String)] = [
            (
                "text | ok\nprint | nope",
                "sale.layout:2: unknown command 'print' (commands: text, row, rule, blank, barcode, cut, each, if, "
                    + "unless, end, include)"
            ),
            (
                "# comment\n\nrow bold shiny | a | b",
                "sale.layout:3: unknown option 'shiny' (options: left, center, right, bold, tall, double, indent)"
            ),
            ("text | Invoice {{invoice.number", "sale.layout:1: '{{' without a closing '}}'"),
            (
                "text | {{invoice number}}",
                "sale.layout:1: '{{invoice number}}' is not a placeholder name (letters, digits, dots)"
            ),
            ("row | only a label", "sale.layout:1: 'row' takes 2 field(s): row [options] | label | amount"),
            ("each pets\n  text | {{name}}\n", "sale.layout:1: 'each pets' has no matching 'end'"),
            ("text | a\nend", "sale.layout:2: 'end' without an open 'each', 'if' or 'unless'"),
            (
                "row double | TOTAL | {{total}}",
                "sale.layout:1: 'double' is for text lines only; use 'tall' to keep the full width"
            ),
            ("rule | ==", "sale.layout:1: a rule's field is the one character it repeats, as in 'rule | ='"),
            ("include letterhead", "sale.layout:1: no layout 'letterhead' to include"),
        ]
        for (source, expected) in cases {
            #expect(Self.parseError(source)?.description == expected, "\(source)")
        }
        #expect(Self.parseError("each pets\n  text bold | {{title}}\nend\nblank\ncut") == nil)
    }

    /// A placeholder the data does not have is an error when the receipt is rendered, not an empty gap on paper.
    @Test func unknownPlaceholderFailsTheRenderWithFileAndLine() throws {
        let bundled = try ReceiptLayouts.bundled()
        var layouts = bundled.layouts
        layouts[.sale] = try ReceiptLayout(
            name: "sale.layout",
            source: "text center | {{clinic.name}}\n# the total\nrow bold | TOTAL | {{invoice.totl}}\ncut"
        )
        let renderer = ReceiptRenderer(
            settings: ReceiptFixtures.settings(columns: 32),
            clinicName: "Bellevue Animal Clinic",
            calendar: ReceiptFixtures.calendar,
            layouts: try ReceiptLayouts(layouts)
        )
        #expect(
            throws: ReceiptLayoutError(
                LayoutLocation(file: "sale.layout", line: 3),
                "unknown placeholder 'invoice.totl'"
            )
        ) {
            try renderer.sale(try ReceiptFixtures.invoice())
        }
        // Inside a loop, names of the element and of the receipt are both in scope; others are not.
        layouts[.sale] = try ReceiptLayout(
            name: "sale.layout",
            source: "each pets\n  text | {{title}} {{invoice.number}} {{sku}}\nend"
        )
        let looping = ReceiptRenderer(
            settings: ReceiptFixtures.settings(columns: 32),
            clinicName: "Bellevue Animal Clinic",
            calendar: ReceiptFixtures.calendar,
            layouts: try ReceiptLayouts(layouts)
        )
        #expect(throws: ReceiptLayoutError(LayoutLocation(file: "sale.layout", line: 2), "unknown placeholder 'sku'")) {
            try looping.sale(try ReceiptFixtures.invoice())
        }
        // A list where text belongs.
        layouts[.sale] = try ReceiptLayout(name: "sale.layout", source: "\ntext | {{pets}}")
        let misused = ReceiptRenderer(
            settings: ReceiptFixtures.settings(columns: 32),
            clinicName: "Bellevue Animal Clinic",
            calendar: ReceiptFixtures.calendar,
            layouts: try ReceiptLayouts(layouts)
        )
        #expect(
            throws: ReceiptLayoutError(
                LayoutLocation(file: "sale.layout", line: 2),
                "'{{pets}}' is not text; use it with 'if' or 'each'"
            )
        ) {
            try misused.sale(try ReceiptFixtures.invoice())
        }
    }

    @Test func aPartialsErrorNamesThePartial() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("layouts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("partials"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        for kind in ReceiptKind.allCases {
            try Data("include header\ncut\n".utf8).write(to: folder.appendingPathComponent(kind.fileName))
        }
        try Data("text center | {{clinic.name}}\nrule | -=\n".utf8)
            .write(to: folder.appendingPathComponent("partials/header.layout"))
        #expect(
            throws: ReceiptLayoutError(
                LayoutLocation(file: "partials/header.layout", line: 2),
                "a rule's field is the one character it repeats, as in 'rule | ='"
            )
        ) {
            try ReceiptLayouts.read(folder: folder)
        }
    }

    @Test func bundledLayoutsCoverEveryKind() throws {
        let layouts = try ReceiptLayouts.bundled()
        #expect(Set(layouts.layouts.keys) == Set(ReceiptKind.allCases))
        #expect(layouts[.zReport].name == "z-report.layout")
    }

    /// A word wider than the paper is the only thing ever cut mid-word.
    @Test func wordsWiderThanThePaperAreSplit() throws {
        var layouts = try ReceiptLayouts.bundled().layouts
        layouts[.sale] = try ReceiptLayout(
            name: "sale.layout",
            source: "text | {{invoice.clientName}}\nrow | {{invoice.clientName}} | $1.00"
        )
        let renderer = ReceiptRenderer(
            settings: ReceiptFixtures.settings(columns: 32),
            clinicName: "Bellevue Animal Clinic",
            calendar: ReceiptFixtures.calendar,
            layouts: try ReceiptLayouts(layouts)
        )
        var invoice = try ReceiptFixtures.invoice()
        invoice.clientName = "Short " + String(repeating: "W", count: 40) + " end"
        let lines = try renderer.sale(invoice).text.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "Short",
                "  " + String(repeating: "W", count: 30),
                "  " + String(repeating: "W", count: 10) + " end",
                "Short                      $1.00",
                "  " + String(repeating: "W", count: 24),
                "  " + String(repeating: "W", count: 16) + " end",
            ]
        )
    }
}

@Suite struct ReceiptSettingsTests {
    @Test func olderPoliciesDecodeWithDefaultReceiptSettings() throws {
        var json = String(decoding: try JSONEncoder().encode(ClinicPolicy()), as: UTF8.self)
        #expect(json.contains("\"receipt\":{"))
        let start = try #require(json.range(of: ",\"receipt\":{"))
        let end = try #require(json[start.upperBound...].range(of: "}"))
        json.removeSubrange(start.lowerBound..<end.upperBound)
        #expect(!json.contains("receipt"))
        let older = try JSONDecoder().decode(ClinicPolicy.self, from: Data(json.utf8))
        #expect(older.receipt == ReceiptSettings())
        #expect(older.receipt.columns == 48)
    }

    @Test func settingsRoundTripAndPartialSettingsDecode() throws {
        let settings = ReceiptFixtures.settings(columns: 32)
        let policy = ClinicPolicy(receipt: settings)
        let decoded = try JSONDecoder().decode(ClinicPolicy.self, from: JSONEncoder().encode(policy))
        #expect(decoded.receipt == settings)
        let phoneOnly = try JSONDecoder().decode(ReceiptSettings.self, from: Data(#"{"phone":"555-0100"}"#.utf8))
        #expect(phoneOnly == ReceiptSettings(phone: "555-0100"))
    }

    @Test(arguments: [0, 31, 40, 80])
    func unsupportedWidthsAreRefused(columns: Int) {
        #expect(throws: POSError.invalid(field: "receipt.columns", reason: "must be 32, 42 or 48")) {
            try ClinicPolicy(receipt: ReceiptSettings(columns: columns)).validate()
        }
    }

    @Test func aRendererFollowsThePolicy() throws {
        let policy = ClinicPolicy(clinicName: "Maple Vet", receipt: ReceiptSettings(phone: "555-0100", columns: 42))
        let receipt = try ReceiptRenderer(policy: policy).sale(try ReceiptFixtures.invoice())
        #expect(receipt.columns == 42)
        #expect(receipt.text.hasPrefix("            M a p l e   V e t\n"))
        #expect(receipt.text.contains("555-0100"))
    }
}
