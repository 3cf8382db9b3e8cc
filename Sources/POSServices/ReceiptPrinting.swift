import Foundation
import POSCore
import POSReceipts
import POSStorage

/// Printing through the persistent print queue, shared by the CLI's printing commands and the server's routes: which
/// printer, the receipt of an invoice, queuing it and one delivery pass. Printing never fails a sale: a printer that
/// is down leaves the job queued, with the reason among the warnings.
public enum ReceiptPrinting {
    /// A queued document after one delivery pass.
    public struct Outcome: Sendable {
        /// The job as stored after the pass.
        public var job: PrintJob
        /// The pass's report; nil when the queue could not be delivered at all.
        public var report: PrintSpooler.Report?
        /// Why the job, or others before it, wait or failed, in words for the desk.
        public var warnings: [String]
    }

    /// The CUPS queue to print on: the one given, else the terminal's configured printer.
    public static func printerQueue(
        given: String?,
        terminal: String,
        policy: ClinicPolicy,
        field: String
    ) throws -> String {
        if let given { return given }
        guard let queue = policy.terminals[terminal]?.printerQueue else {
            throw POSError.invalid(
                field: field,
                reason: "terminal \(terminal) has no printer: give a queue or set one in the terminal's devices "
                    + "(`vetpos settings devices`)"
            )
        }
        return queue
    }

    /// The receipt of a sale (or its copy, marked COPY) as a print request for `queue`. An open invoice has no
    /// receipt yet.
    public static func saleReceipt(
        invoice number: Int64,
        copy: Bool,
        queue: String,
        store: Store,
        by clerk: Operator
    ) async throws -> PrintRequest {
        let view = try await store.invoice(number)
        let receipt = try render(view, copy: copy, policy: try await store.policy())
        return PrintRequest(
            terminal: clerk.terminal,
            queue: queue,
            kind: copy ? .reprint : .sale,
            document: copy ? "invoice \(number) (copy)" : "invoice \(number)",
            invoice: number,
            bytes: receipt.escpos
        )
    }

    /// The sale receipt of a posted invoice with the clinic's receipt settings (their paper width unless `columns`).
    public static func render(
        _ view: InvoiceView,
        copy: Bool,
        policy: ClinicPolicy,
        columns: Int? = nil
    ) throws -> Receipt {
        guard view.status != .open else {
            throw POSError.conflict("invoice \(view.number) is still open: it has no receipt yet")
        }
        var policy = policy
        if let columns { policy.receipt.columns = columns }
        return try ReceiptRenderer(policy: policy).sale(view, copy: copy)
    }

    /// Checks the queue exists (a queue the print server does not have is bad input, refused before anything is
    /// stored; an unreachable server is not), queues the document once per command id, then delivers the queue.
    public static func queueAndDeliver(
        _ request: PrintRequest,
        store: Store,
        printer: any ReceiptPrinter,
        commandID: String,
        by clerk: Operator,
        waitingUpTo milliseconds: Int
    ) async throws -> Outcome {
        var warnings: [String] = []
        do throws(DeviceFailure) {
            _ = try await printer.status(queue: request.queue)
        } catch  where error.kind == .noSuchQueue {
            throw POSError.invalid(field: "queue", reason: error.message)
        } catch {
            warnings.append("\(error.message); the job is queued")
        }
        let queued = try await store.enqueuePrint(request, commandID: commandID, by: clerk)
        let delivery = await deliver(store: store, printer: printer, queue: queued.queue, waitingUpTo: milliseconds)
        warnings += delivery.warnings
        let job = try await store.printJob(queued.id) ?? queued
        return Outcome(job: job, report: delivery.report, warnings: warnings)
    }

    /// One delivery pass over the unfinished jobs of `queue` (every queue when nil), following them for up to
    /// `milliseconds`. Never throws: what waits or failed is in the warnings.
    public static func deliver(
        store: Store,
        printer: any ReceiptPrinter,
        queue: String?,
        waitingUpTo milliseconds: Int
    ) async -> (report: PrintSpooler.Report?, warnings: [String]) {
        do {
            let report = try await PrintSpooler(jobs: store, printer: printer)
                .deliver(queue: queue, waitingUpTo: milliseconds)
            return (report, report.problems)
        } catch {
            return (nil, ["the print queue could not be delivered: \(error)"])
        }
    }
}

/// A print job as shown to people: everything but its bytes.
public struct PrintJobSummary: Hashable, Sendable, Encodable {
    public var id: Int64
    public var terminal: String
    public var queue: String
    public var kind: PrintJob.Kind
    public var document: String
    public var invoice: Int64?
    public var state: PrintJob.State
    public var attempts: Int
    public var printerJob: Int32?
    public var lastError: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(_ job: PrintJob) {
        id = job.id
        terminal = job.terminal
        queue = job.queue
        kind = job.kind
        document = job.document
        invoice = job.invoice
        state = job.state
        attempts = job.attempts
        printerJob = job.printerJob
        lastError = job.lastError
        createdAt = job.createdAt
        updatedAt = job.updatedAt
    }
}
