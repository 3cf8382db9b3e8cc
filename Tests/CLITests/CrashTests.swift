import Foundation
import GRDB
import POSTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Valid checkouts of every shape the desk sends, as JSON Lines: cash with change, cards, CareCredit, checks with
/// the payer's ID, split tenders and account charges.
struct CrashWorkload {
    struct Request: Sendable {
        var id: String
        var json: String
        var client: String
        var items: [String]
        var tenders: [String]
        /// The exact total, when the request pays exactly (no discount, no tax).
        var exactTotal: Int64?
    }

    private struct Line: Encodable {
        var patient: String
        var item: String
        var quantity: String?
        var provider: String
    }
    private struct Discount: Encodable {
        var discountClass: String
        var percent: String
        enum CodingKeys: String, CodingKey {
            case discountClass = "class"
            case percent
        }
    }
    private struct Payment: Encodable {
        var tender: String
        var amount: String
        var number: String?
        var bank: String?
        var payer: String?
        var idNumber: String?
        var brand: String?
        var last4: String?
        var authCode: String?
        var terminalId: String?
    }
    private struct Body: Encodable {
        var id: String
        var client: String
        var lines: [Line]
        var discounts: [Discount]?
        var payments: [Payment]
    }

    enum Shape: CaseIterable {
        case cashWithChange, card, careCredit, check, splitCardAndCash, splitCheckAndCard, account
    }

