import Foundation
import POSCore
import Testing

/// Two ways matching once guessed, found while planting the months (see each test), and must never guess again.
/// Small files through the real binary: a settlement file and a bank statement are enough, no sales needed.
@Suite struct ReconciliationGuessTests {
    static let day = BusinessDate("2026-05-20")!

    static func entry(
        _ id: String,
        _ kind: PlantedEntry.Kind,
        payout: String,
        _ gross: Int64,
        fee: Int64
    )
        throws -> PlantedEntry
    {
        let calendar = try BusinessCalendar(timeZoneIdentifier: "America/Chicago")
        return PlantedEntry(
            id: id,
            kind: kind,
            payout: payout,
            gross: Money(minorUnits: gross),
            fee: Money(minorUnits: fee),
            payment: 9_000 + Int64(id.count),
            createdMillis: calendar.millis(of: day, hour: 11, minute: 0),
            brand: .visa
        )
    }

    func imported(_ payouts: [PlantedPayout], bank: [PlantedBankLine]) async throws -> (Sandbox, ReconciliationJSON) {
        let sandbox = try await SeededTemplate.copy("reconcile-guess")
        let settlement = try sandbox.write("stripe.csv", try SettlementWriter.stripeCSV(payouts))
        let statement = try sandbox.write("bank.csv", SettlementWriter.bankCSV(bank))
        let mapping = try sandbox.write("bank.mapping.json", PlantedFiles.bankMapping)
        try await sandbox.ok(["import", "settlement", "--db", sandbox.db, settlement], as: Clinic.bookkeeper)
        try await sandbox.ok(
            ["import", "bank", "--db", sandbox.db, statement, "--mapping", mapping],
            as: Clinic.bookkeeper
        )
        let report = try await sandbox.ok(
            [
                "report", "reconcile", "--db", sandbox.db, "--from", Self.day.text, "--to",
                Self.day.adding(days: 5).text,
                "--format", "json",
            ],
            as: Clinic.bookkeeper
        )
        return (sandbox, try JSONDecoder().decode(ReconciliationJSON.self, from: Data(report.stdout.utf8)))
    }

    /// Two payouts of one amount expected on one day, and one bank credit of that amount that names neither (the
    /// other has not arrived, or never will): the credit is as much the one payout's as the other's. Stage 3b must find
    /// exactly one credit per payout *and* exactly one payout per credit; giving the credit to whichever payout sorts
    /// first would be a guess, and the other payout would be reported missing when it may be the one that was paid.
    @Test func oneUnnamedCreditForTwoEqualPayoutsIsNotGivenToEither() async throws {
        let expected = Self.day.adding(days: 1)
        let payouts = try ["po_TWINA", "po_TWINB"].map { id in
            PlantedPayout(
                id: id,
                batch: id,
                expected: expected,
                entries: [try Self.entry("txn_\(id)", .charge, payout: id, 100_000, fee: 2_930)]
            )
        }
        let credit = PlantedBankLine(
            reference: "ACH-0001",
            date: expected,
            amount: payouts[0].net,
            description: "STRIPE TRANSFER"
        )
        let (sandbox, report) = try await imported(payouts, bank: [credit])
        defer { sandbox.remove() }
        let guessed = report.matches.filter { $0.kind == "payoutToBank" && $0.right.contains(credit.id) }
        #expect(
            guessed.isEmpty,
            "bank \(credit.id) \(credit.amount) fits \(payouts.map(\.id)) alike, yet was matched: \(guessed)"
        )
        #expect(
            report.findings.contains { $0.kind == "ambiguous" && $0.items.contains(credit.id) },
            "the credit is shown with both candidate payouts: \(report.findings)"
        )
    }

    /// A chargeback Stripe already netted in a payout (its `dispute` row is in the payout, and the payout's credit is
    /// matched), and an unrelated bank debit that happens to be of the same amount: stage 6 must match debits to
    /// chargeback and fee entries by amount *and* reference (FORMATS.md §6.2), never to an entry already netted inside a
    /// credited payout; otherwise the debit is explained away and the chargeback counted twice.
    @Test func aDebitIsNotMatchedToAChargebackAlreadyNettedInAPayout() async throws {
        let payout = try PlantedPayout(
            id: "po_NETTED",
            batch: "po_NETTED",
            expected: Self.day.adding(days: 1),
            entries: [
                Self.entry("txn_sale", .charge, payout: "po_NETTED", 50_000, fee: 1_480),
                Self.entry("txn_dispute", .chargeback, payout: "po_NETTED", -10_000, fee: 1_500),
            ]
        )
        let dispute = payout.entries[1]
        let credit = PlantedBankLine(
            reference: "BK-po_NETTED",
            date: payout.expected,
            amount: payout.net,
            description: "STRIPE TRANSFER po_NETTED"
        )
        let debit = PlantedBankLine(
            reference: "INS-0520",
            date: payout.expected,
            amount: dispute.net,
            description: "ACME PET INSURANCE PREMIUM"
        )
        let (sandbox, report) = try await imported([payout], bank: [credit, debit])
        defer { sandbox.remove() }
        #expect(
            report.matches.contains { $0.kind == "payoutToBank" && $0.left == [payout.id] && $0.right == [credit.id] },
            "the payout, dispute netted, is credited by id: \(report.matches)"
        )
        let doubled = report.matches.filter { $0.kind == "debitToEntry" && $0.right.contains(debit.id) }
        let why = "'\(debit.description)' \(debit.amount) names no dispute, and \(dispute.id) was already netted in"
        #expect(doubled.isEmpty, "\(why) \(payout.id): \(doubled)")
        #expect(
            report.findings.contains { $0.kind == "processorDebitToExplain" && $0.items == [debit.id] },
            "the debit is left to explain: \(report.findings)"
        )
    }
}
