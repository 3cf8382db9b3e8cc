import ArgumentParser
import Foundation
import POSCore
import POSDevices
import POSReceipts
import POSServices
import POSStorage

struct DevicesCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the print server's queues, the recognised USB devices and each terminal's devices."
    )
    @OptionGroup var database: DatabaseOptions

    func execute() async throws {
        let policy = try await database.openStore().policy()
        print(await DeviceInventory.gather(policy: policy).text, terminator: "")
    }
}

/// Shared by the printing commands: queue a document and deliver the queue.
enum Printing {
    static func queueAndDeliver(
        _ request: PrintRequest,
        store: Store,
        commandID: String,
        by clerk: Operator,
        waitSeconds: Int
    ) async throws {
        let outcome = try await ReceiptPrinting.queueAndDeliver(
            request,
            store: store,
            printer: CUPSClient.shared,
            commandID: commandID,
            by: clerk,
            waitingUpTo: waitSeconds * 1000
        )
        print("Queued print job \(outcome.job.id) (\(outcome.job.document)) for \(outcome.job.queue).")
        for warning in outcome.warnings { TerminalHardware.warn(warning) }
        outcome.report.map(summarize)
    }

    static func summarize(_ report: PrintSpooler.Report) {
        print(
            "Printed \(report.printed.count), printing \(report.inServer.count), waiting \(report.waiting.count), "
                + "failed \(report.failed.count)."
        )
    }
}

struct PrintTestCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "print-test",
        abstract: "Print a test page on a CUPS queue, through the persistent print queue."
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Argument(help: "The CUPS queue.") var queue: String
    @Option(help: "Seconds to wait for the page to print.") var wait = 10
    @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

    func execute() async throws {
        let store = try database.openStore()
        let clerk = try await signIn.signIn(store)
        let policy = try await store.policy()
        var bytes: [UInt8] = [0x1B, 0x40, 0x1B, 0x61, 0x01]
        bytes += Array("\(policy.clinicName)\nVetPOS printer test\nqueue \(queue), terminal \(clerk.terminal)\n".utf8)
        bytes += [0x1D, 0x56, 0x42, 0x03]
        try await Printing.queueAndDeliver(
            PrintRequest(
                terminal: clerk.terminal,
                queue: queue,
                kind: .test,
                document: "test page",
                invoice: nil,
                bytes: bytes
            ),
            store: store,
            commandID: id,
            by: clerk,
            waitSeconds: wait
        )
    }
}

struct ReprintCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "reprint",
        abstract: "Print a copy of an invoice's receipt, marked COPY, on this terminal's printer (journaled)."
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Argument(help: "The invoice number.") var invoice: Int64
    @Option(help: "The CUPS queue (default: this terminal's printer).") var queue: String?
    @Option(help: "Seconds to wait for the receipt to print.") var wait = 10
    @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

    func execute() async throws {
        let store = try database.openStore()
        let clerk = try await signIn.signIn(store)
        let target = try ReceiptPrinting.printerQueue(
            given: queue,
            terminal: clerk.terminal,
            policy: try await store.policy(),
            field: "--queue"
        )
        let request = try await ReceiptPrinting.saleReceipt(
            invoice: invoice,
            copy: true,
            queue: target,
            store: store,
            by: clerk
        )
        try await Printing.queueAndDeliver(
            request,
            store: store,
            commandID: id,
            by: clerk,
            waitSeconds: wait
        )
    }
}

struct PrintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "The persistent print queue: show it, or deliver what waits.",
        subcommands: [Queue.self, Retry.self]
    )

    struct Queue: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "List print jobs, newest first.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Every job, not only those still to print.") var all = false

        func execute() async throws {
            for job in try await database.openStore().printJobs(unfinishedOnly: !all) {
                let server = job.printerJob.map { "cups job \($0)" } ?? "-"
                print(
                    "\(job.id)\t\(job.state.rawValue)\t\(job.queue)\t\(job.document)\tattempts \(job.attempts)\t\(server)"
                        + (job.lastError.map { "\t\($0)" } ?? "")
                )
            }
        }
    }

    struct Retry: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Deliver the waiting print jobs, in order, and follow them until printed."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "Only this CUPS queue.") var queue: String?
        @Option(help: "Seconds to follow the jobs.") var wait = 10

        func execute() async throws {
            let store = try database.openStore()
            try (try await signIn.signIn(store)).require(.ringSales)
            let report = await TerminalHardware.deliver(store: store, queue: queue, waitingUpTo: wait * 1000)
            report.map(Printing.summarize)
        }
    }
}