    static func amount(_ cents: Int64) -> String {
        let fraction = cents % 100
        return "\(cents / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    static func make(count: Int, seed: UInt64) throws -> [Request] {
        var random = SeededGenerator(seed: seed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let providers = ["VET", "CSR", "MGR"]
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in "0123456789".randomElement(using: &random)! })
        }
        func code(_ count: Int) -> String {
            String((0..<count).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".randomElement(using: &random)! })
        }
        func lines(pets: [String], taxed: Bool, exam: Bool) -> [Line] {
            let items = taxed ? ["EXAM", "VACC", "APOQUEL", "FOOD", "WASTE"] : ["EXAM", "VACC", "APOQUEL"]
            var result: [Line] = []
            if exam { result.append(Line(patient: pets[0], item: "EXAM", quantity: nil, provider: "VET")) }
            for _ in 0..<Int.random(in: (exam ? 0 : 1)...3, using: &random) {
                let item = items.randomElement(using: &random)!
                let quantity: String? =
                    switch item {
                    case "APOQUEL": String(Int.random(in: 1...30, using: &random))
                    case "FOOD": Bool.random(using: &random) ? "2" : nil
                    default: nil
                    }
                result.append(
                    Line(
                        patient: pets.randomElement(using: &random)!,
                        item: item,
                        quantity: quantity,
                        provider: providers.randomElement(using: &random)!
                    )
                )
            }
            return result
        }
        func extended(_ lines: [Line]) -> Int64 {
            lines.map { Clinic.prices[$0.item]! * Int64($0.quantity ?? "1")! }.reduce(0, +)
        }
        /// More than the total can be: every line taxed at 8.25 % plus a cent, no discount.
        func bound(_ lines: [Line]) -> Int64 {
            lines.map { line in
                let value = Clinic.prices[line.item]! * Int64(line.quantity ?? "1")!
                return value + value * Clinic.taxRatePPM[line.item]! / 1_000_000 + 1
            }.reduce(0, +)
        }
        /// What a client hands over in twenties, sometimes one more than needed.
        func twenties(over due: Int64) -> Int64 { (due / 20_00 + 1 + Int64.random(in: 0...1, using: &random)) * 20_00 }
        func card(_ tender: String, _ cents: Int64) -> Payment {
            Payment(
                tender: tender,
                amount: amount(cents),
                brand: tender == "careCredit"
                    ? "careCredit" : ["visa", "mastercard", "amex", "discover"].randomElement(using: &random)!,
                last4: digits(4),
                authCode: code(6),
                terminalId: "PAX-A920-\(Int.random(in: 1...3, using: &random))"
            )
        }
        func check(_ cents: Int64) -> Payment {
            Payment(
                tender: "check",
                amount: amount(cents),
                number: String(Int.random(in: 100...99_999, using: &random)),
                bank: ["First Riverside Bank", "Credit Union of Texas", "Lone Star Savings"].randomElement(
                    using: &random
                )!,
                payer: "Olive Owner",
                idNumber: "TX-" + digits(8)
            )
        }

        return try (0..<count).map { index in
            let number = String(index)
            let id =
                "crash-" + String(repeating: "0", count: max(0, 6 - number.count)) + number + "-" + code(8).lowercased()
            let owner = ["REX", "MIA"]
            var body: Body
            var exact: Int64?
            switch Shape.allCases[index % Shape.allCases.count] {
            case .cashWithChange:
                let visit = lines(pets: owner, taxed: true, exam: false)
                let bothPets = Set(visit.map(\.patient)).count == 2
                let discounts =
                    bothPets && Bool.random(using: &random)
                    ? [Discount(discountClass: "multiplePets", percent: "5")] : nil
                body = Body(
                    id: id,
                    client: "OWNER",
                    lines: visit,
                    discounts: discounts,
                    payments: [Payment(tender: "cash", amount: amount(twenties(over: bound(visit))))]
                )
            case .card:
                let visit = lines(pets: owner, taxed: false, exam: false)
                exact = extended(visit)
                body = Body(
                    id: id,
                    client: "OWNER",
                    lines: visit,
                    payments: [card(Bool.random(using: &random) ? "credit" : "debit", exact!)]
                )
            case .careCredit:
                let visit = lines(pets: owner, taxed: false, exam: true)
                exact = extended(visit)
                body = Body(id: id, client: "OWNER", lines: visit, payments: [card("careCredit", exact!)])
            case .check:
                let visit = lines(pets: owner, taxed: false, exam: false)
                exact = extended(visit)
                body = Body(id: id, client: "OWNER", lines: visit, payments: [check(exact!)])
            case .splitCardAndCash:
                let visit = lines(pets: owner, taxed: true, exam: true)
                body = Body(
                    id: id,
                    client: "OWNER",
                    lines: visit,
                    payments: [
                        card("credit", 20_00), Payment(tender: "cash", amount: amount(twenties(over: bound(visit)))),
                    ]
                )
            case .splitCheckAndCard:
                let visit = lines(pets: owner, taxed: false, exam: true)
                exact = extended(visit)
                body = Body(
                    id: id,
                    client: "OWNER",
                    lines: visit,
                    payments: [check(30_00), card("debit", exact! - 30_00)]
                )
            case .account:
                let visit = lines(pets: ["TOM"], taxed: false, exam: false)
                exact = extended(visit)
                body = Body(
                    id: id,
                    client: "CREDIT",
                    lines: visit,
                    payments: [Payment(tender: "account", amount: amount(exact!))]
                )
            }
            let json = String(decoding: try encoder.encode(body), as: UTF8.self)
            return Request(
                id: id,
                json: json,
                client: body.client,
                items: body.lines.map(\.item),
                tenders: body.payments.map(\.tender),
                exactTotal: exact
            )
        }
    }
}

/// What the database holds for one invoice, read directly.
private struct StoredInvoice: Sendable {
    var number: Int64
    var status: String
    var total: Int64
    var subtotal: Int64
    var discountTotal: Int64
    var taxTotal: Int64
    var lineCount: Int
    var extended: Int64
    var lineDiscounts: Int64
    var lineTaxes: Int64
    var discounts: Int64
    var allocations: Int64
    var paymentCount: Int
    var paid: Int64
    var cashArithmeticBroken: Int
    var postedEntries: Int
    var paymentEntries: Int
}

private struct StoredState: Sendable {
    var invoices: [StoredInvoice]
    /// Checkout command id → its stored result (the invoice JSON a replay prints).
    var checkoutCommands: [String: String]
    var orphanRows: Int
    var postedEntries: Int
    var paymentEntries: Int
    var payments: Int

