import Foundation
import GRDB
import POSCore
import Synchronization

/// What `journal verify` found: the chain, the heads recorded outside the database, the money rows re-derived from
/// the journal's entries and the triggers that protect posted rows. Any finding means the database does not verify.
public struct JournalAudit: Codable, Sendable, Equatable {
    public var entries: Int64
    public var lastSequence: Int64
    /// The hash of the last entry (the genesis hash when there is none).
    public var head: String
    /// Anchored heads checked against the chain.
    public var anchorsChecked: Int
    /// One line per problem; empty when everything verifies.
    public var findings: [String]
    /// Things that do not fail verification but limit it (no anchor file yet).
    public var warnings: [String]

    public var verified: Bool { findings.isEmpty }
}

extension Store {
    /// The full verification: the chain from the first entry, every head in the anchor file (and in `backupRecord`'s
    /// verification record, when given) against it, every money row against its journal entry, and the triggers.
    public func auditJournal(backupRecord: String? = nil) async throws -> JournalAudit {
        // The anchors are read before the snapshot: every head in the file was committed before the read began.
        var anchors: [JournalAnchor]?
        var problems: [String] = []
        if path != ":memory:", let file = JournalAnchors.read(JournalAnchors.path(forDatabase: path)) {
            anchors = file.anchors
            problems = file.problems
        }
        var extra: [JournalAnchor] = []
        // A backup has no anchor file: its verification record is its anchor.
        let ownRecord = anchors == nil && FileManager.default.fileExists(atPath: path + BackupRecord.suffix)
        if let recordPath = backupRecord.map({ $0.hasSuffix(BackupRecord.suffix) ? $0 : $0 + BackupRecord.suffix })
            ?? (ownRecord ? path + BackupRecord.suffix : nil)
        {
            guard let data = FileManager.default.contents(atPath: recordPath),
                let record = try? JSONDecoder().decode(BackupRecord.self, from: data)
            else {
                throw POSError.invalid(
                    field: "--backup",
                    reason: "\(recordPath) is not a backup's verification record"
                )
            }
            if record.lastJournalSequence > 0 {
                extra.append(
                    JournalAnchor(
                        sequence: record.lastJournalSequence,
                        hash: record.lastJournalHash,
                        atMillis: record.takenAtMillis,
                        source: "backup \(record.file)"
                    )
                )
            }
        }
        let anchorPath = JournalAnchors.path(forDatabase: path)
        let fileAnchors = anchors
        let all = (anchors ?? []) + extra
        let audit = try await read { db in
            try JournalAuditor.audit(db, anchors: all, anchorsPath: anchorPath)
        }
        var result = audit
        result.findings.insert(contentsOf: problems, at: 0)
        if fileAnchors == nil, extra.isEmpty, result.entries > 0 {
            result.warnings.append(
                "no anchor file \(anchorPath): entries removed from the end of the journal cannot be detected up to "
                    + "here (an older database or a restored copy); the next command starts it"
            )
        }
        return result
    }
}

