import Foundation
import POSCore

/// One match, with the rule that made it and whether a person must confirm it.
public struct ReconciliationMatch: Hashable, Sendable, Codable {
    public enum Rule: String, Hashable, Sendable, Codable { case id, amountWindow, subset, manual }
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case paymentToEntry, payoutToBank, batchToBank, slipToBank, debitToEntry

        /// What each side holds: VetPOS's or the processor's items on the left, what settles them on the right.
        public var sides: (left: MatchItem.Kind, right: MatchItem.Kind) {
            switch self {
            case .paymentToEntry: (.payment, .entry)
            case .payoutToBank: (.payout, .bank)
            case .batchToBank: (.batch, .bank)
            case .slipToBank: (.slip, .bank)
            case .debitToEntry: (.entry, .bank)
            }
        }

        /// The kind of match between items of these kinds; nil when they never settle each other.
        public init?(left: MatchItem.Kind, right: MatchItem.Kind) {
            guard let kind = Kind.allCases.first(where: { $0.sides == (left, right) }) else { return nil }
            self = kind
        }
    }

    public var kind: Kind
    public var rule: Rule
    /// VetPOS's or the processor's side.
    public var left: [String]
    /// The other side: processor entries or bank lines.
    public var right: [String]
    /// Suggestions (subset sums) wait for a person; they are never posted on their own.
    public var suggestion: Bool
    /// What was compared, e.g. "net 1203.77 = bank 1203.77, B0314 in reference".
    public var detail: String
    /// The recorded decision this match comes from; nil for a match made by the rules.
    public var decision: Int64? = nil

    /// The items of both sides, typed.
    public var items: [MatchItem] {
        left.map { MatchItem(kind.sides.left, $0) } + right.map { MatchItem(kind.sides.right, $0) }
    }
}

/// Something matching could not settle: a gap, an ambiguity, an unexplained item.
public struct ReconciliationFinding: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case payoutDoesNotAddUp, batchDiffersFromProcessor, ambiguous, unmatched, unconfirmedFee,
            processorDebitToExplain
    }

    public var kind: Kind
    public var items: [String]
    public var amount: Money?
    public var detail: String
    /// For an unmatched item: the item, to match or write off by hand, and the day it is carried forward from.
    public var item: MatchItem? = nil
    public var since: BusinessDate? = nil
}

public struct Reconciliation: Hashable, Sendable, Codable {
    public var matches: [ReconciliationMatch]
    public var findings: [ReconciliationFinding]
    /// Write-offs in force: items a manager took out of matching, with the reason.
    public var writtenOff: [ReconciliationDecision] = []
}

/// The matching stages of FORMATS.md §6: exact amounts only, deterministic, every leftover shown.
public enum Reconciler {
    /// How many business days after the expected date a bank credit may arrive.
    public static let settlementWindow = 3

    public static func reconcile(
        payments: [CardPaymentItem],
        batches: [TerminalBatchItem],
        entries: [ProcessorEntryItem],
        payouts: [PayoutItem],
        slips: [DepositSlipItem],
        bank: [BankLineItem]
    ) -> Reconciliation {
        var run = MatchingRun(bank: bank.sorted { ($0.date, $0.amount, $0.id) < ($1.date, $1.amount, $1.id) })
        run.matchPaymentsToEntries(payments, entries)
        run.checkPayoutsAndBatchesAddUp(payouts, batches, entries)
        let payoutsLeft = run.matchPayoutsToBank(payouts)
        let batchesLeft = run.matchUnsettledBatchesToBank(batches, entries)
        let slipsLeft = run.matchSlipsToBank(slips)
        run.matchDebitsToEntries(entries)
        run.carryForward(payouts: payoutsLeft, batches: batchesLeft, slips: slipsLeft)
        return Reconciliation(matches: run.matches, findings: run.findings)
    }
}

/// One run of the matching stages: what is matched and found so far, and which bank lines and entries are used.
private struct MatchingRun {
    let bank: [BankLineItem]
    var matches: [ReconciliationMatch] = []
    var findings: [ReconciliationFinding] = []
    var bankUsed: Set<String> = []
    var entriesUsed: Set<String> = []
    /// The batch a matched payment says its processor entry settles.
    var batchOfEntry: [String: String] = [:]

    init(bank: [BankLineItem]) { self.bank = bank }