    static func read(_ path: String) async throws -> StoredState {
        try await DatabaseSnapshot.withReadOnly(path) { db in
            let invoices = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.number, i.status, i.total, i.subtotal, i.discountTotal, i.taxTotal,
                        (SELECT COUNT(*) FROM invoiceLine l WHERE l.invoiceNumber = i.number) AS lineCount,
                        (SELECT COALESCE(SUM(extended), 0) FROM invoiceLine l WHERE l.invoiceNumber = i.number) AS extended,
                        (SELECT COALESCE(SUM(discount), 0) FROM invoiceLine l WHERE l.invoiceNumber = i.number) AS lineDiscounts,
                        (SELECT COALESCE(SUM(tax), 0) FROM invoiceLine l WHERE l.invoiceNumber = i.number) AS lineTaxes,
                        (SELECT COALESCE(SUM(amount), 0) FROM invoiceDiscount d WHERE d.invoiceNumber = i.number) AS discounts,
                        (SELECT COALESCE(SUM(amount), 0) FROM discountAllocation a WHERE a.invoiceNumber = i.number) AS allocations,
                        (SELECT COUNT(*) FROM payment p WHERE p.invoiceNumber = i.number) AS paymentCount,
                        (SELECT COALESCE(SUM(amount), 0) FROM payment p WHERE p.invoiceNumber = i.number) AS paid,
                        (SELECT COUNT(*) FROM payment p WHERE p.invoiceNumber = i.number AND tendered - change <> amount)
                            AS cashArithmeticBroken,
                        (SELECT COUNT(*) FROM journal j WHERE j.kind = 'invoice.posted' AND j.subject = 'invoice ' || i.number)
                            AS postedEntries,
                        (SELECT COUNT(*) FROM journal j JOIN payment p ON j.subject = 'payment ' || p.number
                            WHERE p.invoiceNumber = i.number AND j.kind = 'payment.received') AS paymentEntries
                    FROM invoice i ORDER BY i.number
                    """
            ).map { row in
                StoredInvoice(
                    number: row["number"],
                    status: row["status"],
                    total: row["total"] ?? -1,
                    subtotal: row["subtotal"] ?? -1,
                    discountTotal: row["discountTotal"] ?? -1,
                    taxTotal: row["taxTotal"] ?? -1,
                    lineCount: row["lineCount"],
                    extended: row["extended"],
                    lineDiscounts: row["lineDiscounts"],
                    lineTaxes: row["lineTaxes"],
                    discounts: row["discounts"],
                    allocations: row["allocations"],
                    paymentCount: row["paymentCount"],
                    paid: row["paid"],
                    cashArithmeticBroken: row["cashArithmeticBroken"],
                    postedEntries: row["postedEntries"],
                    paymentEntries: row["paymentEntries"]
                )
            }
            var commands: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, result FROM command WHERE kind = 'checkout'") {
                commands[row["id"]] = row["result"]
            }
            let orphans = try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM invoiceLine WHERE invoiceNumber NOT IN (SELECT number FROM invoice))
                         + (SELECT COUNT(*) FROM payment WHERE invoiceNumber IS NULL OR invoiceNumber NOT IN (SELECT number FROM invoice))
                         + (SELECT COUNT(*) FROM invoiceDiscount WHERE invoiceNumber NOT IN (SELECT number FROM invoice))
                    """
            )!
            return StoredState(
                invoices: invoices,
                checkoutCommands: commands,
                orphanRows: orphans,
                postedEntries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE kind = 'invoice.posted'")!,
                paymentEntries: try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM journal WHERE kind = 'payment.received'"
                )!,
                payments: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment")!
            )
        }
    }
}

@Suite(.serialized) struct CrashTests {
    static let requestCount = 400
    static let rounds = 25

