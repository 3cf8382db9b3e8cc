import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSReceipts
import POSServices
import POSStorage

/// Receipts: printed on the caller's terminal's printer through the persistent print queue (a printer that is down
/// leaves the job queued: 202, never an error for the sale), copies marked COPY, the queue itself, the devices the
/// appliance sees, and a receipt rendered for the screen.
extension APIServer {
    /// How long a print call follows its job before answering with the job still printing.
    static let printWaitMilliseconds = 3000

    static let printRoutes: [Route] = [
        Route(
            .post,
            "/api/invoices/{number}/print",
            .signedIn(anyOf: [.ringSales]),
            "Queue and print a sale's receipt on this terminal's printer (202 while it waits or prints)"
        ) { call in
            try await printReceipt(call, copy: false)
        },
        Route(
            .post,
            "/api/invoices/{number}/reprint",
            .signedIn(anyOf: [.ringSales]),
            "Print a copy of a sale's receipt, marked COPY (journaled)"
        ) { call in
            try await printReceipt(call, copy: true)
        },
        Route(
            .get,
            "/api/invoices/{number}/receipt",
            .signedIn(anyOf: []),
            "A sale's receipt rendered as text or HTML (?format=text|html&columns=32|42|48&copy=true)"
        ) { call in
            let number = try call.context.number("number")
            let format = call.request.query("format") ?? "text"
            guard format == "text" || format == "html" else {
                throw POSError.invalid(field: "query format", reason: "'\(format)' is not text or html")
            }
            let columns = try call.request.query("columns").map { text in
                guard let value = Int(text), ReceiptSettings.supportedColumns.contains(value) else {
                    throw POSError.invalid(field: "query columns", reason: "'\(text)' is not 32, 42 or 48")
                }
                return value
            }
            let copy = try call.request.flag("copy")
            let view = try await call.store.invoice(number)
            let receipt = try ReceiptPrinting.render(
                view,
                copy: copy,
                policy: try await call.store.policy(),
                columns: columns
            )
            return format == "html"
                ? Reply.bytes(Data(receipt.html.utf8), contentType: "text/html; charset=utf-8")
                : Reply.bytes(Data(receipt.text.utf8), contentType: "text/plain; charset=utf-8")
        },
        Route(
            .get,
            "/api/print-jobs",
            .signedIn(anyOf: []),
            "The print queue, newest first: jobs still to print, or every recent job with ?all=true"
        ) { call in
            let all = try call.request.flag("all")
            let jobs = try await call.store.printJobs(unfinishedOnly: !all)
            return try Reply.json(jobs.map(PrintJobSummary.init))
        },
        Route(
            .post,
            "/api/print-jobs/retry",
            .signedIn(anyOf: [.ringSales]),
            "Deliver the waiting print jobs, in order (of one queue with {\"queue\"})"
        ) { call in
            let body = call.body.isEmpty ? QueueBody() : try call.decode(QueueBody.self)
            try call.clerk.require(.ringSales)
            let delivery = await ReceiptPrinting.deliver(
                store: call.store,
                printer: call.server.printer,
                queue: body.queue,
                waitingUpTo: printWaitMilliseconds
            )
            let report = delivery.report ?? PrintSpooler.Report()
            return try Reply.json(
                RetryReply(
                    printed: report.printed,
                    printing: report.inServer,
                    waiting: report.waiting,
                    failed: report.failed,
                    warnings: delivery.warnings
                )
            )
        },
        Route(
            .get,
            "/api/devices",
            .signedIn(anyOf: []),
            "The print server's queues, the recognised USB devices and each terminal's devices"
        ) { call in
            let policy = try await call.store.policy()
            return try Reply.json(await DeviceInventory.gather(policy: policy))
        },
    ]

    /// Queues the receipt of a sale (or its copy) on the caller's terminal's printer, or the queue the body names,
    /// and tries to print it. 200 once printed; 202 while it waits in the queue or prints.
    static func printReceipt(_ call: APICall, copy: Bool) async throws -> Response {
        let number = try call.context.number("number")
        let body = call.body.isEmpty ? QueueBody() : try call.decode(QueueBody.self)
        let clerk = try call.clerk
        try clerk.require(.ringSales)
        let queue = try ReceiptPrinting.printerQueue(
            given: body.queue,
            terminal: clerk.terminal,
            policy: try await call.store.policy(),
            field: "body, queue"
        )
        let request = try await ReceiptPrinting.saleReceipt(
            invoice: number,
            copy: copy,
            queue: queue,
            store: call.store,
            by: clerk
        )
        let outcome = try await ReceiptPrinting.queueAndDeliver(
            request,
            store: call.store,
            printer: call.server.printer,
            commandID: call.commandID,
            by: clerk,
            waitingUpTo: printWaitMilliseconds
        )
        return try Reply.json(
            PrintReply(job: PrintJobSummary(outcome.job), warnings: outcome.warnings),
            status: outcome.job.state == .printed ? .ok : .accepted
        )
    }
}

/// A print job after the call, with why it waits or failed.
struct PrintReply: Encodable {
    var job: PrintJobSummary
    var warnings: [String]
}

/// What a delivery pass did: job ids by outcome.
struct RetryReply: Encodable {
    var printed: [Int64]
    var printing: [Int64]
    var waiting: [Int64]
    var failed: [Int64]
    var warnings: [String]
}

/// `{"queue"}`: a CUPS queue, or absent for the terminal's printer (or every queue, to retry).
struct QueueBody: Decodable {
    var queue: String?

    init() {}

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["queue"])
        queue = try object.optional("queue")
    }
}

extension Request {
    /// A `true`/`false` query parameter, false when absent.
    func flag(_ name: String) throws -> Bool {
        switch query(name) {
        case nil, "false": false
        case "true": true
        case let other?: throw POSError.invalid(field: "query \(name)", reason: "'\(other)' is not true or false")
        }
    }
}
