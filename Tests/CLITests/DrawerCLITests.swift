import Foundation
import GRDB
import Testing

/// Counts as the tests type them, and their value worked out here (not by vetpos).
enum Counted {
    /// Cents per unit of each US denomination code.
    static let value: [String: Int64] = [
        "100": 100_00, "50": 50_00, "20": 20_00, "10": 10_00, "5": 5_00, "2": 2_00, "1": 1_00,
        "roll-0.25": 10_00, "roll-0.10": 5_00, "roll-0.05": 2_00, "roll-0.01": 50,
        "1.00": 1_00, "0.50": 50, "0.25": 25, "0.10": 10, "0.05": 5, "0.01": 1,
    ]

    /// `20x3,1x20` → ["20": 3, "1": 20]; a code that repeats adds up.
    static func quantities(_ text: String) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "x")
            guard parts.count == 2, value[String(parts[0])] != nil, let quantity = Int64(parts[1]) else {
                throw HarnessError("'\(item)' is not a count the tests know")
            }
            result[String(parts[0]), default: 0] += quantity
        }
        return result
    }

    static func cents(_ text: String) throws -> Int64 {
        try quantities(text).map { value[$0.key]! * $0.value }.reduce(0, +)
    }
}

/// The line of a text report that starts with `label` (after any indentation), e.g. the row "Float left in the
/// drawer … $150.06".
func reportRow(_ text: String, _ label: String) -> String? {
    text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(label) }
}

/// The amount at the end of a report row, as printed ("$1,234.56", "-$0.25").
func rowAmount(_ text: String, _ label: String) -> String? {
    reportRow(text, label)?.split(separator: " ").last.map(String.init)
}

/// One refused drawer command: where it starts from, the command, who runs it, and what the one line says.
struct DrawerRefusal: Sendable, CustomTestStringConvertible {
    enum Start: Sendable {
        /// The drawer template as it is: no drawer open at FRONT-1.
        case noDrawer
        /// The CSR opened the drawer with the clinic's float.
        case open
        /// … and an invoice was opened at FRONT-1 and not checked out; `{invoice}` is its number.
        case openWithInvoiceInProgress
        /// … and the CSR's close count came out $5.00 short, beyond the $2.00 tolerance.
        case countedFiveShort
        /// … and the CSR's close count came out exact.
        case countedExact
        /// … and the CSR handed the drawer over to the relief CSR.
        case handedOver
    }

    var name: String
    var start: Start
    var files: [String: String] = [:]
    /// `DB` is replaced by the database path, `{invoice}` by the invoice the start left open.
    var arguments: [String]
    var staff: Staff = Clinic.csr
    var environment: [String: String] = [:]
    var status: Int32
    /// The stable code the refusal must carry, where the test pins one.
    var code: String? = nil
    var mentions: [String]

    var testDescription: String { name }

    /// The float counted $5.00 short: one $5 bill fewer.
    static let fiveShort = "20x3,10x2,5x5,1x20,roll-0.25x1,0.25x20,0.10x20,0.05x40,0.01x100"
    static let cashVisit =
        #"{"id":"drawer-refusal-0001","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"}],"payments":[{"tender":"cash","amount":"70.00"}]}"#
    static let checkVisit =
        #"{"id":"drawer-refusal-0002","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"}],"payments":[{"tender":"check","amount":"62.00","number":"2001","bank":"First Bank","payer":"Olive Owner","idNumber":"TX-87654321"}]}"#