    /// Runs `vetpos checkout --jsonl` again and again on one database and SIGKILLs it at random moments. Every line
    /// it printed before dying must be stored whole; nothing half-stored may exist; the journal must verify after
    /// every crash; and finishing the file must leave exactly one invoice per request.
    @Test(.timeLimit(.minutes(3)))
    func killedCheckoutsAreAllOrNothingAndIdempotent() async throws {
        let started = Date()
        let seed =
            UInt64(ProcessInfo.processInfo.environment["VETPOS_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let sandbox = try Sandbox("crash")
        defer { sandbox.remove() }
        let db = sandbox.db
        try await Clinic.seed(sandbox, creditLimit: "1000000.00")
        let requests = try CrashWorkload.make(count: Self.requestCount, seed: seed)
        #expect(Set(requests.map(\.id)).count == requests.count)
        try sandbox.write("all.jsonl", requests.map(\.json).joined(separator: "\n") + "\n")

        var acknowledged: [String: String] = [:]  // request id → the line vetpos printed for it
        var next = 0  // the first request not yet acknowledged
        var killed = 0
        var killedMidRun = 0
        var killedBeforeFirstLine = 0
        var finished = 0
        var replaysCompared = 0
        var committedBeforeAcknowledged = 0
        var log: [String] = []

        /// Checks a printed line against its request and against any earlier printing of the same request.
        func acknowledge(_ line: String, for request: CrashWorkload.Request, roundStart: Int64) throws {
            if let earlier = acknowledged[request.id] {
                #expect(earlier == line, "replay of \(request.id) printed a different invoice")
                replaysCompared += 1
                return
            }
            let invoice = try InvoiceJSON.decode(line)
            try expectTiesOut(invoice)
            #expect(invoice.client == request.client, "\(request.id)")
            #expect(invoice.lines.map(\.item) == request.items, "\(request.id)")
            #expect(invoice.payments.map(\.tender) == request.tenders, "\(request.id)")
            #expect(invoice.status == "paid", "\(request.id)")
            if let exact = request.exactTotal { #expect(try cents(invoice.total) == exact, "\(request.id)") }
            // Printed for the first time now, but posted by an earlier, killed run: committed, then killed before
            // it could say so. The replay found it.
            if let postedAt = invoice.postedAt, postedAt < roundStart { committedBeforeAcknowledged += 1 }
            acknowledged[request.id] = line
        }

        for round in 0..<Self.rounds {
            // Mostly the rest of the file; every sixth round (and once all is done) the whole file again.
            let whole = next >= requests.count || round % 6 == 5
            let start = whole ? 0 : next
            let slice = Array(requests[start...])
            let file = "round-\(round).jsonl"
            try sandbox.write(file, slice.map(\.json).joined(separator: "\n") + "\n")
            // Three ways to pick the moment: after a number of printed lines; a delay from the start (which may land
            // in start-up or sign-in); a delay from the first printed line (always mid-run, at any point of a
            // transaction).
            var killAfterLines: Int?
            var killAfterMilliseconds: Int?
            var killAfterFirstLineMilliseconds: Int?
            let how: String
            switch round % 3 {
            case 0:
                killAfterLines = Int.random(in: 1...25, using: &random)
                how = "\(killAfterLines!)lines"
            case 1:
                killAfterMilliseconds = Int.random(in: 20...400, using: &random)
                how = "\(killAfterMilliseconds!)ms"
            default:
                killAfterFirstLineMilliseconds = Int.random(in: 0...150, using: &random)
                how = "1st+\(killAfterFirstLineMilliseconds!)ms"
            }
            let roundStart = Int64(Date().timeIntervalSince1970 * 1000)

            let result = try await sandbox.run(
                ["checkout", "--db", db, "--jsonl", file],
                as: Clinic.csr,
                killAfterLines: killAfterLines,
                killAfterMilliseconds: killAfterMilliseconds,
                killAfterFirstLineMilliseconds: killAfterFirstLineMilliseconds
            )
            #expect(result.lines.count <= slice.count)
            for (offset, line) in result.lines.enumerated() where offset < slice.count {
                try acknowledge(line, for: slice[offset], roundStart: roundStart)
            }
            next = max(next, start + result.lines.count)

            let wasKilled = result.signaled && result.status == SIGKILL
            if wasKilled {
                killed += 1
                if result.lines.isEmpty { killedBeforeFirstLine += 1 }
                if !result.lines.isEmpty && result.lines.count < slice.count { killedMidRun += 1 }
            } else {
                finished += 1
                #expect(!result.signaled && result.status == 0, "round \(round): \(result)")
                #expect(result.lines.count == slice.count, "round \(round) ended without printing every checkout")
            }
            log.append(
                "r\(round):\(whole ? "all" : "+\(start)") "
                    + "kill@\(how)→"
                    + "\(result.lines.count)\(wasKilled ? "✝" : "✓")"
            )

            // The chain survives every crash.
            let verify = try await sandbox.run(["journal", "verify", "--db", db])
            #expect(verify.status == 0 && !verify.signaled, "journal after round \(round): \(verify)")
        }

        // Run the whole file to the end: every request is stored once, and earlier answers are repeated exactly.
        let finalStart = Int64(Date().timeIntervalSince1970 * 1000)
        let final = try await sandbox.ok(["checkout", "--db", db, "--jsonl", "all.jsonl"], as: Clinic.csr)
        #expect(final.lines.count == requests.count)
        let acknowledgedBeforeFinal = acknowledged.count
        for (line, request) in zip(final.lines, requests) {
            try acknowledge(line, for: request, roundStart: finalStart)
        }

        let stored = try await StoredState.read(db)
        #expect(stored.invoices.count == requests.count, "one invoice per request")
        #expect(Set(stored.checkoutCommands.keys) == Set(requests.map(\.id)), "one checkout command per request")
        #expect(stored.orphanRows == 0, "rows outside any invoice")
        #expect(stored.postedEntries == requests.count)
        #expect(stored.paymentEntries == stored.payments)
        let byNumber = Dictionary(uniqueKeysWithValues: stored.invoices.map { ($0.number, $0) })
        var numbers: Set<Int64> = []
        for request in requests {
            let result = try #require(stored.checkoutCommands[request.id])
            let line = try #require(acknowledged[request.id])
            // What a replay would print is what was printed the first time.
            #expect(try canonicalJSON(result) == (try canonicalJSON(line)), "\(request.id)")
            let printed = try InvoiceJSON.decode(line)
            #expect(numbers.insert(printed.number).inserted, "invoice \(printed.number) answers two requests")
            let row = try #require(byNumber[printed.number], "invoice \(printed.number) of \(request.id) is not stored")
            #expect(row.status == "posted", "invoice \(row.number)")
            #expect(row.total == (try cents(printed.total)), "invoice \(row.number)")
            #expect(row.lineCount == printed.lines.count, "invoice \(row.number)")
            #expect(row.paymentCount == printed.payments.count, "invoice \(row.number)")
            #expect(row.total == row.subtotal - row.discountTotal + row.taxTotal, "invoice \(row.number)")
            #expect(row.subtotal == row.extended && row.taxTotal == row.lineTaxes, "invoice \(row.number)")
            #expect(
                row.discountTotal == row.lineDiscounts && row.discounts == row.discountTotal,
                "invoice \(row.number)"
            )
            #expect(row.allocations == row.discountTotal, "invoice \(row.number)")
            #expect(row.paid == row.total, "invoice \(row.number)")
            #expect(row.cashArithmeticBroken == 0, "invoice \(row.number)")
            #expect(row.postedEntries == 1 && row.paymentEntries == row.paymentCount, "invoice \(row.number) journal")
        }
        #expect(numbers == Set(byNumber.keys), "every stored invoice answers a request")

        // A few through the CLI as well.
        for request in [requests.first!, requests.last!] + (0..<4).map({ _ in requests.randomElement(using: &random)! })
        {
            let printed = try InvoiceJSON.decode(acknowledged[request.id]!)
            let shown = try await sandbox.ok(["invoice", "show", "--db", db, "\(printed.number)"])
            #expect(try canonicalJSON(shown.stdout) == (try canonicalJSON(acknowledged[request.id]!)))
        }
        #expect(try await sandbox.ok(["journal", "verify", "--db", db]).stdout.hasPrefix("journal verified"))

        let summary = """
            crash test (seed \(seed)): \(Self.rounds) rounds, \(killed) killed (\(killedMidRun) mid-run after ≥1 \
            acknowledged line, \(killedBeforeFirstLine) before the first line), \(finished) finished; \
            \(acknowledgedBeforeFinal)/\(requests.count) acknowledged before the final run; \(replaysCompared) replayed \
            lines identical to their first printing; \(committedBeforeAcknowledged) checkouts committed by a killed run \
            and first acknowledged by a later one; \(stored.invoices.count) invoices, \(stored.payments) payments; \
            \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            """
        print(summary)
        print("crash rounds: " + log.joined(separator: " "))
        #expect(killed >= 5, "\(summary)")
        #expect(killedMidRun >= 3, "too few kills landed mid-run: \(summary)")
    }
}
