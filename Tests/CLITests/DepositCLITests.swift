import Foundation
import GRDB
import Testing

/// A deposit slip as `vetpos deposit prepare --format json` prints it. Amounts stay strings, as in the JSON.
struct DepositJSON: Decodable, Sendable {
    struct Cash: Decodable, Sendable {
        var denomination: String
        var quantity: Int64
        var amount: String
    }
    struct Check: Decodable, Sendable {
        var number: String
        var payer: String
        var bank: String
        var amount: String
        var payment: Int64
        var invoice: Int64?
    }
    struct Exception: Decodable, Sendable {
        var kind: String
        var checkNumber: String
        var check: Check?
    }
    struct Session: Decodable, Sendable {
        var id: Int64
        var drawer: String
        var zNumber: Int
        var cash: String
    }
    var id: String
    var businessDate: String
    var sessions: [Session]
    var cash: [Cash]
    var cashTotal: String
    var checks: [Check]
    var checkTotal: String
    var total: String
    var exceptions: [Exception]
}

/// `vetpos report batches --format json`, the parts the tests check.
struct BatchReportJSON: Decodable, Sendable {
    struct Batch: Decodable, Sendable {
        struct Payment: Decodable, Sendable {
            var number: Int64
            var amount: String
            var terminal: String
        }
        var id: String
        var terminal: String
        var reference: String?
        var net: String
        var payments: [Payment]
    }
    struct Open: Decodable, Sendable {
        var terminal: String
        var net: String
    }
    var date: String
    var systemNet: String
    var systemCount: Int
    var batches: [Batch]
    var open: [Open]
}

/// The bank deposit and the card batches through the real binary: from the drawer's close to the slip, the batches
/// and the day's reports, and every refusal leaves the database as it was.
@Suite struct DepositCLITests {
    static let cashExam =
        #"{"id":"deposit-day-0001","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"}],"payments":[{"tender":"cash","amount":"70.00"}]}"#
    static let checkExam =
        #"{"id":"deposit-day-0002","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"}],"payments":[{"tender":"check","amount":"62.00","number":"1001","bank":"First Bank","payer":"Olive Owner","idNumber":"TX-12345678"}]}"#
    static let checkVaccine =
        #"{"id":"deposit-day-0003","client":"OWNER","lines":[{"patient":"MIA","item":"VACC","provider":"VET"}],"payments":[{"tender":"check","amount":"24.99","number":"1002","bank":"Second Bank","payer":"=Olive Owner","idNumber":"TX-12345678"}]}"#
    static let cardFood =
        #"{"id":"deposit-day-0004","client":"OWNER","lines":[{"patient":"MIA","item":"FOOD","provider":"CSR"}],"payments":[{"tender":"credit","amount":"77.93","brand":"visa","last4":"4242","authCode":"A7F3K2","terminalId":"PAX-1"}]}"#
    static let cardVaccine =
        #"{"id":"deposit-day-0005","client":"OWNER","lines":[{"patient":"REX","item":"VACC","provider":"VET"}],"payments":[{"tender":"debit","amount":"24.99","brand":"mastercard","last4":"5100","authCode":"M55120","terminalId":"PAX-2"}]}"#

    /// The float plus the exam's $62.00 in three twenties and two ones.
    static let closeCount = "20x6,10x2,5x6,1x22,roll-0.25x1,0.25x20,0.10x20,0.05x40,0.01x100"