    static let all: [DrawerRefusal] = [
        DrawerRefusal(
            name: "an unknown denomination",
            start: .noDrawer,
            arguments: ["drawer", "open", "--db", "DB", "--count", "20x3,3x5"],
            status: 2,
            mentions: ["--count, 3", "unknown denomination"]
        ),
        DrawerRefusal(
            name: "a negative quantity",
            start: .noDrawer,
            arguments: ["drawer", "open", "--db", "DB", "--count", "20x3,1x-4"],
            status: 2,
            mentions: ["--count, 1", "cannot be negative"]
        ),
        DrawerRefusal(
            name: "a negative quantity in a count file",
            start: .noDrawer,
            files: ["count.json": #"{"20": 3, "0.25": -8}"#],
            arguments: ["drawer", "open", "--db", "DB", "--count-file", "count.json"],
            status: 2,
            mentions: ["count.json, 0.25", "cannot be negative"]
        ),
        DrawerRefusal(
            name: "a safe drop with a negative quantity",
            start: .open,
            arguments: ["drawer", "drop", "--db", "DB", "--count", "20x-2"],
            status: 2,
            mentions: ["--count, 20", "cannot be negative"]
        ),
        DrawerRefusal(
            name: "a count that is not DENOMINATIONxQUANTITY",
            start: .noDrawer,
            arguments: ["drawer", "open", "--db", "DB", "--count", "20*3"],
            status: 2,
            mentions: ["--count", "'20*3'", "DENOMINATIONxQUANTITY"]
        ),
        DrawerRefusal(
            name: "a second drawer open at the same terminal",
            start: .open,
            arguments: ["drawer", "open", "--db", "DB", "--count", Clinic.openingFloat],
            status: 4,
            mentions: ["drawer FRONT-1", "already has session 1 open"]
        ),
        DrawerRefusal(
            name: "a drawer open while the last one waits for verification",
            start: .countedExact,
            arguments: ["drawer", "open", "--db", "DB", "--count", Clinic.openingFloat],
            status: 4,
            mentions: ["drawer FRONT-1", "session 1", "waiting for verification"]
        ),
        DrawerRefusal(
            name: "a close while an invoice opened at the terminal is still open",
            start: .openWithInvoiceInProgress,
            arguments: ["drawer", "close", "--db", "DB", "--count", Clinic.openingFloat],
            status: 4,
            mentions: ["invoices {invoice}", "still being rung up at FRONT-1"]
        ),
        DrawerRefusal(
            name: "a technician counting the drawer for close",
            start: .open,
            arguments: ["drawer", "close", "--db", "DB", "--count", Clinic.openingFloat],
            staff: Clinic.technician,
            status: 3,
            mentions: ["TECH", "technician", "not permitted", "count and close cash drawers"]
        ),
        DrawerRefusal(
            name: "a technician opening the drawer",
            start: .noDrawer,
            arguments: ["drawer", "open", "--db", "DB", "--count", Clinic.openingFloat],
            staff: Clinic.technician,
            status: 3,
            mentions: ["TECH", "technician", "not permitted", "open, count and close cash drawers"]
        ),
        DrawerRefusal(
            name: "a cash checkout with no drawer open",
            start: .noDrawer,
            files: ["visit.json": cashVisit],
            arguments: ["checkout", "--db", "DB", "visit.json"],
            status: 4,
            code: "drawer.notOpen",
            mentions: ["visit.json", "cash"]
        ),
        DrawerRefusal(
            name: "a check checkout with no drawer open",
            start: .noDrawer,
            files: ["visit.json": checkVisit],
            arguments: ["checkout", "--db", "DB", "visit.json"],
            status: 4,
            code: "drawer.notOpen",
            mentions: ["visit.json", "check"]
        ),
        DrawerRefusal(
            name: "a cash checkout at another terminal than the open drawer's",
            start: .open,
            files: ["visit.json": cashVisit],
            arguments: ["checkout", "--db", "DB", "--terminal", "FRONT-2", "visit.json"],
            status: 4,
            code: "drawer.notOpen",
            mentions: ["cash"]
        ),
        DrawerRefusal(
            name: "a cash checkout after the close count",
            start: .countedExact,
            files: ["visit.json": cashVisit],
            arguments: ["checkout", "--db", "DB", "visit.json"],
            status: 4,
            code: "drawer.notOpen",
            mentions: ["cash"]
        ),
        DrawerRefusal(
            name: "a paid-in after the close count",
            start: .countedExact,
            arguments: ["drawer", "paid-in", "--db", "DB", "--amount", "20.00", "--reason", "change from the bank"],
            status: 4,
            mentions: ["drawer FRONT-1", "counted for closing"]
        ),
        DrawerRefusal(
            name: "a paid-out for a reason not on the clinic's list",
            start: .open,
            arguments: ["drawer", "paid-out", "--db", "DB", "--amount", "12.00", "--reason", "lunch"],
            status: 2,
            mentions: ["paid-out reason", "'lunch'", "postage"]
        ),
        DrawerRefusal(
            name: "a recount before any close count",
            start: .open,
            arguments: ["drawer", "recount", "--db", "DB", "--count", Clinic.openingFloat],
            status: 4,
            mentions: ["cannot recount", "drawer FRONT-1 is open"]
        ),
        DrawerRefusal(
            name: "a handover signed with the wrong incoming PIN",
            start: .open,
            arguments: ["drawer", "handover", "--db", "DB", "--to", "CSR2", "--count", Clinic.openingFloat],
            environment: ["VETPOS_INCOMING_PIN": "0000"],
            status: 3,
            mentions: ["CSR2", "wrong id or PIN"]
        ),
        DrawerRefusal(
            name: "a handover by a CSR who no longer has the drawer",
            start: .handedOver,
            arguments: ["drawer", "handover", "--db", "DB", "--to", "MGR", "--count", Clinic.openingFloat],
            environment: ["VETPOS_INCOMING_PIN": Clinic.manager.pin],
            status: 4,
            mentions: ["drawer FRONT-1 is with CSR2", "only they or a manager"]
        ),
        DrawerRefusal(
            name: "an adjustment by a CSR",
            start: .open,
            arguments: ["drawer", "adjust", "--db", "DB", "--amount", "5.00", "--reason", "found under the tray"],
            status: 3,
            mentions: ["CSR", "not permitted", "record drawer adjustments"]
        ),
        DrawerRefusal(
            name: "a verify beyond the tolerance without a note",
            start: .countedFiveShort,
            arguments: ["drawer", "verify", "--db", "DB"],
            staff: Clinic.reliefCSR,
            status: 3,
            mentions: ["note", "-$5.00", "beyond the $2.00 tolerance", "a note is required"]
        ),
        DrawerRefusal(
            name: "a verify beyond the tolerance with a note but no manager",
            start: .countedFiveShort,
            arguments: ["drawer", "verify", "--db", "DB", "--note", "a $5 bill went missing"],
            staff: Clinic.reliefCSR,
            status: 3,
            mentions: ["approval", "-$5.00", "manager's PIN"]
        ),
        DrawerRefusal(
            name: "a verify beyond the tolerance with a wrong manager PIN",
            start: .countedFiveShort,
            arguments: [
                "drawer", "verify", "--db", "DB", "--note", "a $5 bill went missing", "--approved-by", "MGR",
            ],
            staff: Clinic.reliefCSR,
            environment: ["VETPOS_APPROVER_PIN": "1111"],
            status: 3,
            mentions: ["MGR", "wrong id or PIN"]
        ),
        DrawerRefusal(
            name: "a verify by the employee who counted",
            start: .countedExact,
            arguments: ["drawer", "verify", "--db", "DB"],
            status: 3,
            mentions: ["a second employee verifies the close", "CSR counted it"]
        ),
        DrawerRefusal(
            name: "a verify keeping bills that were not counted",
            start: .countedExact,
            arguments: ["drawer", "verify", "--db", "DB", "--keep", "100x1"],
            staff: Clinic.reliefCSR,
            status: 2,
            mentions: ["--keep, 100", "only 0 were counted"]
        ),
        DrawerRefusal(
            name: "the drawer history for a CSR",
            start: .countedExact,
            arguments: ["drawer", "history", "--db", "DB"],
            status: 3,
            mentions: ["CSR", "not permitted", "see expected cash"]
        ),
    ]

    /// Brings a copy of the drawer template to `start`; returns the placeholders it defines.
    static func prepare(_ start: Start, _ sandbox: Sandbox) async throws -> [String: String] {
        let db = sandbox.db
        guard start != .noDrawer else { return [:] }
        try await sandbox.ok(["drawer", "open", "--db", db, "--count", Clinic.openingFloat], as: Clinic.csr)
        switch start {
        case .noDrawer, .open:
            return [:]
        case .openWithInvoiceInProgress:
            let opened = try await sandbox.ok(
                ["invoice", "open", "--db", db, "--client", "OWNER", "--line", "REX:EXAM:VET"],
                as: Clinic.csr
            )
            let invoice = try JSONDecoder().decode(InvoiceJSON.self, from: Data(opened.stdout.utf8))
            #expect(invoice.status == "open")
            return ["{invoice}": "\(invoice.number)"]
        case .handedOver:
            try await sandbox.ok(
                ["drawer", "handover", "--db", db, "--to", Clinic.reliefCSR.id, "--count", Clinic.openingFloat],
                as: Clinic.csr,
                environment: ["VETPOS_INCOMING_PIN": Clinic.reliefCSR.pin]
            )
            return [:]
        case .countedFiveShort, .countedExact:
            let count = start == .countedExact ? Clinic.openingFloat : fiveShort
            try await sandbox.ok(["drawer", "close", "--db", db, "--count", count], as: Clinic.csr)
            return [:]
        }
    }
}

/// The cash drawer through the real binary: a whole day, every refusal, and the interactive count.
@Suite struct DrawerCLITests {
    /// The visits of the day: what they ring up, and what vetpos must make of it.
    static let examAndVaccine =
        #"{"id":"drawer-day-0001","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"},{"patient":"MIA","item":"VACC","provider":"VET"}],"payments":[{"tender":"cash","amount":"100.00"}]}"#
    static let foodSplit =
        #"{"id":"drawer-day-0002","client":"OWNER","lines":[{"patient":"MIA","item":"FOOD","provider":"CSR"}],"payments":[{"tender":"credit","amount":"50.00","brand":"visa","last4":"4242","authCode":"A7F3K2","terminalId":"PAX-1"},{"tender":"cash","amount":"40.00"}]}"#
    static let examByCheck =
        #"{"id":"drawer-day-0003","client":"OWNER","lines":[{"patient":"REX","item":"EXAM","provider":"VET"}],"payments":[{"tender":"check","amount":"62.00","number":"1001","bank":"First Bank","payer":"Olive Owner","idNumber":"TX-12345678"}]}"#
    static let afternoonVaccine =
        #"{"id":"drawer-day-0004","client":"OWNER","lines":[{"patient":"REX","item":"VACC","provider":"VET"}],"payments":[{"tender":"cash","amount":"30.00"}]}"#

