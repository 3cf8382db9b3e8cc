import Foundation
import POSCore
import POSReports
import POSStorage
import POSTestSupport
import Testing

/// `vetpos report reconcile --format json`, as printed (amounts and dates stay strings).
struct ReconciliationJSON: Decodable, Sendable {
    struct Match: Decodable, Sendable {
        var kind: String
        var rule: String
        var left: [String]
        var right: [String]
        var suggestion: Bool
        var detail: String
        var decision: Int64?
    }
    struct Finding: Decodable, Sendable {
        var kind: String
        var items: [String]
        var amount: String?
        var detail: String
        var item: String?
        var since: String?
    }
    struct Decision: Decodable, Sendable {
        var number: Int64
        var action: String
        var left: [String]
        var right: [String]
        var amount: String
        var reason: String
        var decidedBy: String
    }
    var matches: [Match]
    var findings: [Finding]
    var writtenOff: [Decision]
}

/// `vetpos report batches --format json`: the batch-matching columns.
struct BatchMatchingJSON: Decodable, Sendable {
    struct Credit: Decodable, Sendable {
        var line: String
        var date: String
        var amount: String
        var pays: [String]
    }
    struct Batch: Decodable, Sendable {
        var batch: String
        var terminal: String
        var careCredit: Bool
        var closedOn: String
        var gross: String
        var settledGross: String?
        var fees: String?
        var net: String?
        var payouts: [String]
        var bankCredits: [Credit]
        var status: String
        var explanation: [String]
    }
    struct Payout: Decodable, Sendable {
        var payout: String
        var expected: String
        var charges: String
        var refunds: String
        var fees: String
        var chargebacks: String
        var adjustments: String
        var net: String
        var explicitLines: [String]
        var bankLine: String?
    }
    struct Settlement: Decodable, Sendable {
        var asOf: String
        var batches: [Batch]
        var payouts: [Payout]
    }
    var date: String
    var settlement: Settlement?
}

/// Matching over two generated months of a busy clinic (FORMATS.md §6): fees netted on every charge, refunds in later
/// batches, a chargeback, a batch split across two payouts, two payouts of one amount on one day (named by the bank,
/// then not), a payout missing from the bank and carried forward until a later statement brings it, CareCredit paid
/// days later (named, and not: matched by hand), a bank fee written off. Every match is checked against the ground
/// truth the generator recorded, and every leftover must be a planted one.
@Suite struct ReconciliationMonthTests {
    @Test func twoBusyMonthsMatchWithNoWrongMatchAndEveryLeftoverExplained() async throws {
        let started = ContinuousClock.now
        let plan = MonthPlan()
        let sandbox = try await SeededTemplate.copy("reconcile-month")
        defer { sandbox.remove() }
        let db = sandbox.db

        let realToday = try BusinessCalendar(timeZoneIdentifier: "America/Chicago").businessDate(
            atMillis: Int64(Date().timeIntervalSince1970 * 1000)
        )
        try #require(
            plan.last.adding(days: 20) < realToday,
            "the generated months must lie in the past: `vetpos reconcile` loads what is dated up to today"
        )

        // 1. The takings, rung through the Store with the generator's clock; the files, written from them.
        let takings = try await Self.generate(plan, db: db)
        let generated = ContinuousClock.now
        var writer = SettlementWriter(plan: plan, takings: takings)
        let files = try writer.write()
        let truth = Truth(plan: plan, takings: takings, files: files)
        try truth.checkItself()

        // 2. Imported with the real binary, as the bookkeeper would.
        let books = Clinic.bookkeeper
        let settlement = try sandbox.write("stripe-balance.csv", files.settlementCSV)
        let firstBank = try sandbox.write("bank-march-april.csv", files.firstBankCSV)
        let laterBank = try sandbox.write("bank-later.csv", files.laterBankCSV)
        let mapping = try sandbox.write("bank.mapping.json", PlantedFiles.bankMapping)
        try await sandbox.ok(["import", "settlement", "--db", db, settlement], as: books)
        try await sandbox.ok(["import", "bank", "--db", db, firstBank, "--mapping", mapping], as: books)