    mutating func matchPaymentsToEntries(_ payments: [CardPaymentItem], _ entries: [ProcessorEntryItem]) {
        // Stage 1: card payments ↔ processor charges/refunds: by the payment id the processor echoes back, else by
        // (auth code, last4, amount, day); unique hits only. A matched payment tells which batch its entry settles.
        // Candidates by amount, so a year of payments is not compared with a year of entries one by one.
        let cardEntries = Dictionary(grouping: entries.filter { $0.kind == .charge || $0.kind == .refund }, by: \.gross)
        for payment in payments.sorted(by: { $0.id < $1.id }) {
            let open = (cardEntries[payment.amount] ?? []).filter { !entriesUsed.contains($0.id) }
            let byReference = open.filter {
                $0.paymentReference == "P\(payment.id)" || $0.paymentReference == "\(payment.id)"
            }
            let byCard = open.filter {
                $0.authCode == payment.authCode && $0.last4 == payment.last4 && $0.date == payment.date
            }
            let candidates = byReference.isEmpty ? byCard : byReference
            if candidates.count == 1 {
                entriesUsed.insert(candidates[0].id)
                batchOfEntry[candidates[0].id] = payment.batch
                matches.append(
                    ReconciliationMatch(
                        kind: .paymentToEntry,
                        rule: .id,
                        left: ["P\(payment.id)"],
                        right: [candidates[0].id],
                        suggestion: false,
                        detail: byReference.isEmpty
                            ? "auth \(payment.authCode), card …\(payment.last4), \(payment.amount)"
                            : "payment reference, \(payment.amount)"
                    )
                )
            } else if candidates.count > 1 {
                findings.append(
                    ReconciliationFinding(
                        kind: .ambiguous,
                        items: ["P\(payment.id)"] + candidates.map(\.id),
                        amount: payment.amount,
                        detail: "several processor entries fit payment \(payment.id)"
                    )
                )
            }
        }
    }

    mutating func checkPayoutsAndBatchesAddUp(
        _ payouts: [PayoutItem],
        _ batches: [TerminalBatchItem],
        _ entries: [ProcessorEntryItem]
    ) {
        // Stage 2: entries → payouts; the entries must add up to the payout to the cent. Batch ↔ processor gross.
        let byPayout = Dictionary(grouping: entries, by: \.payout)
        for payout in payouts.sorted(by: { $0.id < $1.id }) {
            let net = (byPayout[payout.id] ?? []).map(\.net).sum()
            if !(byPayout[payout.id] ?? []).isEmpty && net != payout.net {
                findings.append(
                    ReconciliationFinding(
                        kind: .payoutDoesNotAddUp,
                        items: [payout.id],
                        amount: payout.net - net,
                        detail: "payout \(payout.id) is \(payout.net) but its entries add up to \(net)"
                    )
                )
            }
        }
        for batch in batches.sorted(by: { $0.id < $1.id }) {
            let claimed = entries.filter {
                ($0.batch == batch.id || batchOfEntry[$0.id] == batch.id) && ($0.kind == .charge || $0.kind == .refund)
            }
            guard !claimed.isEmpty else { continue }
            let gross = claimed.map(\.gross).sum()
            if gross != batch.gross {
                findings.append(
                    ReconciliationFinding(
                        kind: .batchDiffersFromProcessor,
                        items: [batch.id],
                        amount: gross - batch.gross,
                        detail: "batch \(batch.id) took \(batch.gross); the processor settled \(gross) gross for it"
                    )
                )
            }
        }
    }

