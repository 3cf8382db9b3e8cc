import POSCore

/// The card side of a business day (`vetpos report batches`): the system's card totals by brand, the batches closed
/// that day with their totals, and the card payments still outside a closed batch at the day's end.
///
/// Matching (settlement gross, fees and net, the bank credit and a status per batch) adds its columns per batch,
/// keyed by ``CardBatch/id``; the CSV keeps one row per batch and brand so columns can be appended.
public struct CardBatchReport: Hashable, Sendable, Codable {
    /// Card payments of one card terminal not in a batch closed by the day's end.
    public struct Open: Hashable, Sendable, Codable {
        public var terminal: String
        public var brands: [CardBatch.Total]
        public var count: Int
        public var net: Money
        /// The business day of its oldest payment.
        public var since: BusinessDate
        public var payments: [CardBatch.Payment]

        init(terminal: String, payments: [CardBatch.Payment]) {
            self.terminal = terminal
            self.payments = payments
            brands = CardBatch.Total.of(payments)
            count = payments.count
            net = payments.map(\.amount).sum()
            // safe: a terminal is listed only for its open payments, so there is at least one
            since = payments.map(\.businessDate).min()!
        }
    }

    /// How the day's card payments and the day's batches tie together.
    public struct Reconciliation: Hashable, Sendable, Codable {
        /// Σ card payments of the day.
        public var system: Money
        /// … of which in the day's batches, and still open at the day's end.
        public var systemInBatches: Money
        public var systemOpen: Money
        /// Σ of the day's batches = the day's payments in them + earlier days' payments they also closed.
        public var batches: Money
        public var earlierInBatches: Money
        /// Payments of earlier days still open at the day's end.
        public var earlierOpen: Money
    }

    public var date: BusinessDate
    public var clinic: String
    /// Card payments of the day, by tender and brand.
    public let system: [CardBatch.Total]
    public let systemCount: Int
    public let systemNet: Money
    public var batches: [CardBatch]
    public let open: [Open]
    public let reconciliation: Reconciliation
    /// Filled in when settlement and bank files have been matched: the batch-matching columns.
    public var settlement: Settlement?

    /// - Parameters:
    ///   - payments: every card payment of the day, each with the batch it is in by the day's end (nil: none).
    ///   - batches: the batches closed on the day.
    ///   - open: card payments of the day or earlier in no batch closed by the day's end.
    public init(
        date: BusinessDate,
        clinic: String,
        payments: [(payment: CardBatch.Payment, batch: String?)],
        batches: [CardBatch],
        open: [CardBatch.Payment]
    ) {
        self.date = date
        self.clinic = clinic
        self.batches = batches
        system = CardBatch.Total.of(payments.map(\.payment))
        systemCount = payments.count
        systemNet = payments.map(\.payment.amount).sum()
        let terminals = Set(open.map(\.terminal)).sorted()
        self.open = terminals.map { terminal in
            Open(terminal: terminal, payments: open.filter { $0.terminal == terminal })
        }
        let inBatches = payments.filter { $0.batch != nil }.map(\.payment.amount).sum()
        let batchesNet = batches.map(\.net).sum()
        reconciliation = Reconciliation(
            system: systemNet,
            systemInBatches: inBatches,
            systemOpen: systemNet - inBatches,
            batches: batchesNet,
            earlierInBatches: batches.flatMap(\.payments).filter { $0.businessDate < date }.map(\.amount).sum(),
            earlierOpen: open.filter { $0.businessDate < date }.map(\.amount).sum()
        )
    }

    /// The report as the receipt printer prints it: 42 columns.
    public func text(calendar: BusinessCalendar) -> String {
        var out: [String] = []
        out.append(SlipText.center(SlipText.clean(clinic)))
        out.append(SlipText.center("CARD BATCHES \(date)"))
        out.append(SlipText.rule("="))
        out.append("CARD PAYMENTS OF THE DAY")
        for total in system { out.append(contentsOf: total.rows) }
        if system.isEmpty { out.append("  (none)") }
        out.append(SlipText.row("Total (\(systemCount))", systemNet.formatted))
        for batch in batches {
            out.append(SlipText.rule())
            out.append(contentsOf: batch.lines(calendar: calendar, reportDate: date))
        }
        if !open.isEmpty {
            out.append(SlipText.rule())
            out.append("OPEN (NO BATCH CLOSED YET)")
            for terminal in open {
                out.append(SlipText.row("\(terminal.terminal) (\(terminal.count))", terminal.net.formatted))
                if terminal.since < date { out.append(SlipText.fit("  since \(terminal.since)")) }
            }
        }
        out.append(SlipText.rule("="))
        out.append(SlipText.row("Day's payments", reconciliation.system.formatted))
        out.append(SlipText.row("  in the day's batches", reconciliation.systemInBatches.formatted))
        out.append(SlipText.row("  still open", reconciliation.systemOpen.formatted))
        out.append(SlipText.row("Day's batches", reconciliation.batches.formatted))
        out.append(SlipText.row("  of earlier days' payments", reconciliation.earlierInBatches.formatted))
        if let settlement {
            out.append(SlipText.rule("="))
            out += settlement.lines()
        }
        return out.joined(separator: "\n") + "\n"
    }

    public static let csvHeader = [
        "section", "date", "batch", "terminal", "reference", "closed_on", "tender", "brand", "count", "sales",
        "refunds", "net", "settled_gross", "fees", "settled_net", "payouts", "bank_credits", "status", "explanation",
    ]

    /// Rows by section: `system` (the day's card payments by tender and brand), `batch` (each batch closed that day,
    /// by tender and brand), `open` (payments outside a closed batch at the day's end, by terminal, tender and brand),
    /// and, once files are matched, `settlement` (each batch's settlement stream, in the last seven columns).
    public func csv() -> String {
        func row(
            _ section: String,
            batch: String,
            terminal: String,
            reference: String,
            closedOn: String,
            _ total: CardBatch.Total
        )
            -> [String]
        {
            [
                section, date.text, batch, terminal, ReportCSV.text(reference), closedOn, total.tender.rawValue,
                total.brand.rawValue, String(total.count), ReportCSV.amount(total.sales),
                ReportCSV.amount(total.refunds), ReportCSV.amount(total.net), "", "", "", "", "", "", "",
            ]
        }
        var rows: [[String]] = []
        for total in system {
            rows.append(row("system", batch: "", terminal: "", reference: "", closedOn: "", total))
        }
        for batch in batches {
            for total in batch.brands {
                rows.append(
                    row(
                        "batch",
                        batch: batch.id,
                        terminal: batch.terminal,
                        reference: batch.reference ?? "",
                        closedOn: batch.businessDate.text,
                        total
                    )
                )
            }
        }
        for terminal in open {
            for total in terminal.brands {
                rows.append(row("open", batch: "", terminal: terminal.terminal, reference: "", closedOn: "", total))
            }
        }
        rows += settlement?.csvRows(date: date) ?? []
        return ReportCSV.document(header: Self.csvHeader, rows: rows)
    }
}