        // 3. The months, matched: only planted leftovers, no wrong match.
        let first = try await reconcile(sandbox, from: plan.first, to: plan.last)
        expectMatches(first, truth.expectedMatches(lateCreditImported: false, manualMatch: nil), "first statement")
        expectFindings(first, truth.expectedFindings(lateCreditImported: false, decided: false), "first statement")
        #expect(first.writtenOff.isEmpty)

        // The missing payout is carried forward: a later week still lists it, with the day it has been open since.
        let missing = files.missingPayout
        let laterWeek = try await reconcile(
            sandbox,
            from: plan.days[plan.missingPayoutDay + 6],
            to: plan.days[plan.missingPayoutDay + 10]
        )
        let carried = laterWeek.findings.filter { $0.kind == "unmatched" && $0.item == "payout:\(missing.id)" }
        #expect(
            carried.count == 1 && carried.first?.since == missing.expected.text,
            "payout \(missing.id) (expected \(missing.expected)) is carried into a later week with its age: \(carried)"
        )
        let waiting = try await batchReport(sandbox, plan.days[plan.missingPayoutDay])
        let waitingBatch = waiting.settlement?.batches.first { $0.payouts.contains(missing.id) }
        #expect(waitingBatch?.status == "pending", "\(String(describing: waitingBatch))")
        #expect(
            waitingBatch?.explanation.contains { $0.contains(missing.id) } == true,
            "the pending batch says which payout it waits for: \(String(describing: waitingBatch?.explanation))"
        )

        // 4. A later statement brings the missing payout; the bookkeeper matches the CareCredit credit that names no
        // batch; a manager writes off the bank's own fee.
        try await sandbox.ok(["import", "bank", "--db", db, laterBank, "--mapping", mapping], as: books)
        let afterLate = try await reconcile(sandbox, from: plan.first, to: plan.last)
        expectMatches(afterLate, truth.expectedMatches(lateCreditImported: true, manualMatch: nil), "later statement")
        expectFindings(afterLate, truth.expectedFindings(lateCreditImported: true, decided: false), "later statement")

        let manual = files.manualCareCredit
        let matched = try await sandbox.ok(
            [
                "reconcile", "match", "--db", db, "--left", "batch:\(manual.batch)", "--right",
                "bank:\(manual.credit.id)", "--reason", "Synchrony deposit = CareCredit batch, per statement",
                "--format",
                "json",
            ],
            as: books
        )
        let matchDecision = try JSONDecoder().decode(ReconciliationJSON.Decision.self, from: Data(matched.stdout.utf8))
        #expect(
            try cents(matchDecision.amount) == manual.fee.minorUnits,
            "a batch matched to its bank credit by hand keeps CareCredit's fee as the difference: \(matched.stdout)"
        )
        let fee = files.accountFee
        let writtenOff = try await sandbox.ok(
            [
                "reconcile", "write-off", "--db", db, "bank:\(fee.id)", "--reason", "Bank's monthly account fee",
                "--format", "json",
            ],
            as: Clinic.manager
        )
        let writeOff = try JSONDecoder().decode(ReconciliationJSON.Decision.self, from: Data(writtenOff.stdout.utf8))

        let final = try await reconcile(sandbox, from: plan.first, to: plan.last)
        expectMatches(
            final,
            truth.expectedMatches(lateCreditImported: true, manualMatch: matchDecision.number),
            "after the decisions"
        )
        expectFindings(final, truth.expectedFindings(lateCreditImported: true, decided: true), "after the decisions")
        #expect(
            final.writtenOff.map { "\($0.number) \($0.action) \($0.left) \($0.amount) \($0.decidedBy)" }
                == ["\(writeOff.number) writeOff [\"bank:\(fee.id)\"] \(fee.amount) \(Clinic.manager.id)"],
            "the fee is listed under written off: \(final.writtenOff)"
        )
        #expect(
            !final.findings.contains { $0.items.contains(fee.id) },
            "a written-off item is no longer a leftover: \(final.findings.filter { $0.items.contains(fee.id) })"
        )

        // 5. The batch-matching report of every day: statuses, settled amounts, payouts and bank credits.
        let reportsStarted = ContinuousClock.now
        let reports = try await withThrowingTaskGroup(of: BatchMatchingJSON.self) { group in
            var reports: [BatchMatchingJSON] = []
            var pending = plan.days[...]
            for _ in 0..<2 {
                if let day = pending.popFirst() { group.addTask { try await self.batchReport(sandbox, day) } }
            }
            while let report = try await group.next() {
                reports.append(report)
                if let day = pending.popFirst() { group.addTask { try await self.batchReport(sandbox, day) } }
            }
            return reports.sorted { $0.date < $1.date }
        }
        #expect(reports.map(\.date) == plan.days.map(\.text))
        for report in reports { try expectBatches(report, truth) }
        let finished = ContinuousClock.now
        print(
            "ReconciliationMonth: \(takings.payments.count) card payments in \(takings.batches.count) batches, "
                + "\(files.entries.count) settlement lines, \(files.payouts.count) payouts; generated in "
                + "\(generated - started), matched and reported in \(finished - generated) "
                + "(\(plan.days.count) batch reports: \(finished - reportsStarted))"
        )
    }

    // MARK: - Generating

    /// Rings the months through a Store on the seeded clinic's database; the Store is gone when this returns, so only
    /// the CLI touches the file afterwards.
    static func generate(_ plan: MonthPlan, db: String) async throws -> GeneratedTakings {
        let clock = MonthClock(0)
        let store = try Store(path: db, pinHasher: RefusingPINHasher(), clock: { clock.now })
        let calendar = try await store.policy().calendar()
        clock.set(calendar.millis(of: plan.first, hour: 8, minute: 0))
        var generator = try await TakingsGenerator(plan: plan, store: store, clock: clock, calendar: calendar)
        return try await generator.run()
    }

    // MARK: - The CLI's reports

    func reconcile(_ sandbox: Sandbox, from: BusinessDate, to: BusinessDate) async throws -> ReconciliationJSON {
        let result = try await sandbox.ok(
            ["report", "reconcile", "--db", sandbox.db, "--from", from.text, "--to", to.text, "--format", "json"],
            as: Clinic.bookkeeper
        )
        return try JSONDecoder().decode(ReconciliationJSON.self, from: Data(result.stdout.utf8))
    }

    func batchReport(_ sandbox: Sandbox, _ day: BusinessDate) async throws -> BatchMatchingJSON {
        let result = try await sandbox.ok(
            ["report", "batches", "--db", sandbox.db, "--date", day.text, "--format", "json"],
            as: Clinic.bookkeeper
        )
        return try JSONDecoder().decode(BatchMatchingJSON.self, from: Data(result.stdout.utf8))
    }

    // MARK: - Checking against the truth

    func expectMatches(
        _ report: ReconciliationJSON,
        _ expected: [String],
        _ stage: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let made = report.matches.map(Truth.key).sorted()
        let wrong = Set(made).subtracting(expected).sorted()
        let missed = Set(expected).subtracting(made).sorted()
        #expect(
            wrong.isEmpty,
            "\(stage): \(wrong.count) matches the ground truth does not have: \(wrong.prefix(10))",
            sourceLocation: sourceLocation
        )
        #expect(
            missed.isEmpty,
            "\(stage): \(missed.count) true matches not made: \(missed.prefix(10))",
            sourceLocation: sourceLocation
        )
        #expect(made.count == expected.count, "\(stage): one match per item", sourceLocation: sourceLocation)
        let suggested = report.matches.filter(\.suggestion)
        #expect(
            suggested.isEmpty,
            "\(stage): nothing here is a subset sum: \(suggested)",
            sourceLocation: sourceLocation
        )
    }

    func expectFindings(
        _ report: ReconciliationJSON,
        _ expected: [String],
        _ stage: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let found = report.findings.map(Truth.key).sorted()
        let unplanted = Set(found).subtracting(expected).sorted()
        let unreported = Set(expected).subtracting(found).sorted()
        #expect(
            unplanted.isEmpty,
            "\(stage): leftovers nobody planted: \(unplanted.prefix(10))",
            sourceLocation: sourceLocation
        )
        #expect(
            unreported.isEmpty,
            "\(stage): planted leftovers not reported: \(unreported.prefix(10))",
            sourceLocation: sourceLocation
        )
        #expect(found == expected.sorted(), "\(stage): each leftover once", sourceLocation: sourceLocation)
        for finding in report.findings where finding.kind == "unmatched" {
            #expect(
                finding.item != nil && finding.since != nil,
                "\(stage): an unmatched item says what it is and since when: \(finding)",
                sourceLocation: sourceLocation
            )
        }
    }

    func expectBatches(_ report: BatchMatchingJSON, _ truth: Truth) throws {
        let day = report.date
        let settlement = try #require(report.settlement, "report batches \(day) has its batch-matching columns")
        let expected = truth.streams.filter { $0.closedOn.text == day }
        #expect(
            settlement.batches.map(\.batch).sorted() == expected.map(\.id).sorted(),
            "\(day): one settlement per batch stream"
        )
        for stream in expected {
            guard let batch = settlement.batches.first(where: { $0.batch == stream.id }) else { continue }
            let here = "\(day) \(stream.id)"
            #expect(try cents(batch.gross) == stream.gross.minorUnits, "\(here): gross taken")
            #expect(batch.status == stream.status, "\(here): status \(batch.status) — \(batch.explanation)")
            #expect(
                batch.bankCredits.map(\.line).sorted() == stream.bankLines.sorted(),
                "\(here): bank credits \(batch.bankCredits.map(\.line))"
            )
            #expect(batch.payouts == stream.payouts.sorted(), "\(here): payouts \(batch.payouts)")
            if let settled = stream.settled {
                #expect(try batch.settledGross.map(cents) == settled.gross.minorUnits, "\(here): settled gross")
                #expect(try batch.fees.map(cents) == settled.fee.minorUnits, "\(here): fees")
                #expect(try batch.net.map(cents) == settled.net.minorUnits, "\(here): net")
            } else {
                #expect(batch.settledGross == nil, "\(here): no processor file settles CareCredit")
                #expect(try batch.net.map(cents) == stream.bankCredit?.minorUnits, "\(here): net = the bank credit")
                let fee = stream.gross - (stream.bankCredit ?? .zero)
                #expect(
                    batch.explanation.contains { Truth.mentions($0, fee) && $0.contains("unconfirmed") },
                    "\(here): CareCredit's fee \(fee) is shown unconfirmed: \(batch.explanation)"
                )
            }
            if stream.status == "mismatch", let settled = stream.settled {
                let difference = settled.gross - stream.gross
                #expect(
                    batch.explanation.contains { Truth.mentions($0, difference) },
                    "\(here): the mismatch names the difference \(difference): \(batch.explanation)"
                )
                #expect(
                    batch.explanation.contains { $0.contains("P\(truth.files.unsettledPayment.number)") },
                    "\(here): the mismatch names the payment the processor did not settle: \(batch.explanation)"
                )
            }
        }
        let payouts = Set(expected.flatMap(\.payouts))
        #expect(
            settlement.payouts.map(\.payout).sorted() == payouts.sorted(),
            "\(day): the composition of every payout of the day's batches"
        )
        for composition in settlement.payouts {
            let here = "\(day) \(composition.payout)"
            guard let payout = truth.files.payouts.first(where: { $0.id == composition.payout }) else {
                Issue.record("\(here): no such payout was written")
                continue
            }
            let parts = try [
                composition.charges, composition.refunds, composition.fees, composition.chargebacks,
                composition.adjustments,
            ].map(cents)
            #expect(
                parts.reduce(0, +) == (try cents(composition.net)),
                "\(here): charges + refunds + fees + chargebacks + adjustments = net (\(parts))"
            )
            func total(_ kind: PlantedEntry.Kind) -> Int64 {
                payout.entries.filter { $0.kind == kind }.map(\.gross.minorUnits).reduce(0, +)
            }
            #expect(try cents(composition.charges) == total(.charge), "\(here): charges")
            #expect(try cents(composition.refunds) == total(.refund), "\(here): refunds")
            #expect(try cents(composition.chargebacks) == total(.chargeback), "\(here): chargebacks")
            #expect(
                try cents(composition.fees) == -payout.entries.map(\.fee.minorUnits).reduce(0, +),
                "\(here): fees, the dispute fee included"
            )
            #expect(try cents(composition.net) == payout.net.minorUnits, "\(here): net")
            #expect(composition.bankLine == truth.files.payoutCredit[payout.id]?.id, "\(here): its bank line")
            for entry in payout.entries where entry.kind != .charge {
                #expect(
                    composition.explicitLines.contains {
                        $0.contains("stripe:\(entry.id)") && Truth.mentions($0, entry.net)
                    },
                    "\(here): \(entry.kind) \(entry.id) \(entry.net) is an explicit line: \(composition.explicitLines)"
                )
            }
            #expect(
                composition.explicitLines.count == payout.entries.filter { $0.kind != .charge }.count,
                "\(here): one explicit line per refund or chargeback"
            )
        }
    }
}