    /// What the outgoing CSR and the relief CSR count at the shift change: $0.25 short of what the drawer should hold.
    static let handoverCount = "20x4,10x2,5x8,1x22,roll-0.25x1,0.10x1,0.05x1,0.01x2"
    /// The relief CSR's close count, a $5 bill short of the recount that finds it.
    static let closeCount = "20x4,10x2,5x7,1x47,roll-0.25x1,0.05x1,0.01x1"
    static let recount = "20x4,10x2,5x8,1x47,roll-0.25x1,0.05x1,0.01x1"
    /// The next morning's opening count: the kept float without its six cents.
    static let nextOpening = "20x2,10x2,5x7,1x45,roll-0.25x1"

    /// Checks out `json` and returns the invoice, after checking it ties out and costs `total`.
    static func checkout(
        _ sandbox: Sandbox,
        _ name: String,
        _ json: String,
        as staff: Staff,
        total: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> InvoiceJSON {
        try sandbox.write(name, json)
        let printed = try await sandbox.ok(
            ["checkout", "--db", sandbox.db, name],
            as: staff,
            sourceLocation: sourceLocation
        )
        let invoice = try InvoiceJSON.decode(printed.stdout)
        try expectTiesOut(invoice, sourceLocation: sourceLocation)
        #expect(try cents(invoice.total) == total, "\(name)", sourceLocation: sourceLocation)
        #expect(invoice.status == "paid", "\(name)", sourceLocation: sourceLocation)
        return invoice
    }

    /// Runs a command that must be refused, and checks the refusal changed nothing.
    static func expectRefusedUnchanged(
        _ sandbox: Sandbox,
        _ arguments: [String],
        as staff: Staff,
        environment: [String: String] = [:],
        status: Int32,
        code: String? = nil,
        mentions: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        let result = try await sandbox.run(arguments, as: staff, environment: environment)
        expectRefusal(result, status: status, code: code, mentions: mentions, sourceLocation: sourceLocation)
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(
            before == after,
            "the database changed: \(DatabaseSnapshot.difference(before, after))",
            sourceLocation: sourceLocation
        )
    }

    @Test func aFullDayFromTheOpeningCountToTheNextMorning() async throws {
        let sandbox = try await SeededTemplate.drawer.copy("drawer-day")
        defer { sandbox.remove() }
        let db = sandbox.db
        let csr = Clinic.csr
        let relief = Clinic.reliefCSR

        // Morning: the CSR counts the float in.
        let float = try Counted.cents(Clinic.openingFloat)
        #expect(float == Clinic.openingFloatCents)
        let opened = try await sandbox.ok(["drawer", "open", "--db", db, "--count", Clinic.openingFloat], as: csr)
        #expect(opened.stdout == "Drawer FRONT-1 opened (session 1) with \(formatted(float)).\n")

        // Cash with change: an exam and a vaccine (both tax-exempt), paid with a $100 bill.
        let examAndVaccine = Clinic.prices["EXAM"]! + Clinic.prices["VACC"]!
        let first = try await Self.checkout(sandbox, "a.json", Self.examAndVaccine, as: csr, total: examAndVaccine)
        let firstCash = try #require(first.payments.first)
        #expect(firstCash.tender == "cash" && firstCash.tendered == "100.00")
        #expect(try cents(firstCash.change) == 100_00 - examAndVaccine)

        // Split: food (taxed at 8.25 %), $50.00 on a card at PAX-1 and two $20 bills; change from the cash.
        let food = Clinic.prices["FOOD"]!
        let foodTotal = food + roundedProduct(food, Clinic.taxRatePPM["FOOD"]!, over: 1_000_000)
        let second = try await Self.checkout(sandbox, "b.json", Self.foodSplit, as: csr, total: foodTotal)
        #expect(second.payments.map(\.tender) == ["credit", "cash"])
        #expect(try cents(second.payments[1].change) == 50_00 + 40_00 - foodTotal)

        // A check for an exam.
        let exam = Clinic.prices["EXAM"]!
        let third = try await Self.checkout(sandbox, "c.json", Self.examByCheck, as: csr, total: exam)
        #expect(third.payments.map(\.tender) == ["check"] && third.payments[0].checkNumber == "1001")

        // Postage from the drawer, a safe drop of four twenties, a no-sale.
        let paidOut = try await sandbox.ok(
            [
                "drawer", "paid-out", "--db", db, "--amount", "12.50", "--reason", "postage", "--note",
                "certified letter",
            ],
            as: csr
        )
        #expect(paidOut.stdout == "Paid out $12.50 — postage: certified letter (event 2).\n")
        let dropped = try await sandbox.ok(["drawer", "drop", "--db", db, "--count", "20x4"], as: csr)
        #expect(dropped.stdout == "Safe drop of $80.00 recorded (event 3).\n")
        let noSale = try await sandbox.ok(
            ["drawer", "no-sale", "--db", db, "--reason", "change for the parking meter"],
            as: csr
        )
        #expect(noSale.stdout == "No-sale recorded: change for the parking meter (event 4).\n")

        // What the drawer should hold now, from what was rung up: the float, the cash kept from each sale (tendered
        // less change), less the postage and the drop.
        let cashKept = examAndVaccine + (foodTotal - 50_00)
        let expectedAtHandover = float + cashKept - 12_50 - 80_00
        #expect(expectedAtHandover == 172_42)

        // The CSR's X report hides it; a manager's shows it (so the amount really is what the report would print).
        try await Self.expectBlindX(sandbox, as: csr, hiding: expectedAtHandover)
        let managerX = try await sandbox.ok(["drawer", "x", "--db", db], as: Clinic.manager).stdout
        #expect(rowAmount(managerX, "Expected cash") == formatted(expectedAtHandover), "\(managerX)")

        // Shift change: both count, the relief CSR signs with their PIN; the CSR is $0.25 short.
        let handoverCounted = try Counted.cents(Self.handoverCount)
        #expect(handoverCounted == expectedAtHandover - 25)
        let handover = try await sandbox.ok(
            ["drawer", "handover", "--db", db, "--to", relief.id, "--count", Self.handoverCount],
            as: csr,
            environment: ["VETPOS_INCOMING_PIN": relief.pin]
        )
        #expect(
            handover.lines == [
                "Drawer handed over from CSR to CSR2.", "  counted   \(formatted(handoverCounted))",
                "  expected  \(formatted(expectedAtHandover))", "  short     -$0.25",
            ],
            "\(handover)"
        )

        // Afternoon: the relief CSR sells a vaccine for cash; their stretch starts from the handover count.
        let vaccine = Clinic.prices["VACC"]!
        let fourth = try await Self.checkout(sandbox, "d.json", Self.afternoonVaccine, as: relief, total: vaccine)
        #expect(try cents(fourth.payments[0].change) == 30_00 - vaccine)
        let expectedAtClose = handoverCounted + vaccine
        try await Self.expectBlindX(sandbox, as: relief, hiding: expectedAtClose)
        try await Self.expectBlindX(sandbox, as: csr, hiding: expectedAtClose)

        // The blind close count: only now are expected cash and the variance shown, with the check and the card slip.
        let closeCounted = try Counted.cents(Self.closeCount)
        #expect(closeCounted == expectedAtClose - 5_10)
        let close = try await sandbox.ok(
            [
                "drawer", "close", "--db", db, "--count", Self.closeCount, "--check", "1001", "--card-slip",
                "PAX-1=50.00",
            ],
            as: relief
        )
        #expect(close.lines.first == "Close count submitted for session 1.")
        #expect(close.lines.contains("  counted   \(formatted(closeCounted))"), "\(close)")
        #expect(close.lines.contains("  expected  \(formatted(expectedAtClose))"), "\(close)")
        #expect(close.lines.contains("  short     -$5.10"), "\(close)")
        #expect(
            close.lines.contains {
                $0.hasPrefix("Beyond the $2.00 tolerance:") && $0.contains("recount once (vetpos drawer recount)")
            },
            "\(close)"
        )
        #expect(close.lines.contains("Card terminal PAX-1: recorded $50.00, slip $50.00, difference $0.00"))
        #expect(!close.stdout.contains("MISSING") && !close.stdout.contains("UNEXPECTED"), "\(close)")