/// The checks of ``JournalAudit`` that read only the database (the backup check of a copy uses them too).
enum JournalAuditor {
    /// The chain, the given anchors, the money rows and the triggers of an open database.
    static func audit(_ db: Database, anchors: [JournalAnchor], anchorsPath: String) throws -> JournalAudit {
        guard try db.tableExists("journal") else {
            return JournalAudit(
                entries: 0,
                lastSequence: 0,
                head: JournalChain.genesis,
                anchorsChecked: 0,
                findings: [],
                warnings: []
            )
        }
        var findings: [String] = []
        var verifier = JournalVerifier()
        let wanted = Set(anchors.map(\.sequence))
        var hashes: [Int64: String] = [:]
        var lastSequence: Int64 = 0
        var money = MoneyFacts()
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM journal ORDER BY sequence")
        while let row = try cursor.next() {
            let entry = Store.journalEntry(row)
            verifier.check(entry)
            lastSequence = entry.sequence
            if wanted.contains(entry.sequence) { hashes[entry.sequence] = entry.hash }
            money.record(entry, findings: &findings)
        }
        if let problem = verifier.problem { findings.insert("journal chain: \(problem)", at: 0) }
        // The anchors: the newest must be in the chain, and every one with the hash it had.
        if let newest = anchors.max(by: { $0.sequence < $1.sequence }), newest.sequence > lastSequence {
            findings.append(
                "the journal ends at entry \(lastSequence) but entry \(newest.sequence) was recorded on "
                    + "\(JournalAnchors.date(newest.atMillis)) (\(newest.source)): entries were removed"
            )
        }
        var reported: Set<Int64> = []
        for anchor in anchors where anchor.sequence <= lastSequence && !reported.contains(anchor.sequence) {
            if anchor.sequence < 1 {
                findings.append("\(anchor.source) names entry \(anchor.sequence), which no journal has")
            } else if hashes[anchor.sequence] != anchor.hash {
                reported.insert(anchor.sequence)
                findings.append(
                    "entry \(anchor.sequence)'s hash differs from the one recorded on "
                        + "\(JournalAnchors.date(anchor.atMillis)) (\(anchor.source)): the journal was rewritten"
                )
            }
        }
        try money.compare(db, findings: &findings)
        findings += try triggerFindings(db)
        return JournalAudit(
            entries: verifier.count,
            lastSequence: lastSequence,
            head: verifier.lastHash,
            anchorsChecked: anchors.count,
            findings: findings,
            warnings: []
        )
    }

    // MARK: - Triggers

    /// For every known migration: the triggers of a database migrated up to it (name → SQL), and the names of those
    /// it created itself. From a scratch in-memory database, once.
    static func triggersByMigration() throws -> [String: (all: [String: String], own: Set<String>)] {
        if let known = triggerCache.withLock({ $0 }) { return known }
        let queue = try DatabaseQueue()
        var result: [String: (all: [String: String], own: Set<String>)] = [:]
        var previous: [String: String] = [:]
        for migration in Schema.migrator.migrations {
            try Schema.migrator.migrate(queue, upTo: migration)
            let all = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
                    .reduce(into: [String: String]()) { $0[$1["name"]] = $1["sql"] }
            }
            result[migration] = (all, Set(all.filter { previous[$0.key] != $0.value }.keys))
            previous = all
        }
        triggerCache.withLock { $0 = result }
        return result
    }

    private static let triggerCache = Mutex<[String: (all: [String: String], own: Set<String>)]?>(nil)

    /// The triggers the applied migrations created (a database that skipped one lacks its triggers legitimately, and
    /// gains them when it is next opened) must all be there, each with the schema's SQL.
    static func triggerFindings(_ db: Database) throws -> [String] {
        guard try db.tableExists("grdb_migrations"),
            let last = try Schema.migrator.appliedMigrations(db).last
        else { return [] }
        let known = try triggersByMigration()
        let applied = try Schema.migrator.appliedMigrations(db)
        let own = applied.reduce(into: Set<String>()) { $0.formUnion(known[$1]?.own ?? []) }
        let expected = (known[last]?.all ?? [:]).filter { own.contains($0.key) }
        let present = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            .reduce(into: [String: String]()) { $0[$1["name"]] = $1["sql"] }
        var findings: [String] = []
        for (name, sql) in expected.sorted(by: { $0.key < $1.key }) {
            if let actual = present[name] {
                if actual != sql { findings.append("trigger \(name) was changed: it no longer is the schema's") }
            } else {
                findings.append("trigger \(name) is missing: the rows it protects can be changed")
            }
        }
        return findings
    }
}

/// The money facts the journal's entries state, and their comparison with the tables.
struct MoneyFacts {
    /// What one entry says a row holds: the entry's sequence and the row's columns as text.
    struct Expected {
        var entry: Int64
        var columns: [(name: String, value: String)]
    }

    /// table → row id → what the journal says.
    var expected: [String: [String: Expected]] = [:]
    /// The last `invoice.posted` entry (its invoice and time): older checkout payments name no invoice.
    private var lastPosted: (invoice: Int64, atMillis: Int64)?

    private struct PaymentPayload: Decodable {
        var number: Int64
        var kind: String
        var tender: String
        var amount: Money
        var change: Money
        var invoice: Int64?
    }