/// What matching must make of the generated months.
struct Truth {
    /// A batch's settlement stream: the processor's cards, or CareCredit (`-CC`).
    struct Stream {
        var id: String
        var closedOn: BusinessDate
        var gross: Money
        var payouts: [String]
        var bankLines: [String]
        var status: String
        var settled: (gross: Money, fee: Money, net: Money)?
        var bankCredit: Money?
    }

    let plan: MonthPlan
    let takings: GeneratedTakings
    let files: PlantedFiles
    let streams: [Stream]

    init(plan: MonthPlan, takings: GeneratedTakings, files: PlantedFiles) {
        self.plan = plan
        self.takings = takings
        self.files = files
        let entryOfPayment = Dictionary(
            uniqueKeysWithValues: files.entries.filter { $0.kind != .chargeback }.map { ($0.payment, $0) }
        )
        let ambiguous = Set(files.ambiguousPayouts.map(\.id))
        var streams: [Stream] = []
        for batch in takings.batches {
            let cards = batch.payments.filter { $0.tender != .careCredit }
            if !cards.isEmpty {
                let entries = cards.compactMap { entryOfPayment[$0.number] }
                let payouts = Set(entries.map(\.payout)).sorted()
                let gross = cards.map(\.amount).sum()
                let settledGross = entries.map(\.gross).sum()
                streams.append(
                    Stream(
                        id: batch.id,
                        closedOn: batch.businessDate,
                        gross: gross,
                        payouts: payouts,
                        bankLines: payouts.compactMap { files.payoutCredit[$0]?.id },
                        status: settledGross != gross
                            ? "mismatch" : payouts.contains(where: ambiguous.contains) ? "pending" : "matched",
                        settled: (settledGross, entries.map(\.fee).sum(), entries.map(\.net).sum())
                    )
                )
            }
            if let careCredit = (files.careCredit + [files.manualCareCredit]).first(where: {
                $0.batch == "\(batch.id)-CC"
            }) {
                streams.append(
                    Stream(
                        id: careCredit.batch,
                        closedOn: careCredit.closedOn,
                        gross: careCredit.gross,
                        payouts: [],
                        bankLines: [careCredit.credit.id],
                        status: "matched",
                        settled: nil,
                        bankCredit: careCredit.credit.amount
                    )
                )
            }
        }
        self.streams = streams
    }