        // The one recount finds the $5 bill: $0.10 short, within the tolerance.
        let recounted = try Counted.cents(Self.recount)
        #expect(recounted == expectedAtClose - 10)
        let recount = try await sandbox.ok(["drawer", "recount", "--db", db, "--count", Self.recount], as: relief)
        #expect(recount.lines.first == "Recount submitted for session 1.")
        #expect(recount.lines.contains("  counted   \(formatted(recounted))"), "\(recount)")
        #expect(recount.lines.contains("  expected  \(formatted(expectedAtClose))"), "\(recount)")
        #expect(recount.lines.contains("  short     -$0.10"), "\(recount)")
        #expect(recount.lines.contains("Within the $2.00 tolerance."), "\(recount)")
        // The proposal keeps the $150 float's worth (the nickel and penny, below the clinic's minimum, stay too) and
        // banks $47.00 in bills.
        let proposedKeep = try #require(recount.lines.first { $0.hasPrefix("Proposed float to keep: ") })
        let proposedDeposit = try #require(recount.lines.first { $0.hasPrefix("Proposed deposit: ") })
        #expect(proposedKeep.hasPrefix("Proposed float to keep: $150.06 — "), "\(proposedKeep)")
        #expect(proposedDeposit.hasPrefix("Proposed deposit:       $47.00 — "), "\(proposedDeposit)")
        let keepText = String(try #require(proposedKeep.split(separator: " ").last))
        let depositText = String(try #require(proposedDeposit.split(separator: " ").last))
        #expect(try Counted.cents(keepText) == 150_06)
        #expect(try Counted.cents(depositText) == 47_00)
        #expect(
            try Counted.quantities(keepText).merging(try Counted.quantities(depositText), uniquingKeysWith: +)
                == (try Counted.quantities(Self.recount)),
            "float and deposit are the recounted bills and coins, split"
        )

        // No second recount; no verifying one's own count. Neither changes anything.
        try await Self.expectRefusedUnchanged(
            sandbox,
            ["drawer", "recount", "--db", db, "--count", Self.closeCount],
            as: relief,
            status: 4,
            mentions: ["drawer FRONT-1", "already recounted once"]
        )
        try await Self.expectRefusedUnchanged(
            sandbox,
            ["drawer", "verify", "--db", db],
            as: relief,
            status: 3,
            mentions: ["a second employee verifies the close", "CSR2 counted it"]
        )

        // The CSR verifies: within the tolerance, so no note; the Z report shows the float and the deposit.
        let verify = try await sandbox.ok(["drawer", "verify", "--db", db], as: csr)
        let z = verify.stdout
        #expect(z.hasPrefix("\(Clinic.name) — drawer FRONT-1 — Z report #1\n"), "\(z)")
        #expect(rowAmount(z, "Opening count") == formatted(float))
        #expect(rowAmount(z, "Float left in the drawer") == "$150.06", "\(z)")
        #expect(rowAmount(z, "To the bank (cash)") == "$47.00", "\(z)")
        #expect(verify.lines.contains("  " + keepText) && verify.lines.contains("  " + depositText), "\(z)")
        #expect(rowAmount(z, "Expected cash") == formatted(expectedAtClose), "\(z)")
        #expect(rowAmount(z, "handover (CSR): counted") == formatted(handoverCounted), "\(z)")
        #expect(rowAmount(z, "recount (CSR2): counted") == formatted(recounted), "\(z)")
        #expect(rowAmount(z, "closeCount (CSR2): counted") == formatted(closeCounted), "\(z)")
        #expect(rowAmount(z, "Checks expected (1)") == "$62.00" && rowAmount(z, "Checks counted (1)") == "$62.00")
        #expect(rowAmount(z, "Card terminal PAX-1: recorded") == "$50.00", "\(z)")
        #expect(rowAmount(z, "difference") == "$0.00", "\(z)")
        #expect(rowAmount(z, "cash (3)") == formatted(cashKept + vaccine), "\(z)")
        #expect(reportRow(z, "Note:") == nil, "no note within the tolerance")

        // The Z report reprints the same, to anyone who may see reports.
        let reprint = try await sandbox.ok(["drawer", "z", "1", "--db", db], as: csr)
        #expect(reprint.stdout == z)
        let json = try await sandbox.ok(["drawer", "z", "1", "--db", db, "--format", "json"], as: Clinic.bookkeeper)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["zNumber"] as? Int == 1 && report["state"] as? String == "closed", "\(json)")