    @Test func aDayFromTheCloseToTheSlipAndTheBatches() async throws {
        let sandbox = try await SeededTemplate.drawer.copy("deposit-day")
        defer { sandbox.remove() }
        let db = sandbox.db
        let csr = Clinic.csr
        try await sandbox.ok(["drawer", "open", "--db", db, "--count", Clinic.openingFloat], as: csr)
        for (name, json) in [
            ("a.json", Self.cashExam), ("b.json", Self.checkExam), ("c.json", Self.checkVaccine),
            ("d.json", Self.cardFood), ("e.json", Self.cardVaccine),
        ] {
            try sandbox.write(name, json)
            let invoice = try InvoiceJSON.decode(try await sandbox.ok(["checkout", "--db", db, name], as: csr).stdout)
            try expectTiesOut(invoice)
        }
        #expect(try Counted.cents(Self.closeCount) == Clinic.openingFloatCents + 62_00)

        // Nothing closed yet: nothing to deposit, and the refusal changes nothing.
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "prepare", "--db", db],
            as: Clinic.manager,
            status: 4,
            mentions: ["no closed drawer session is waiting for a deposit"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "prepare", "--db", db, "--session", "1"],
            as: Clinic.manager,
            status: 4,
            mentions: ["session 1 of drawer FRONT-1 is not closed yet"]
        )

        // The close finds check 1001 but not 1002; the relief CSR verifies; the Z report says what goes to the bank.
        let close = try await sandbox.ok(
            ["drawer", "close", "--db", db, "--count", Self.closeCount, "--check", "1001"],
            as: csr
        )
        #expect(close.stdout.contains("MISSING check 1002"), "\(close)")
        let z = try await sandbox.ok(["drawer", "verify", "--db", db], as: Clinic.reliefCSR).stdout
        let toBank = try #require(rowAmount(z, "To the bank (cash)"), "\(z)")

        // The deposit: the Z report's cash, check 1001 itemized, check 1002 an exception.
        let printed = try await sandbox.ok(
            ["deposit", "prepare", "--db", db, "--note", "Bag 7781", "--format", "json"],
            as: Clinic.manager
        )
        let deposit = try JSONDecoder().decode(DepositJSON.self, from: Data(printed.stdout.utf8))
        #expect(deposit.id == "D-\(deposit.businessDate.replacingOccurrences(of: "-", with: ""))-01")
        #expect(formatted(try cents(deposit.cashTotal)) == toBank)
        #expect(try deposit.cash.map { try cents($0.amount) }.reduce(0, +) == (try cents(deposit.cashTotal)))
        #expect(
            deposit.cash.map { Counted.value[$0.denomination]! * $0.quantity }.reduce(0, +)
                == (try cents(deposit.cashTotal))
        )
        #expect(deposit.checks.map(\.number) == ["1001"] && deposit.checks[0].payer == "Olive Owner")
        #expect(deposit.checks[0].bank == "First Bank" && deposit.checks[0].amount == "62.00")
        #expect(deposit.checks[0].invoice == 2)
        #expect(deposit.checkTotal == "62.00")
        #expect(try cents(deposit.total) == (try cents(deposit.cashTotal)) + 62_00)
        #expect(deposit.exceptions.map(\.kind) == ["missing"] && deposit.exceptions[0].checkNumber == "1002")
        #expect(deposit.exceptions[0].check?.amount == "24.99")
        #expect(deposit.sessions.map(\.id) == [1] && deposit.sessions[0].zNumber == 1)
        let date = deposit.businessDate

        // Once only.
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "prepare", "--db", db, "--session", "1"],
            as: Clinic.manager,
            status: 4,
            mentions: ["session 1 of drawer FRONT-1 is already in deposit \(deposit.id)"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "prepare", "--db", db],
            as: Clinic.manager,
            status: 4,
            mentions: ["no closed drawer session is waiting for a deposit"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "prepare", "--db", db],
            as: Clinic.technician,
            status: 3,
            mentions: ["TECH", "prepare bank deposits"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "prepare", "--db", db],
            as: csr,
            status: 3,
            mentions: ["CSR", "prepare bank deposits and close card batches"]
        )

        // The slip on the receipt printer, and the day's report in every format.
        let slip = try await sandbox.ok(["deposit", "show", "--db", db, deposit.id], as: Clinic.bookkeeper).stdout
        for line in slip.split(separator: "\n") { #expect(line.count <= 42, "\(line)") }
        #expect(slip.contains("Deposit                      \(deposit.id)\n"), "\(slip)")
        #expect(rowAmount(slip, "DEPOSIT TOTAL") == formatted(try cents(deposit.total)), "\(slip)")
        #expect(rowAmount(slip, "Cash total") == toBank, "\(slip)")
        #expect(slip.contains("MISSING #1002 =Olive Owner"), "\(slip)")
        #expect(slip.contains("Note: Bag 7781"), "\(slip)")
        let text = try await sandbox.ok(
            ["report", "deposit", "--db", db, "--date", date],
            as: Clinic.bookkeeper
        ).stdout
        #expect(text == slip)
        let csv = try await sandbox.ok(
            ["report", "deposit", "--db", db, "--date", date, "--format", "csv"],
            as: Clinic.bookkeeper
        ).stdout
        #expect(
            csv.hasPrefix("deposit,date,kind,denomination,quantity,check_number,payer,bank,payment,invoice,drawer,")
        )
        let rows = csv.split(separator: "\r\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let deposited = try rows.filter { $0[2] == "cash" || $0[2] == "check" }.map { try cents(String($0[12])) }
        #expect(deposited.reduce(0, +) == (try cents(deposit.total)))
        #expect(csv.contains(",missing-check,,,1002,'=Olive Owner,Second Bank,"), "\(csv)")
        let json = try await sandbox.ok(
            ["report", "deposit", "--db", db, "--date", date, "--format", "json"],
            as: Clinic.bookkeeper
        ).stdout
        #expect(json.contains("\"id\" : \"\(deposit.id)\""))
        #expect(try canonicalJSON(json).contains(try canonicalJSON(printed.stdout)))
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["report", "deposit", "--db", db, "--date", date],
            as: Clinic.technician,
            status: 3,
            mentions: ["TECH", "see deposits"]
        )

        // Card batches: PAX-1 with its terminal's own batch number and total, then every other terminal.
        let pax1 = try await sandbox.ok(
            [
                "batch", "close", "--db", db, "--card-terminal", "PAX-1", "--reference", "0314", "--reported-net",
                "77.93",
            ],
            as: Clinic.manager
        ).stdout
        let pax1ID = "PAX-1-\(date.replacingOccurrences(of: "-", with: ""))-01"
        #expect(pax1.hasPrefix("BATCH                    \(pax1ID)\n"), "\(pax1)")
        #expect(rowAmount(pax1, "Batch total (1)") == "$77.93", "\(pax1)")
        #expect(rowAmount(pax1, "Difference") == "$0.00", "\(pax1)")
        let rest = try await sandbox.ok(
            ["batch", "close", "--db", db, "--all", "--format", "json"],
            as: Clinic.manager
        ).stdout
        #expect(rest.contains("\"id\" : \"PAX-2-"), "\(rest)")
        let none = try await sandbox.ok(["batch", "close", "--db", db, "--all"], as: Clinic.manager)
        #expect(none.stdout == "No card terminal has payments outside a closed batch.\n")
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["batch", "close", "--db", db, "--card-terminal", "PAX-1"],
            as: Clinic.manager,
            status: 4,
            mentions: ["card terminal PAX-1 has no card payment outside a closed batch"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["batch", "close", "--db", db, "--card-terminal", "PAX-1", "--reported-net", "1,240.00"],
            as: Clinic.manager,
            status: 2,
            mentions: ["--reported-net", "'1,240.00' is not an amount"]
        )
        let usage = try await sandbox.run(["batch", "close", "--db", db], as: Clinic.manager)
        #expect(usage.status != 0 && usage.stderr.contains("give either --card-terminal TERMINAL or --all"), "\(usage)")

        let batches = try JSONDecoder().decode(
            BatchReportJSON.self,
            from: Data(
                try await sandbox.ok(
                    ["report", "batches", "--db", db, "--date", date, "--format", "json"],
                    as: Clinic.bookkeeper
                ).stdout.utf8
            )
        )
        #expect(batches.batches.map(\.terminal) == ["PAX-1", "PAX-2"])
        #expect(batches.batches[0].id == pax1ID && batches.batches[0].reference == "0314")
        #expect(batches.open.isEmpty && batches.systemCount == 2)
        #expect(try cents(batches.systemNet) == 77_93 + 24_99)
        #expect(try batches.batches.map { try cents($0.net) }.reduce(0, +) == (try cents(batches.systemNet)))
        #expect(
            try batches.batches.flatMap(\.payments).map { try cents($0.amount) }.reduce(0, +)
                == (try cents(batches.systemNet))
        )
        let batchText = try await sandbox.ok(
            ["report", "batches", "--db", db, "--date", date],
            as: Clinic.bookkeeper
        ).stdout
        for line in batchText.split(separator: "\n") { #expect(line.count <= 42, "\(line)") }
        #expect(rowAmount(batchText, "Day's payments") == "$102.92", "\(batchText)")
        let batchCSV = try await sandbox.ok(
            ["report", "batches", "--db", db, "--date", date, "--format", "csv"],
            as: Clinic.bookkeeper
        ).stdout
        #expect(
            batchCSV.contains(
                "\r\nbatch,\(date),\(pax1ID),PAX-1,0314,\(date),credit,visa,1,77.93,0.00,77.93,,,,,,,\r\n"
            )
        )
        let shown = try await sandbox.ok(["batch", "show", "--db", db, pax1ID], as: Clinic.bookkeeper).stdout
        #expect(shown == pax1)

        // Everything above is in the journal, and the chain holds.
        let journal = try await sandbox.ok(["journal", "show", "--db", db, "--limit", "1000"], as: csr).stdout
        #expect(journal.contains("\tdeposit.prepared\t") && journal.contains("\tdeposit \(deposit.id)\t"))
        #expect(journal.contains("\tcardBatch.closed\t") && journal.contains("\tcard batch \(pax1ID)\t"))
        try await sandbox.ok(["journal", "verify", "--db", db], as: csr)
    }

    @Test func aReportForADayWithoutDepositsSaysSo() async throws {
        let sandbox = try await SeededTemplate.copy("deposit-empty")
        defer { sandbox.remove() }
        let text = try await sandbox.ok(
            ["report", "deposit", "--db", sandbox.db, "--date", "2025-03-14"],
            as: Clinic.manager
        ).stdout
        #expect(text.hasSuffix("No deposit was made up on 2025-03-14.\n"), "\(text)")
        let batches = try await sandbox.ok(
            ["report", "batches", "--db", sandbox.db, "--date", "2025-03-14", "--format", "csv"],
            as: Clinic.manager
        ).stdout
        #expect(
            batches
                == "section,date,batch,terminal,reference,closed_on,tender,brand,count,sales,refunds,net,settled_gross,"
                + "fees,settled_net,payouts,bank_credits,status,explanation\r\n"
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["report", "deposit", "--db", sandbox.db, "--date", "2025-02-30"],
            as: Clinic.manager,
            status: 2,
            mentions: ["--date", "'2025-02-30' is not a date"]
        )
        try await DrawerCLITests.expectRefusedUnchanged(
            sandbox,
            ["deposit", "show", "--db", sandbox.db, "D-20250314-01"],
            as: Clinic.manager,
            status: 2,
            mentions: ["D-20250314-01"]
        )
    }
}