    private struct PostedPayload: Decodable {
        var subtotal: Money
        var discountTotal: Money
        var taxTotal: Money
        var total: Money
    }

    private struct DrawerPayload: Decodable {
        var sequence: Int
        var kind: String
        var amount: Money
    }

    private struct DepositPayload: Decodable {
        var id: String
        var cashTotal: Money
        var checkTotal: Money
        var total: Money
    }

    private struct BatchPayload: Decodable {
        var id: String
        var sales: Money
        var refunds: Money
        var net: Money
    }

    static let movementKinds: Set<String> = ["paidIn", "paidOut", "safeDrop", "noSale", "adjustment"]

    mutating func record(_ entry: JournalEntry, findings: inout [String]) {
        let data = Data(entry.payload.utf8)
        let decoder = JSONDecoder()
        func number(after prefix: String) -> Int64? {
            entry.subject.hasPrefix(prefix) ? Int64(entry.subject.dropFirst(prefix.count)) : nil
        }
        func unreadable() {
            findings.append("journal entry \(entry.sequence) (\(entry.kind)): its payload cannot be read")
        }
        func add(_ table: String, _ id: String, _ columns: [(String, String)]) {
            if let earlier = expected[table]?[id] {
                findings.append(
                    "\(table) \(id): journal entries \(earlier.entry) and \(entry.sequence) both record it"
                )
            }
            expected[table, default: [:]][id] = Expected(
                entry: entry.sequence,
                columns: columns.map { (name: $0.0, value: $0.1) }
            )
        }
        switch entry.kind {
        case "invoice.posted":
            guard let invoice = number(after: "invoice "),
                let payload = try? decoder.decode(PostedPayload.self, from: data)
            else { return unreadable() }
            lastPosted = (invoice, entry.atMillis)
            add(
                "invoice",
                String(invoice),
                [
                    ("subtotal", payload.subtotal.description), ("discountTotal", payload.discountTotal.description),
                    ("taxTotal", payload.taxTotal.description), ("total", payload.total.description),
                ]
            )
        case "payment.received", "payment.refunded", "payment.reversed":
            guard let payload = try? decoder.decode(PaymentPayload.self, from: data) else { return unreadable() }
            var columns = [
                ("kind", payload.kind), ("tender", payload.tender), ("amount", payload.amount.description),
                ("change", payload.change.description),
            ]
            // Entries written before the payload named its invoice: a checkout's payments follow its posting.
            let invoice =
                payload.invoice
                ?? (entry.kind == "payment.received" && lastPosted?.atMillis == entry.atMillis
                    ? lastPosted?.invoice : nil)
            if let invoice { columns.append(("invoiceNumber", String(invoice))) }
            add("payment", String(payload.number), columns)
        case "invoice.voided":
            guard let invoice = number(after: "invoice ") else { return unreadable() }
            add("invoiceVoid", String(invoice), [])
        case "drawer.paidIn", "drawer.paidOut", "drawer.safeDrop", "drawer.noSale", "drawer.adjustment":
            guard let session = number(after: "drawer session "),
                let payload = try? decoder.decode(DrawerPayload.self, from: data)
            else { return unreadable() }
            add(
                "drawerEvent",
                "session \(session) event \(payload.sequence)",
                [("kind", payload.kind), ("amount", payload.amount.description)]
            )
        case "deposit.prepared":
            guard let payload = try? decoder.decode(DepositPayload.self, from: data) else { return unreadable() }
            add(
                "deposit",
                payload.id,
                [
                    ("cashTotal", payload.cashTotal.description), ("checkTotal", payload.checkTotal.description),
                    ("total", payload.total.description),
                ]
            )
        case "cardBatch.closed":
            guard let payload = try? decoder.decode(BatchPayload.self, from: data) else { return unreadable() }
            add(
                "cardBatch",
                payload.id,
                [
                    ("sales", payload.sales.description), ("refunds", payload.refunds.description),
                    ("net", payload.net.description),
                ]
            )
        default:
            return
        }
    }