        // The next morning: the opening count is compared with the float left last night.
        let reopened = try await sandbox.ok(["drawer", "open", "--db", db, "--count", Self.nextOpening], as: csr)
        #expect(
            reopened.lines == [
                "Drawer FRONT-1 opened (session 2) with $150.00.",
                "Differs from the last close's float of $150.06 by -$0.06: recorded.",
            ],
            "\(reopened)"
        )
        let morningX = try await sandbox.ok(["drawer", "x", "--db", db], as: Clinic.manager).stdout
        #expect(rowAmount(morningX, "Previous close's float") == "$150.06", "\(morningX)")
        #expect(rowAmount(morningX, "Opening difference") == "-$0.06", "\(morningX)")
        // Z #1 is unchanged by the new session.
        #expect(try await sandbox.ok(["drawer", "z", "1", "--db", db], as: csr).stdout == z)

        // A dime turns up under the tray: the manager records it in today's session, naming last night's; Z #1 is
        // not edited, it shows the later adjustment below what it said before.
        let adjusted = try await sandbox.ok(
            ["drawer", "adjust", "--db", db, "--amount", "0.10", "--reason", "dime under the tray", "--corrects", "1"],
            as: Clinic.manager
        )
        #expect(adjusted.stdout == "Adjustment of $0.10 recorded (event 2).\n")
        let amended = try await sandbox.ok(["drawer", "z", "1", "--db", db], as: csr).stdout
        // (The report ends in a blank line: the new row comes before it.)
        let zText = String(z.dropLast())
        #expect(amended.hasPrefix(zText), "\(amended)")
        let added = amended.dropFirst(zText.count).split(separator: "\n")
        #expect(added.count == 1 && added.first?.hasPrefix("Later adjustment: dime under the tray ") == true)
        #expect(added.first?.hasSuffix(" $0.10") == true, "\(amended)")
        let adjustedX = try await sandbox.ok(["drawer", "x", "--db", db], as: Clinic.manager).stdout
        #expect(rowAmount(adjustedX, "Adjustments") == "$0.10", "\(adjustedX)")
        #expect(rowAmount(adjustedX, "Expected cash") == "$150.10", "\(adjustedX)")