    /// The payouts no bank credit was found for.
    mutating func matchPayoutsToBank(_ payouts: [PayoutItem]) -> [PayoutItem] {
        // Stage 3: payouts ↔ bank credits: a) id in the text, b) exact net in the window, c) subset sums (suggestion).
        var payoutsLeft: [PayoutItem] = []
        for payout in payouts.sorted(by: { ($0.expected, $0.net, $0.id) < ($1.expected, $1.net, $1.id) }) {
            let tokens = ([payout.id] + payout.references).map(Reconciler.normalised)
            if let line = bank.first(where: {
                !bankUsed.contains($0.id) && $0.amount == payout.net
                    && Reconciler.containsToken(of: tokens, in: $0.text)
            }) {
                bankUsed.insert(line.id)
                matches.append(
                    ReconciliationMatch(
                        kind: .payoutToBank,
                        rule: .id,
                        left: [payout.id],
                        right: [line.id],
                        suggestion: false,
                        detail: "\(payout.net) = bank \(line.amount), reference in '\(line.text)'"
                    )
                )
            } else {
                payoutsLeft.append(payout)
            }
        }
        var stillLeft: [PayoutItem] = []
        var settledInWindow: Set<String> = []
        for payout in payoutsLeft {
            let matched = Reconciler.matchInWindow(
                kind: .payoutToBank,
                item: payout.id,
                amount: payout.net,
                bank: bank,
                used: &bankUsed,
                matches: &matches,
                findings: &findings,
                fits: { Reconciler.inWindow($0.date, from: payout.expected) },
                rivals: { line in
                    payoutsLeft.filter {
                        $0.id != payout.id && !settledInWindow.contains($0.id) && $0.net == payout.net
                            && Reconciler.inWindow(line.date, from: $0.expected)
                    }.map(\.id)
                },
                detail: {
                    "net \(payout.net) credited \($0.date), within \(Reconciler.settlementWindow) business days of \(payout.expected)"
                }
            )
            if matched { settledInWindow.insert(payout.id) } else { stillLeft.append(payout) }
        }
        // Subset sums: one bank credit paying several payouts (a Monday covering the weekend).
        let ambiguousPayouts = Set(findings.filter { $0.kind == .ambiguous }.flatMap(\.items))
        var subsetPayouts = stillLeft.filter { !ambiguousPayouts.contains($0.id) }
        for line in bank where !bankUsed.contains(line.id) && line.amount.isPositive {
            let candidates = subsetPayouts.filter { Reconciler.inWindow(line.date, from: $0.expected) }
                .sorted { abs(Reconciler.days($0.expected, line.date)) < abs(Reconciler.days($1.expected, line.date)) }
                .prefix(20)
            let solutions = Reconciler.subsets(
                of: Array(candidates),
                summingTo: line.amount,
                value: \.net,
                maximumSize: 6
            )
            if solutions.count == 1, solutions[0].count > 1 {
                bankUsed.insert(line.id)
                let ids = solutions[0].map(\.id)
                subsetPayouts.removeAll { ids.contains($0.id) }
                stillLeft.removeAll { ids.contains($0.id) }
                matches.append(
                    ReconciliationMatch(
                        kind: .payoutToBank,
                        rule: .subset,
                        left: ids,
                        right: [line.id],
                        suggestion: true,
                        detail: "\(ids.count) payouts add up to bank \(line.amount); confirm"
                    )
                )
            } else if solutions.count > 1 {
                findings.append(
                    ReconciliationFinding(
                        kind: .ambiguous,
                        items: [line.id] + solutions.flatMap { $0.map(\.id) },
                        amount: line.amount,
                        detail: "more than one set of payouts adds up to bank \(line.amount)"
                    )
                )
            }
        }
        return stillLeft
    }

    /// The batches with neither processor data nor a bank credit.
    mutating func matchUnsettledBatchesToBank(
        _ batches: [TerminalBatchItem],
        _ entries: [ProcessorEntryItem]
    ) -> [TerminalBatchItem] {
        // Stage 4: batches with no processor data: bank credits by subset sum on gross, fee shown as unconfirmed.
        let settledBatches = Set(entries.compactMap(\.batch)).union(batchOfEntry.values)
        var batchesLeft = batches.filter { !settledBatches.contains($0.id) }
        for line in bank where !bankUsed.contains(line.id) && line.amount.isPositive {
            let candidates = batchesLeft.filter {
                $0.gross >= line.amount && Reconciler.days($0.closedOn, line.date) >= 0
                    && Reconciler.days($0.closedOn, line.date) <= ($0.careCredit ? 10 : Reconciler.settlementWindow + 2)
            }
            let single = candidates.filter {
                Reconciler.containsToken(of: [Reconciler.normalised($0.id)], in: line.text)
            }
            if single.count == 1 {
                bankUsed.insert(line.id)
                batchesLeft.removeAll { $0.id == single[0].id }
                matches.append(
                    ReconciliationMatch(
                        kind: .batchToBank,
                        rule: .id,
                        left: [single[0].id],
                        right: [line.id],
                        suggestion: false,
                        detail: "batch id in '\(line.text)'"
                    )
                )
                findings.append(
                    ReconciliationFinding(
                        kind: .unconfirmedFee,
                        items: [single[0].id, line.id],
                        amount: single[0].gross - line.amount,
                        detail:
                            "gross \(single[0].gross) − bank \(line.amount): a fee until the processor file confirms it"
                    )
                )
            }
        }
        return batchesLeft
    }