    /// The generator did what the plan says, so the checks below test matching and not an empty plan.
    func checkItself() throws {
        let payments = takings.payments
        let perDay = Dictionary(grouping: payments.filter { $0.amount.isPositive }, by: \.businessDate)
        try #require(perDay.count == plan.days.count && perDay.values.allSatisfy { $0.count >= 24 }, "dozens a day")
        try #require(Set(payments.map(\.terminal)) == ["PAX-1", "PAX-2"])
        try #require(Set(payments.map(\.brand)).isSuperset(of: [.visa, .mastercard, .amex, .discover, .careCredit]))
        try #require(takings.laterRefunds.count >= 10, "refunds of earlier days: \(takings.laterRefunds.count)")
        for (refund, sale) in takings.laterRefunds {
            let batchOf = { (number: Int64) in takings.batches.first { $0.payments.contains { $0.number == number } } }
            let later = try #require(batchOf(refund)).businessDate > (try #require(batchOf(sale))).businessDate
            try #require(later, "refund P\(refund) of P\(sale) falls in a later batch")
        }
        try #require(files.careCredit.count >= 5, "CareCredit batches: \(files.careCredit.count)")
        for careCredit in files.careCredit + [files.manualCareCredit] {
            try #require((5...8).contains(careCredit.closedOn.days(until: careCredit.credit.date)))
        }
        try #require(files.splitPayouts.count == 2 && Set(files.splitPayouts.map(\.batch)).count == 1)
        for pair in [files.twinsWithIDs, files.ambiguousPayouts] {
            try #require(
                pair.count == 2 && pair[0].net == pair[1].net && pair[0].expected == pair[1].expected,
                "two payouts of one amount on one day: \(pair.map { "\($0.id) \($0.net) \($0.expected)" })"
            )
        }
        try #require(
            files.ambiguousCredits.count == 2 && files.ambiguousCredits[0].amount == files.ambiguousCredits[1].amount
        )
        try #require(files.lateCredit.date > files.missingPayout.expected.adding(days: 5))
        try #require(files.dispute.payout != files.entries.first { $0.payment == files.dispute.payment }?.payout)
        // The planted leftovers lie inside the months, so a report of the months lists them.
        for day in [files.manualCareCredit.credit.date, files.accountFee.date] + files.ambiguousCredits.map(\.date) {
            try #require(day <= plan.last)
        }
    }

    /// Whether a line people read names the amount (reports print `-$1,234.56`, files and JSON `-1234.56`).
    static func mentions(_ text: String, _ amount: Money) -> Bool {
        let words = text.split { $0 == " " || $0 == ":" || $0 == "(" || $0 == ")" }
        return words.contains { $0 == amount.formatted || $0 == amount.description }
    }

    static func key(_ match: ReconciliationJSON.Match) -> String {
        "\(match.kind) \(match.rule) \(match.left.joined(separator: "+")) → \(match.right.joined(separator: "+"))"
            + (match.decision.map { " decision \($0)" } ?? "")
    }

    static func key(_ finding: ReconciliationJSON.Finding) -> String {
        "\(finding.kind) [\(finding.items.sorted().joined(separator: ", "))] \(finding.amount ?? "-") since "
            + (finding.since ?? "-")
    }

    static func finding(_ kind: String, _ items: [String], _ amount: Money, since: BusinessDate? = nil) -> String {
        "\(kind) [\(items.sorted().joined(separator: ", "))] \(amount.description) since \(since?.text ?? "-")"
    }

    /// Every true match: payments to their own lines, payouts and CareCredit streams to the bank lines written for them.
    func expectedMatches(lateCreditImported: Bool, manualMatch decision: Int64?) -> [String] {
        var matches = files.entries.filter { $0.kind != .chargeback }.map {
            "paymentToEntry id P\($0.payment) → stripe:\($0.id)"
        }
        for payout in files.payouts {
            guard let line = files.payoutCredit[payout.id] else { continue }
            if payout.id == files.missingPayout.id && !lateCreditImported { continue }
            matches.append("payoutToBank id \(payout.id) → \(line.id)")
        }
        for careCredit in files.careCredit {
            matches.append("batchToBank id \(careCredit.batch) → \(careCredit.credit.id)")
        }
        if let decision {
            let manual = files.manualCareCredit
            matches.append("batchToBank manual \(manual.batch) → \(manual.credit.id) decision \(decision)")
        }
        return matches.sorted()
    }

    /// The planted leftovers, and nothing else.
    func expectedFindings(lateCreditImported: Bool, decided: Bool) -> [String] {
        var findings: [String] = []
        let unsettled = files.unsettledPayment
        findings.append(Self.finding("batchDiffersFromProcessor", [files.unsettledBatch], -unsettled.amount))
        let credits = files.ambiguousCredits.map(\.id)
        for payout in files.ambiguousPayouts {
            findings.append(Self.finding("ambiguous", [payout.id] + credits, payout.net))
            findings.append(Self.finding("unmatched", [payout.id], payout.net, since: payout.expected))
        }
        for line in files.ambiguousCredits {
            findings.append(Self.finding("unmatched", [line.id], line.amount, since: line.date))
        }
        if !lateCreditImported {
            let missing = files.missingPayout
            findings.append(Self.finding("unmatched", [missing.id], missing.net, since: missing.expected))
        }
        for careCredit in files.careCredit {
            findings.append(
                Self.finding("unconfirmedFee", [careCredit.batch, careCredit.credit.id], careCredit.fee)
            )
        }
        if !decided {
            let manual = files.manualCareCredit
            findings.append(Self.finding("unmatched", [manual.batch], manual.gross, since: manual.closedOn))
            findings.append(
                Self.finding("unmatched", [manual.credit.id], manual.credit.amount, since: manual.credit.date)
            )
            let fee = files.accountFee
            findings.append(Self.finding("processorDebitToExplain", [fee.id], fee.amount, since: fee.date))
        }
        return findings.sorted()
    }
}