        // Over/short by employee: the CSR's handover, the relief CSR's close (the recount decides).
        let history = try await sandbox.ok(["drawer", "history", "--db", db], as: Clinic.manager)
        let entries = history.lines.filter { $0.contains("\t") }
        #expect(entries.count == 2, "\(history)")
        #expect(
            entries.first?.hasSuffix(
                "\tFRONT-1\tZ1\thandover\tCSR\tcounted 172.17\texpected 172.42\tover/short -0.25"
            ) == true,
            "\(history)"
        )
        #expect(
            entries.last?.hasSuffix("\tFRONT-1\tZ1\trecount\tCSR2\tcounted 197.06\texpected 197.16\tover/short -0.10")
                == true,
            "\(history)"
        )
        #expect(history.lines.contains("CSR: 1 counts, net over/short -$0.25"), "\(history)")
        #expect(history.lines.contains("CSR2: 1 counts, net over/short -$0.10"), "\(history)")
        let reliefOnly = try await sandbox.ok(
            ["drawer", "history", "--db", db, "--cashier", relief.id],
            as: Clinic.bookkeeper
        )
        #expect(reliefOnly.lines.filter { $0.contains("\t") }.count == 1, "\(reliefOnly)")
        #expect(reliefOnly.lines.last == "CSR2: 1 counts, net over/short -$0.10", "\(reliefOnly)")

        // Every payment of the day belongs to the session; the journal holds each drawer event and verifies.
        let inSession = try await DatabaseSnapshot.withReadOnly(db) { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment WHERE drawerSession = 1")!
        }
        #expect(inSession == 5)
        let journal = try await sandbox.ok(["journal", "show", "--db", db, "--limit", "1000"]).lines
        let kinds = journal.map { String($0.split(separator: "\t")[2]) }.filter { $0.hasPrefix("drawer.") }
        #expect(
            kinds == [
                "drawer.opened", "drawer.paidOut", "drawer.safeDrop", "drawer.noSale", "drawer.handover",
                "drawer.closeCount", "drawer.recount", "drawer.closed", "drawer.opened", "drawer.adjustment",
            ],
            "\(kinds)"
        )
        #expect(try await sandbox.ok(["journal", "verify", "--db", db]).stdout.hasPrefix("journal verified"))
    }

    /// The X report as a CSR sees it while the drawer is open: no expected cash, in text or JSON.
    static func expectBlindX(
        _ sandbox: Sandbox,
        as staff: Staff,
        hiding expected: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let plain = formatted(expected).replacingOccurrences(of: "$", with: "").replacingOccurrences(of: ",", with: "")
        let text = try await sandbox.ok(["drawer", "x", "--db", sandbox.db], as: staff, sourceLocation: sourceLocation)
        #expect(
            text.lines.first?.hasSuffix("— drawer FRONT-1 — X report (no reset)") == true,
            sourceLocation: sourceLocation
        )
        #expect(
            text.lines.contains("Expected cash: not shown until the blind count is submitted"),
            "\(text)",
            sourceLocation: sourceLocation
        )
        #expect(
            !text.stdout.contains(formatted(expected)) && !text.stdout.contains(plain),
            "\(staff.id)'s X report shows the expected \(formatted(expected)):\n\(text.stdout)",
            sourceLocation: sourceLocation
        )
        // Nor the cash taken, the one term of expected cash a cashier could not know from their own counts.
        #expect(
            !text.lines.contains { $0.hasPrefix("  cash (") },
            "\(staff.id)'s X report shows the cash taken:\n\(text.stdout)",
            sourceLocation: sourceLocation
        )
        let json = try await sandbox.ok(
            ["drawer", "x", "--db", sandbox.db, "--format", "json"],
            as: staff,
            sourceLocation: sourceLocation
        )
        #expect(!json.stdout.contains(#""tender" : "cash""#), "\(json.stdout)", sourceLocation: sourceLocation)
        #expect(
            !json.stdout.contains(plain),
            "\(staff.id)'s X report (JSON) shows the expected \(plain)",
            sourceLocation: sourceLocation
        )
    }

    /// Each refusal: the documented exit status, one line naming what and where, nothing on stdout, and not one row
    /// of the database changed.
    @Test(arguments: DrawerRefusal.all)
    func isRefusedWithOneLineAndChangesNothing(_ refusal: DrawerRefusal) async throws {
        let sandbox = try await SeededTemplate.drawer.copy("drawer-refusal")
        defer { sandbox.remove() }
        let placeholders = try await DrawerRefusal.prepare(refusal.start, sandbox)
        func fill(_ text: String) -> String {
            placeholders.reduce(text == "DB" ? sandbox.db : text) {
                $0.replacingOccurrences(of: $1.key, with: $1.value)
            }
        }
        for (name, text) in refusal.files { try sandbox.write(name, text) }
        try await Self.expectRefusedUnchanged(
            sandbox,
            refusal.arguments.map(fill),
            as: refusal.staff,
            environment: refusal.environment,
            status: refusal.status,
            code: refusal.code,
            mentions: refusal.mentions.map(fill)
        )
    }

    /// Beyond the tolerance, a manager's PIN and a note close the drawer; the Z report carries both.
    @Test func aManagerAcceptsAVarianceBeyondTheTolerance() async throws {
        let sandbox = try await SeededTemplate.drawer.copy("drawer-variance")
        defer { sandbox.remove() }
        _ = try await DrawerRefusal.prepare(.countedFiveShort, sandbox)
        let verify = try await sandbox.ok(
            ["drawer", "verify", "--db", sandbox.db, "--note", "a $5 bill went missing", "--approved-by", "MGR"],
            as: Clinic.reliefCSR,
            environment: ["VETPOS_APPROVER_PIN": Clinic.manager.pin]
        )
        #expect(verify.lines.contains("Note: a $5 bill went missing (approved by MGR)"), "\(verify)")
        #expect(rowAmount(verify.stdout, "over/short") == "-$5.00", "\(verify)")
        let history = try await sandbox.ok(["drawer", "history", "--db", sandbox.db], as: Clinic.manager)
        #expect(history.lines.last == "CSR: 1 counts, net over/short -$5.00", "\(history)")
    }

    /// With no --count at a terminal, vetpos asks denomination by denomination, largest first, and asks again
    /// after something that is not a count.
    @Test(.enabled(if: Terminal.script != nil, "needs util-linux `script` for a pseudo-terminal"))
    func theOpeningCountIsTypedDenominationByDenomination() async throws {
        let sandbox = try await SeededTemplate.drawer.copy("drawer-typed")
        defer { sandbox.remove() }
        // $100, $50 none; 3 twenties; $10, $5, $2 none; "lots", then 20 ones; a roll of quarters; the rest none.
        let answers = ["", "", "3", "", "", "", "lots", "20", "1"] + Array(repeating: "", count: 9)
        let result = try await sandbox.runAtTerminal(
            ["drawer", "open", "--db", sandbox.db],
            as: Clinic.csr,
            input: answers.joined(separator: "\n") + "\n"
        )
        #expect(!result.signaled && result.status == 0, "\(result)")
        let screen = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(screen.contains("Count the drawer (opening count); press Enter for none."), "\(screen)")
        #expect(screen.contains("  $100 bills: "), "\(screen)")
        #expect(screen.contains("    'lots' is not a count; type a whole number."), "\(screen)")
        #expect(screen.contains("Drawer FRONT-1 opened (session 1) with $90.00.\n"), "\(screen)")
        let stored = try await DatabaseSnapshot.withReadOnly(sandbox.db) { db in
            try Row.fetchAll(db, sql: "SELECT denomination, quantity FROM drawerCount ORDER BY denomination").map {
                "\($0["denomination"] as String)x\($0["quantity"] as Int64)"
            }
        }
        #expect(stored == ["1x20", "20x3", "roll-0.25x1"])

        // The close count typed at a terminal while the JSON result is saved to a file: the prompts stay on the
        // screen, the file holds only the result.
        let close = try await sandbox.runAtTerminal(
            ["drawer", "close", "--db", sandbox.db, "--format", "json"],
            as: Clinic.csr,
            input: (["", "", "3", "", "", "", "20", "1"] + Array(repeating: "", count: 9)).joined(separator: "\n")
                + "\n",
            stdoutFile: "close.json"
        )
        #expect(!close.signaled && close.status == 0, "\(close)")
        #expect(close.stdout.contains("Count the drawer (close count); press Enter for none."), "\(close)")
        let saved = try String(contentsOfFile: sandbox.path("close.json"), encoding: .utf8)
        let closeJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(saved.utf8)) as? [String: Any],
            "close.json is not the JSON result:\n\(saved)"
        )
        let counted = try #require(closeJSON["result"] as? [String: Any], "\(saved)")
        #expect(counted["counted"] as? String == "90.00" && counted["kind"] as? String == "closeCount", "\(saved)")
        #expect(!saved.contains("bills:"), "prompts in the saved result:\n\(saved)")

        // Input that ends mid-count (Ctrl-D) records nothing: the recount is not submitted half-typed.
        let before = try await DatabaseSnapshot.dump(sandbox.db)
        let unfinished = try await sandbox.runAtTerminal(
            ["drawer", "recount", "--db", sandbox.db],
            as: Clinic.csr,
            input: "\n\n3\n"
        )
        #expect(unfinished.status == 2 && !unfinished.signaled, "\(unfinished)")
        #expect(
            unfinished.stdout.contains("vetpos: error: --count: the recount was not finished; nothing was recorded"),
            "\(unfinished)"
        )
        let after = try await DatabaseSnapshot.dump(sandbox.db)
        #expect(before == after, "the database changed: \(DatabaseSnapshot.difference(before, after))")

        // Without a terminal and without --count, nothing is asked and nothing is stored.
        try await Self.expectRefusedUnchanged(
            sandbox,
            ["drawer", "recount", "--db", sandbox.db],
            as: Clinic.csr,
            status: 2,
            mentions: ["--count", "give the recount with --count or --count-file"]
        )
    }
}