    /// The slips not credited yet.
    mutating func matchSlipsToBank(_ slips: [DepositSlipItem]) -> [DepositSlipItem] {
        // Stage 5: deposit slips ↔ bank credits by slip id, else exact total on the slip date or two business days after.
        var slipsByWindow: [DepositSlipItem] = []
        for slip in slips.sorted(by: { ($0.date, $0.id) < ($1.date, $1.id) }) {
            guard
                let line = bank.first(where: {
                    !bankUsed.contains($0.id) && $0.amount == slip.total
                        && Reconciler.containsToken(of: [Reconciler.normalised(slip.id)], in: $0.text)
                })
            else {
                slipsByWindow.append(slip)
                continue
            }
            bankUsed.insert(line.id)
            matches.append(
                ReconciliationMatch(
                    kind: .slipToBank,
                    rule: .id,
                    left: [slip.id],
                    right: [line.id],
                    suggestion: false,
                    detail: "slip id in '\(line.text)'"
                )
            )
        }
        // A night-drop bag is credited the day it is made up or within two business days.
        func slipFits(_ slip: DepositSlipItem, _ line: BankLineItem) -> Bool {
            Reconciler.days(slip.date, line.date) >= 0 && Reconciler.businessDays(from: slip.date, to: line.date) <= 2
        }
        var slipsLeft: [DepositSlipItem] = []
        var slipsSettled: Set<String> = []
        for slip in slipsByWindow {
            let matched = Reconciler.matchInWindow(
                kind: .slipToBank,
                item: slip.id,
                amount: slip.total,
                bank: bank,
                used: &bankUsed,
                matches: &matches,
                findings: &findings,
                fits: { slipFits(slip, $0) },
                rivals: { line in
                    slipsByWindow.filter {
                        $0.id != slip.id && !slipsSettled.contains($0.id) && $0.total == slip.total
                            && slipFits($0, line)
                    }.map(\.id)
                },
                detail: { "total \(slip.total) credited \($0.date)" }
            )
            if matched { slipsSettled.insert(slip.id) } else { slipsLeft.append(slip) }
        }
        return slipsLeft
    }

    mutating func matchDebitsToEntries(_ entries: [ProcessorEntryItem]) {
        // Stage 6: bank debits ↔ processor chargebacks and fees billed on their own: same amount, and the entry's id or
        // its payout's in the bank text (FORMATS.md §6.2). An entry inside a payout already credited was netted there
        // and is never debited again. The rest must be explained.
        let creditedPayouts = Set(matches.filter { $0.kind == .payoutToBank }.flatMap(\.left))
        for line in bank where !bankUsed.contains(line.id) && line.amount.isNegative {
            let candidates = entries.filter {
                ($0.kind == .chargeback || $0.kind == .fee) && $0.net == line.amount && !entriesUsed.contains($0.id)
                    && !creditedPayouts.contains($0.payout)
                    && Reconciler.containsToken(
                        of: [
                            Reconciler.normalised(String($0.id.split(separator: ":").last ?? "")),
                            Reconciler.normalised($0.payout),
                        ],
                        in: line.text
                    )
            }
            if candidates.count == 1 {
                bankUsed.insert(line.id)
                entriesUsed.insert(candidates[0].id)
                matches.append(
                    ReconciliationMatch(
                        kind: .debitToEntry,
                        rule: .amountWindow,
                        left: [candidates[0].id],
                        right: [line.id],
                        suggestion: false,
                        detail: "\(candidates[0].kind.rawValue) \(line.amount)"
                    )
                )
            } else {
                findings.append(
                    Reconciler.leftover(
                        .processorDebitToExplain,
                        MatchItem(.bank, line.id),
                        amount: line.amount,
                        since: line.date,
                        detail: "'\(line.text)'"
                    )
                )
            }
        }
    }

    mutating func carryForward(
        payouts stillLeft: [PayoutItem],
        batches batchesLeft: [TerminalBatchItem],
        slips slipsLeft: [DepositSlipItem]
    ) {
        // Stage 7: whatever is left is carried forward, shown, never absorbed.
        for payout in stillLeft {
            findings.append(
                Reconciler.leftover(
                    .unmatched,
                    MatchItem(.payout, payout.id),
                    amount: payout.net,
                    since: payout.expected,
                    detail: "payout expected \(payout.expected)"
                )
            )
        }
        for batch in batchesLeft where !matches.contains(where: { $0.left.contains(batch.id) }) {
            findings.append(
                Reconciler.leftover(
                    .unmatched,
                    MatchItem(.batch, batch.id),
                    amount: batch.gross,
                    since: batch.closedOn,
                    detail: "batch closed \(batch.closedOn), not settled yet"
                )
            )
        }
        for slip in slipsLeft {
            findings.append(
                Reconciler.leftover(
                    .unmatched,
                    MatchItem(.slip, slip.id),
                    amount: slip.total,
                    since: slip.date,
                    detail: "deposit of \(slip.date) not credited yet"
                )
            )
        }
        for line in bank where !bankUsed.contains(line.id) && line.amount.isPositive {
            findings.append(
                Reconciler.leftover(
                    .unmatched,
                    MatchItem(.bank, line.id),
                    amount: line.amount,
                    since: line.date,
                    detail: "bank credit '\(line.text)' with nothing to match"
                )
            )
        }
    }
}

