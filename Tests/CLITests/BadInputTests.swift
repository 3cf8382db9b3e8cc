import Foundation
import Testing

/// One bad input: the files it needs, the command, who runs it, and what the one line on stderr must say.
struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: String] = [:]
    /// `DB` is replaced by the test's database path.
    var arguments: [String]
    var staff: Staff? = Clinic.csr
    var environment: [String: String] = [:]
    var status: Int32
    var mentions: [String]

    var testDescription: String { name }

    static let visitLine = #"{"patient":"REX","item":"EXAM","provider":"VET"}"#

    /// A checkout of one exam with the given payments (and optional extra JSON members).
    static func checkout(
        client: String = "OWNER",
        lines: String = visitLine,
        payments: String,
        extra: String = ""
    ) -> String {
        #"{"id":"bad-input-0001","client":"\#(client)","lines":[\#(lines)],"payments":[\#(payments)]\#(extra)}"#
    }

    static func checkoutCase(
        _ name: String,
        _ json: String,
        staff: Staff = Clinic.csr,
        status: Int32 = 2,
        mentions: [String]
    ) -> BadInput {
        BadInput(
            name: name,
            files: ["visit.json": json],
            arguments: ["checkout", "--db", "DB", "visit.json"],
            staff: staff,
            status: status,
            mentions: mentions
        )
    }

    static let all: [BadInput] = [
        BadInput(
            name: "catalog CSV with the wrong header",
            files: ["items.csv": "code,name,kind,price\nEXAM2,Exam,service,1.00\n"],
            arguments: ["catalog", "import", "--db", "DB", "items.csv"],
            staff: Clinic.manager,
            status: 2,
            mentions: ["items.csv line 1", "header", "code,name,kind,price,tax_category,barcode,active"]
        ),
        BadInput(
            name: "catalog CSV with a thousands separator in a price on line 3",
            files: [
                "items.csv": """
                code,name,kind,price,tax_category,barcode,active
                NEW1,Nail trim,service,22.00,EXEMPT,,true
                NEW2,Dental cleaning,service,"1,234.00",EXEMPT,,true
                NEW3,Leash,product,12.99,RETAIL,,true

                """
            ],
            arguments: ["catalog", "import", "--db", "DB", "items.csv"],
            staff: Clinic.manager,
            status: 2,
            mentions: ["items.csv line 3", "price", "1,234.00"]
        ),
        BadInput(
            name: "catalog CSV naming an unknown tax category",
            files: [
                "items.csv":
                    "code,name,kind,price,tax_category,barcode,active\nNEW1,Nail trim,service,22.00,NOTAX,,true\n"
            ],
            arguments: ["catalog", "import", "--db", "DB", "items.csv"],
            staff: Clinic.manager,
            status: 2,
            mentions: ["NEW1", "tax category", "NOTAX"]
        ),
        checkoutCase(
            "checkout that is not JSON",
            #"{"id": "bad-input-0001", "client": "OWNER", "lines": ["#,
            mentions: ["visit.json", "not valid JSON"]
        ),
        checkoutCase(
            "amount given as a JSON number",
            checkout(payments: #"{"tender":"cash","amount":12.5}"#),
            mentions: ["visit.json", "payments[0].amount", "must be a string"]
        ),
        checkoutCase(
            "amount with three decimals",
            checkout(payments: #"{"tender":"cash","amount":"62.005"}"#),
            mentions: ["payments[0].amount", "'62.005'"]
        ),
        checkoutCase(
            "check without the payer's ID number",
            checkout(
                payments:
                    #"{"tender":"check","amount":"62.00","number":"1001","bank":"First Bank","payer":"Olive Owner"}"#
            ),
            mentions: ["payments[0]", "idNumber", "driver's license"]
        ),
        checkoutCase(
            "a card number",
            checkout(payments: #"{"tender":"credit","amount":"62.00","cardNumber":"4111111111111111"}"#),
            mentions: ["payments[0].cardNumber", "card numbers", "never accepted"]
        ),
        checkoutCase(
            "last4 holding all 16 digits",
            checkout(
                payments:
                    #"{"tender":"credit","amount":"62.00","brand":"visa","last4":"4111111111111111","authCode":"A1B2C3","terminalId":"PAX-1"}"#
            ),
            mentions: ["payments[0]", "last4", "never the card number"]
        ),
        checkoutCase(
            "an unknown field",
            checkout(payments: #"{"tender":"cash","amount":"62.00"}"#, extra: #","discount":"10""#),
            mentions: ["visit.json, discount", "unknown field"]
        ),
        checkoutCase(
            "unknown item code",
            checkout(
                lines: #"{"patient":"REX","item":"NOPE","provider":"VET"}"#,
                payments: #"{"tender":"cash","amount":"62.00"}"#
            ),
            mentions: ["lines[0].item", "NOPE"]
        ),
        checkoutCase(
            "a pet of another client",
            checkout(
                lines: #"{"patient":"TOM","item":"EXAM","provider":"VET"}"#,
                payments: #"{"tender":"cash","amount":"62.00"}"#
            ),
            mentions: ["lines[0].patient", "TOM"]
        ),
        checkoutCase(
            "a discount over the CSR's ceiling without a manager's approval",
            #"""
            {"id":"bad-input-0001","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"},
             {"patient":"MIA","item":"EXAM","provider":"VET"}],"discounts":[{"class":"multiplePets","percent":"25"}]}
            """#,
            status: 3,
            mentions: ["discounts[0]", "ceiling", "manager"]
        ),
        checkoutCase(
            "a discount approved with a wrong manager PIN",
            #"""
            {"id":"bad-input-0001","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"},
             {"patient":"MIA","item":"EXAM","provider":"VET"}],"discounts":[{"class":"multiplePets","percent":"25",
             "approval":{"employee":"MGR","pin":"0000","reason":"Loyal client"}}]}
            """#,
            status: 3,
            mentions: ["MGR", "wrong id or PIN"]
        ),
        checkoutCase(
            "a charge to the account over its limit",
            checkout(
                client: "CREDIT",
                lines:
                    #"{"patient":"TOM","item":"EXAM","provider":"VET"},{"patient":"TOM","item":"EXAM","provider":"VET"}"#,
                payments: #"{"tender":"account","amount":"124.00"}"#
            ),
            mentions: ["payments", "CREDIT", "limit", "$100.00"]
        ),
        checkoutCase(
            "a charge to an account that has no credit",
            checkout(payments: #"{"tender":"account","amount":"62.00"}"#),
            mentions: ["payments", "OWNER", "no approved credit account"]
        ),
        checkoutCase(
            "card payments over what is due",
            checkout(
                payments:
                    #"{"tender":"debit","amount":"70.00","brand":"visa","last4":"4242","authCode":"D123","terminalId":"PAX-1"}"#
            ),
            mentions: ["payments", "only cash gives change"]
        ),
        checkoutCase(
            "a wrong PIN",
            checkout(payments: #"{"tender":"cash","amount":"62.00"}"#),
            staff: Staff(id: "CSR", name: "", role: "csr", pin: "9999"),
            status: 3,
            mentions: ["sign-in failed", "CSR"]
        ),
        checkoutCase(
            "an unknown employee",
            checkout(payments: #"{"tender":"cash","amount":"62.00"}"#),
            staff: Staff(id: "GHOST", name: "", role: "csr", pin: "1234"),
            status: 3,
            mentions: ["sign-in failed", "GHOST"]
        ),
        checkoutCase(
            "the bookkeeper ringing a sale",
            checkout(payments: #"{"tender":"cash","amount":"62.00"}"#),
            staff: Clinic.bookkeeper,
            status: 3,
            mentions: ["BOOK", "bookkeeper", "not permitted", "ring up sales"]
        ),
        checkoutCase(
            "an unknown client",
            checkout(client: "NOBODY", payments: #"{"tender":"cash","amount":"62.00"}"#),
            mentions: ["client", "NOBODY", "not found"]
        ),
        BadInput(
            name: "a CSR importing the catalog",
            files: [
                "items.csv":
                    "code,name,kind,price,tax_category,barcode,active\nNEW1,Nail trim,service,22.00,EXEMPT,,true\n"
            ],
            arguments: ["catalog", "import", "--db", "DB", "items.csv"],
            staff: Clinic.csr,
            status: 3,
            mentions: ["CSR", "not permitted", "catalog"]
        ),
        BadInput(
            name: "a checkout file that does not exist",
            arguments: ["checkout", "--db", "DB", "missing.json"],
            status: 2,
            mentions: ["missing.json"]
        ),
        BadInput(
            name: "an invoice that does not exist",
            arguments: ["invoice", "show", "--db", "DB", "4242"],
            staff: nil,
            status: 2,
            mentions: ["invoice", "4242", "not found"]
        ),
        BadInput(
            name: "a deposit report for the last day of year 9999",
            arguments: ["report", "deposit", "--db", "DB", "--date", "9999-12-31"],
            staff: Clinic.manager,
            status: 2,
            mentions: ["--date", "9999-12-31", "1900 to 2999"]
        ),
        BadInput(
            name: "a batch report for year 0001",
            arguments: ["report", "batches", "--db", "DB", "--date", "0001-01-01"],
            staff: Clinic.manager,
            status: 2,
            mentions: ["--date", "0001-01-01"]
        ),
        BadInput(
            name: "an export spanning eleven centuries",
            arguments: ["export", "csv", "--db", "DB", "--from", "1900-01-01", "--to", "2999-12-31", "-o", "-"],
            staff: Clinic.manager,
            status: 2,
            mentions: ["--to", "at most 366 days"]
        ),
        BadInput(
            name: "a card number typed into a no-sale reason",
            arguments: ["drawer", "no-sale", "--db", "DB", "--reason", "refund to 4111-1111-1111-1111"],
            status: 2,
            mentions: ["card number"]
        ),
        BadInput(
            name: "a card number typed into a client's name",
            arguments: ["clients", "save", "--db", "DB", "--id", "PANNY", "--name", "Pat 5500 0000 0000 0004"],
            status: 2,
            mentions: ["card number"]
        ),
        BadInput(
            name: "setting up a clinic twice",
            arguments: [
                "setup", "--db", "DB", "--clinic", "Other", "--manager-id", "MGR2", "--manager-name", "Other Manager",
            ],
            staff: nil,
            environment: ["VETPOS_PIN": "4444"],
            status: 4,
            mentions: ["already set up"]
        ),
    ]
}

@Suite struct BadInputTests {
    /// Each bad input: the documented exit status, one line on stderr naming what and where, nothing on stdout, and
    /// not one row of the database changed.
    @Test(arguments: BadInput.all)
    func isRefusedWithOneLineAndChangesNothing(_ input: BadInput) async throws {
        let sandbox = try await SeededTemplate.copy("bad")
        defer { sandbox.remove() }
        for (name, text) in input.files { try sandbox.write(name, text) }
        let before = try await DatabaseSnapshot.dump(sandbox.db)

        let result = try await sandbox.run(
            input.arguments.map { $0 == "DB" ? sandbox.db : $0 },
            as: input.staff,
            environment: input.environment
        )
        expectRefusal(result, status: input.status, mentions: input.mentions)

        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")
    }

    /// A mistyped `--db` is refused, and no empty database is left in its place; in particular `journal verify`
    /// never reports an absent backup as verified.
    @Test(arguments: [
        (["journal", "verify"], nil as Staff?),
        (["report", "day", "--format", "json"], nil),
        (["invoice", "show", "1"], nil),
        (["catalog", "export"], nil),
        (["checkout", "visit.json"], Clinic.csr),
    ])
    func aMissingDatabaseIsRefusedNotCreated(command: [String], staff: Staff?) async throws {
        let sandbox = try Sandbox("missing-db")
        defer { sandbox.remove() }
        try sandbox.write("visit.json", BadInput.checkout(payments: #"{"tender":"cash","amount":"62.00"}"#))
        let missing = sandbox.path("backups/typo.sqlite")
        let result = try await sandbox.run(command + ["--db", missing], as: staff)
        expectRefusal(result, status: 2, mentions: ["--db", missing, "does not exist"])
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("backups")))
    }

    /// The message names the field as it appears in the input JSON: the check's ID number is `payments[0].idNumber`
    /// in the request (there is no `check` object in the schema).
    @Test func checkWithoutIDNumberNamesTheInputField() async throws {
        let sandbox = try await SeededTemplate.copy("bad-id")
        defer { sandbox.remove() }
        try sandbox.write(
            "visit.json",
            BadInput.checkout(
                payments:
                    #"{"tender":"check","amount":"62.00","number":"1001","bank":"First Bank","payer":"Olive Owner"}"#
            )
        )
        let result = try await sandbox.run(["checkout", "--db", sandbox.db, "visit.json"], as: Clinic.csr)
        expectRefusal(result, status: 2, mentions: ["idNumber"])
        #expect(result.stderr.contains("payments[0].idNumber"), "\(result.stderr)")
    }

    /// `--jsonl` commits line by line: the lines before a bad one are stored and printed, the bad one is named by
    /// its line number, nothing after it runs, and running the corrected file again replays the first two.
    @Test(arguments: [
        (
            #"{"id":"jsonl-0003","client":"OWNER","lines":[{"patient":"MIA","item":"NOPE","provider":"VET"}],"payments":[]}"#,
            ["lines[0].item", "NOPE"]
        ),
        (
            #"{"id":"jsonl-0003","client":"OWNER","lines":[],"payments":[{"tender":"cash","amount":5}]}"#,
            ["payments[0].amount"]
        ),
        (#"{"id":"jsonl-0003","client":"OWNER","#, ["not valid JSON"]),
    ])
    func jsonLinesStopAtTheFirstBadLine(badLine: String, mentions: [String]) async throws {
        let sandbox = try await SeededTemplate.copy("jsonl")
        defer { sandbox.remove() }
        let good = [
            #"{"id":"jsonl-0001","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"}],"payments":[{"tender":"cash","amount":"100.00"}]}"#,
            #"{"id":"jsonl-0002","client":"CREDIT","lines":[{"patient":"TOM","item":"VACC","provider":"VET"}],"payments":[{"tender":"account","amount":"24.99"}]}"#,
        ]
        let fourth =
            #"{"id":"jsonl-0004","client":"OWNER","lines":[{"patient":"MIA","item":"EXAM","provider":"VET"}],"payments":[{"tender":"cash","amount":"62.00"}]}"#
        try sandbox.write("day.jsonl", (good + [badLine, fourth]).joined(separator: "\n") + "\n")
        let before = try await DatabaseSnapshot.dump(sandbox.db)

        let result = try await sandbox.run(["checkout", "--db", sandbox.db, "--jsonl", "day.jsonl"], as: Clinic.csr)
        expectRefusal(result, status: 2, mentions: ["day.jsonl line 3"] + mentions, stdoutAllowed: true)
        #expect(result.lines.count == 2, "\(result)")
        #expect(result.stdout.hasSuffix("\n"))
        let printed = try result.lines.map(InvoiceJSON.decode)
        #expect(printed.map(\.client) == ["OWNER", "CREDIT"])
        #expect(printed.map(\.status) == ["paid", "paid"])
        for invoice in printed { try expectTiesOut(invoice) }

        // Exactly the first two are stored, and stored as printed.
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect((after["invoice"]?.count ?? 0) == (before["invoice"]?.count ?? 0) + 2)
        let commands = after["command"] ?? []
        #expect(
            commands.contains { $0.contains("\"jsonl-0001\"") } && commands.contains { $0.contains("\"jsonl-0002\"") }
        )
        #expect(!commands.contains { $0.contains("\"jsonl-0003\"") || $0.contains("\"jsonl-0004\"") })
        for (line, invoice) in zip(result.lines, printed) {
            let shown = try await sandbox.ok(["invoice", "show", "--db", sandbox.db, "\(invoice.number)"])
            #expect(try canonicalJSON(shown.stdout) == (try canonicalJSON(line)))
        }

        // Fixed, the file runs to the end: the first two are replays with the same answers.
        let fixed =
            #"{"id":"jsonl-0003","client":"OWNER","lines":[{"patient":"MIA","item":"VACC","provider":"VET"}],"payments":[{"tender":"cash","amount":"30.00"}]}"#
        try sandbox.write("day.jsonl", (good + [fixed, fourth]).joined(separator: "\n") + "\n")
        let rerun = try await sandbox.ok(["checkout", "--db", sandbox.db, "--jsonl", "day.jsonl"], as: Clinic.csr)
        #expect(rerun.lines.count == 4)
        #expect(Array(rerun.lines.prefix(2)) == result.lines)
        let final = try await DatabaseSnapshot.dump(sandbox.db)
        #expect((final["invoice"]?.count ?? 0) == (before["invoice"]?.count ?? 0) + 4)
        #expect(try await sandbox.ok(["journal", "verify", "--db", sandbox.db]).stdout.hasPrefix("journal verified"))
    }
}
