import Foundation
import GRDB
import POSCore

/// A document to put on the persistent print queue.
public struct PrintRequest: Hashable, Sendable, Encodable {
    public var terminal: String
    public var queue: String
    public var kind: PrintJob.Kind
    /// What it is, in words: "invoice 12".
    public var document: String
    public var invoice: Int64?
    public var bytes: [UInt8]

    public init(terminal: String, queue: String, kind: PrintJob.Kind, document: String, invoice: Int64?, bytes: [UInt8])
    {
        self.terminal = terminal
        self.queue = queue
        self.kind = kind
        self.document = document
        self.invoice = invoice
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey { case terminal, queue, kind, document, invoice, digest }

    // The command digest covers the bytes through their hash: the request itself is never stored.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(queue, forKey: .queue)
        try container.encode(kind, forKey: .kind)
        try container.encode(document, forKey: .document)
        try container.encodeIfPresent(invoice, forKey: .invoice)
        try container.encode(SHA256.hexDigest(bytes), forKey: .digest)
    }
}

extension Store: PrintJobStore {
    /// Puts a document on the print queue, in its own transaction: a sale is committed before its receipt is queued,
    /// so printing can never hold up or roll back a sale. Once per command id.
    public func enqueuePrint(_ request: PrintRequest, commandID: String, by clerk: Operator) async throws -> PrintJob {
        switch request.kind {
        case .sale, .reprint, .test: try clerk.require(.ringSales)
        case .payment: try clerk.require(.takePayment)
        case .refund: try clerk.require(.refund)
        }
        try TerminalDevices(printerQueue: request.queue).validate(terminal: request.terminal)
        guard !request.bytes.isEmpty else { throw POSError.invalid(field: "document", reason: "nothing to print") }
        let at = now()
        let id = try await once(id: commandID, kind: "print.enqueue", request: request) { db in
            if let invoice = request.invoice,
                try Bool.fetchOne(cached: db, sql: "SELECT 1 FROM invoice WHERE number = ?", arguments: [invoice])
                    != true
            {
                throw POSError.notFound(what: "invoice", id: String(invoice))
            }
            try db.executeCached(
                sql: """
                    INSERT INTO printJob (terminal, queue, kind, document, invoiceNumber, bytes, state, attempts,
                        createdBy, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
                    """,
                arguments: [
                    request.terminal, request.queue, request.kind.rawValue, request.document, request.invoice,
                    Data(request.bytes), clerk.employee.id, at, at,
                ]
            )
            let id = db.lastInsertedRowID
            // A copy of a receipt is a second piece of paper showing the sale: the journal says who asked for it.
            if request.kind == .reprint {
                try self.journal(
                    db,
                    kind: "receipt.reprinted",
                    by: clerk,
                    subject: request.document,
                    at: at,
                    payload: ["printJob": id]
                )
            }
            return id
        }
        guard let job = try await printJob(id) else { throw POSError.notFound(what: "print job", id: String(id)) }
        return job
    }

    public func printJob(_ id: Int64) async throws -> PrintJob? {
        try await read { db in
            try Row.fetchOne(cached: db, sql: "SELECT * FROM printJob WHERE id = ?", arguments: [id]).map(Self.printJob)
        }
    }

    /// The most recent print jobs, newest first; with `unfinishedOnly`, those not yet printed or given up.
    public func printJobs(unfinishedOnly: Bool, limit: Int = 50) async throws -> [PrintJob] {
        try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: unfinishedOnly
                    ? "SELECT * FROM printJob WHERE state IN ('queued', 'sending', 'sent') ORDER BY id DESC LIMIT ?"
                    : "SELECT * FROM printJob ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            )
            .map(Self.printJob)
        }
    }

    public func unfinishedPrintJobs(queue: String?) async throws -> [PrintJob] {
        try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT * FROM printJob WHERE state IN ('queued', 'sending', 'sent') AND (? IS NULL OR queue = ?)
                    ORDER BY id
                    """,
                arguments: [queue, queue]
            )
            .map(Self.printJob)
        }
    }

    public func updatePrintJob(_ id: Int64, _ update: PrintJobUpdate) async throws {
        let at = now()
        try await transaction { db in
            try db.executeCached(
                sql:
                    "UPDATE printJob SET state = ?, attempts = ?, printerJob = ?, lastError = ?, updatedAt = ? WHERE id = ?",
                arguments: [update.state.rawValue, update.attempts, update.printerJob, update.lastError, at, id]
            )
            guard db.changesCount == 1 else { throw POSError.notFound(what: "print job", id: String(id)) }
        }
    }

    /// The invoice still open at a terminal (the newest, if several), where scanned items go.
    public func openInvoice(atTerminal terminal: String) async throws -> InvoiceView? {
        try await read { db in
            guard
                let number = try Int64.fetchOne(
                    cached: db,
                    sql:
                        "SELECT number FROM invoice WHERE status = 'open' AND terminal = ? "
                        + "AND number NOT IN (SELECT invoiceNumber FROM invoiceCancel) ORDER BY number DESC LIMIT 1",
                    arguments: [terminal]
                )
            else { return nil }
            return try Self.invoiceView(number, db)
        }
    }

    static func printJob(_ row: Row) -> PrintJob {
        let bytes: Data = row["bytes"]
        return PrintJob(
            id: row["id"],
            terminal: row["terminal"],
            queue: row["queue"],
            kind: PrintJob.Kind(rawValue: row["kind"]) ?? .sale,
            document: row["document"],
            invoice: row["invoiceNumber"],
            bytes: [UInt8](bytes),
            state: PrintJob.State(rawValue: row["state"]) ?? .failed,
            attempts: row["attempts"],
            printerJob: row["printerJob"],
            lastError: row["lastError"],
            createdAt: row["createdAt"],
            updatedAt: row["updatedAt"]
        )
    }
}