extension Reconciler {

    // MARK: - Helpers

    /// An item nothing settles: listed with the day it waits from, to be matched or written off by hand.
    static func leftover(
        _ kind: ReconciliationFinding.Kind,
        _ item: MatchItem,
        amount: Money,
        since: BusinessDate,
        detail: String
    ) -> ReconciliationFinding {
        ReconciliationFinding(kind: kind, items: [item.id], amount: amount, detail: detail, item: item, since: since)
    }

    /// Stages 3b and 5: the one unused bank credit of exactly `amount` that `fits` the item's window is its match, if no
    /// rival item of the same amount fits that credit too; otherwise none is taken and the ambiguity is reported.
    static func matchInWindow(
        kind: ReconciliationMatch.Kind,
        item: String,
        amount: Money,
        bank: [BankLineItem],
        used: inout Set<String>,
        matches: inout [ReconciliationMatch],
        findings: inout [ReconciliationFinding],
        fits: (BankLineItem) -> Bool,
        rivals: (BankLineItem) -> [String],
        detail: (BankLineItem) -> String
    ) -> Bool {
        let window = bank.filter { !used.contains($0.id) && $0.amount == amount && fits($0) }
        // Unique from both sides: one credit for the item, and no other open item of the amount that fits the credit.
        let others = window.count == 1 ? rivals(window[0]) : []
        guard window.count == 1, others.isEmpty else {
            let items = [item] + others + window.map(\.id)
            if window.count > 0, !findings.contains(where: { $0.kind == .ambiguous && Set($0.items) == Set(items) }) {
                findings.append(
                    ReconciliationFinding(
                        kind: .ambiguous,
                        items: items,
                        amount: amount,
                        detail: others.isEmpty
                            ? "\(window.count) bank credits of \(amount) fit \(item)"
                            : "bank credit \(window[0].id) of \(amount) fits \(([item] + others).joined(separator: " and ")) alike"
                    )
                )
            }
            return false
        }
        used.insert(window[0].id)
        matches.append(
            ReconciliationMatch(
                kind: kind,
                rule: .amountWindow,
                left: [item],
                right: [window[0].id],
                suggestion: false,
                detail: detail(window[0])
            )
        )
        return true
    }

    static func normalised(_ text: String) -> String {
        text.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    /// Whole-token match: the id appears in the text as a token of its own (case and spacing ignored).
    static func containsToken(of tokens: [String], in text: String) -> Bool {
        let words = text.split { $0.isWhitespace || ",;:/()#".contains($0) }.map { normalised(String($0)) }
        return tokens.contains { token in token.count >= 4 && words.contains(token) }
    }

    static func inWindow(_ date: BusinessDate, from expected: BusinessDate) -> Bool {
        days(expected, date) >= 0 && businessDays(from: expected, to: date) <= settlementWindow
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    static func day(_ date: BusinessDate) -> Date {
        let parts = date.parts
        return utc.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day))
            ?? Date(timeIntervalSince1970: 0)
    }

    /// Calendar days from `a` to `b` (negative when `b` is earlier).
    static func days(_ a: BusinessDate, _ b: BusinessDate) -> Int { a.days(until: b) }

    /// Weekdays after `from` up to and including `to` (bank holidays are not known here).
    static func businessDays(from: BusinessDate, to: BusinessDate) -> Int {
        var count = 0
        var current = day(from)
        let end = day(to)
        while current < end {
            current = current.addingTimeInterval(86_400)
            let weekday = utc.component(.weekday, from: current)
            if weekday != 1 && weekday != 7 { count += 1 }
        }
        return count
    }

    /// Subsets (2 to `maximumSize` items, in input order) whose values sum to `target`; stops after two solutions.
    static func subsets<T>(of items: [T], summingTo target: Money, value: KeyPath<T, Money>, maximumSize: Int) -> [[T]]
    {
        var solutions: [[T]] = []
        var chosen: [T] = []
        func search(_ start: Int, _ remaining: Int64) {
            guard solutions.count < 2 else { return }
            if remaining == 0 && chosen.count >= 2 {
                solutions.append(chosen)
                return
            }
            guard chosen.count < maximumSize else { return }
            for index in start..<items.count {
                let amount = items[index][keyPath: value].minorUnits
                guard amount > 0, amount <= remaining else { continue }
                chosen.append(items[index])
                search(index + 1, remaining - amount)
                chosen.removeLast()
                if solutions.count >= 2 { return }
            }
        }
        search(0, target.minorUnits)
        return solutions
    }
}