    /// The tables' rows, as id → column → text, for the columns the journal states.
    private static func rows(_ db: Database, table: String) throws -> [String: [String: String]]? {
        guard try db.tableExists(table) else { return nil }
        func money(_ row: Row, _ column: String) -> String {
            (row[column] as Int64?).map { Money(minorUnits: $0).description } ?? "nothing"
        }
        var out: [String: [String: String]] = [:]
        switch table {
        case "invoice":
            for row in try Row.fetchAll(db, sql: "SELECT * FROM invoice WHERE status <> 'open'") {
                let number: Int64 = row["number"]
                out[String(number)] = [
                    "subtotal": money(row, "subtotal"), "discountTotal": money(row, "discountTotal"),
                    "taxTotal": money(row, "taxTotal"), "total": money(row, "total"),
                ]
            }
        case "payment":
            for row in try Row.fetchAll(
                db,
                sql: "SELECT number, invoiceNumber, kind, tender, amount, change FROM payment"
            ) {
                let number: Int64 = row["number"]
                let invoice: Int64? = row["invoiceNumber"]
                out[String(number)] = [
                    "kind": row["kind"] ?? "", "tender": row["tender"] ?? "", "amount": money(row, "amount"),
                    "change": money(row, "change"), "invoiceNumber": invoice.map(String.init) ?? "none",
                ]
            }
        case "invoiceVoid":
            for row in try Row.fetchAll(db, sql: "SELECT invoiceNumber FROM invoiceVoid") {
                let number: Int64 = row["invoiceNumber"]
                out[String(number)] = [:]
            }
        case "drawerEvent":
            for row in try Row.fetchAll(db, sql: "SELECT session, sequence, kind, amount FROM drawerEvent") {
                let session: Int64 = row["session"]
                let sequence: Int64 = row["sequence"]
                out["session \(session) event \(sequence)"] = [
                    "kind": row["kind"] ?? "", "amount": money(row, "amount"),
                ]
            }
        case "deposit":
            for row in try Row.fetchAll(db, sql: "SELECT id, cashTotal, checkTotal, total FROM deposit") {
                out[row["id"] ?? ""] = [
                    "cashTotal": money(row, "cashTotal"), "checkTotal": money(row, "checkTotal"),
                    "total": money(row, "total"),
                ]
            }
        case "cardBatch":
            for row in try Row.fetchAll(db, sql: "SELECT id, sales, refunds, net FROM cardBatch") {
                out[row["id"] ?? ""] = [
                    "sales": money(row, "sales"), "refunds": money(row, "refunds"), "net": money(row, "net"),
                ]
            }
        default:
            return nil
        }
        return out
    }

    /// Drawer events that move no money (the counts, a handover) are journaled by their command, not as events.
    static func isCountEvent(_ columns: [String: String]) -> Bool {
        !movementKinds.contains(columns["kind"] ?? "") && columns["amount"] == Money.zero.description
    }

    func compare(_ db: Database, findings: inout [String]) throws {
        for table in ["invoice", "payment", "invoiceVoid", "drawerEvent", "deposit", "cardBatch"] {
            guard let rows = try Self.rows(db, table: table) else { continue }
            let stated = expected[table] ?? [:]
            for (id, columns) in rows.sorted(by: { Self.order($0.key, $1.key) }) {
                guard let journal = stated[id] else {
                    if table == "drawerEvent", Self.isCountEvent(columns) { continue }
                    let what =
                        columns["amount"].map { " (amount \($0))" } ?? columns["total"].map { " (total \($0))" } ?? ""
                    findings.append("\(table) \(id)\(what): no journal entry records it")
                    continue
                }
                for column in journal.columns where columns[column.name] != column.value {
                    findings.append(
                        "\(table) \(id), \(column.name): the table says \(columns[column.name] ?? "nothing"), "
                            + "journal entry \(journal.entry) says \(column.value)"
                    )
                }
            }
            for (id, journal) in stated.sorted(by: { Self.order($0.key, $1.key) }) where rows[id] == nil {
                findings.append("\(table) \(id): journal entry \(journal.entry) records it, the table has no such row")
            }
        }
    }

    /// Numeric ids in numeric order, others as text.
    static func order(_ a: String, _ b: String) -> Bool {
        if let x = Int64(a), let y = Int64(b) { return x < y }
        return a < b
    }
}
