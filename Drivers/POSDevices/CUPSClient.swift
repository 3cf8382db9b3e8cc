internal import CCups
import Foundation
import POSCore

/// Owns every libcups call of the process. Calls run on the actor's own serial queue, never on the cooperative pool.
/// The print server is `$CUPS_SERVER` (or the system's), as for `lp`.
public actor CUPSClient: ReceiptPrinter {
    private let executor = QueueExecutor(label: "vetpos.cups")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// The process's one owner of libcups: libcups keeps per-thread and global state, so every call goes through it.
    public static let shared = CUPSClient()

    public init() {}

    /// Where requests go: `host:port` or a socket path, for messages.
    public var server: String {
        let name = String(cString: cupsServer())
        return name.hasPrefix("/") ? name : "\(name):\(ippPort())"
    }

    /// Every queue of the print server.
    public func queues() throws(DeviceFailure) -> [PrinterQueueStatus] {
        try withConnection { http throws(DeviceFailure) in
            var dests: UnsafeMutablePointer<cups_dest_t>?
            let count = cupsGetDests2(http, &dests)
            defer { cupsFreeDests(count, dests) }
            guard let dests else { return [] }
            return (0..<Int(count)).map { Self.queueStatus(dests[$0]) }.sorted { $0.name < $1.name }
        }
    }

    public func status(queue: String) throws(DeviceFailure) -> PrinterQueueStatus {
        guard let found = try queues().first(where: { $0.name == queue }) else {
            throw DeviceFailure(.noSuchQueue, "printer queue \(queue) does not exist on \(server)")
        }
        return found
    }

    public func createJob(title: String, queue: String) throws(DeviceFailure) -> Int32 {
        try withConnection { http throws(DeviceFailure) in
            let job = cupsCreateJob(http, queue, title, 0, nil)
            guard job > 0 else { throw try failure("cannot create a job on \(queue)", queue: queue, http) }
            return job
        }
    }

    public func send(_ document: [UInt8], job: Int32, queue: String) throws(DeviceFailure) {
        try withConnection { http throws(DeviceFailure) in
            guard cupsStartDocument(http, queue, job, "receipt", CUPS_FORMAT_RAW, 1) == HTTP_STATUS_CONTINUE else {
                throw try failure("cannot send job \(job) to \(queue)", queue: queue, http)
            }
            let written = document.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { cupsWriteRequestData(http, $0.baseAddress, $0.count) }
            }
            guard written == HTTP_STATUS_CONTINUE, cupsFinishDocument(http, queue) == IPP_STATUS_OK else {
                throw try failure("sending job \(job) to \(queue) failed", queue: queue, http)
            }
        }
    }

    public func jobState(_ job: Int32, queue: String) throws(DeviceFailure) -> PrinterJobState {
        try withConnection { http throws(DeviceFailure) in
            var jobs: UnsafeMutablePointer<cups_job_t>?
            let count = cupsGetJobs2(http, &jobs, queue, 0, CUPS_WHICHJOBS_ALL)
            defer { cupsFreeJobs(count, jobs) }
            guard count >= 0 else { throw try failure("cannot list the jobs of \(queue)", queue: queue, http) }
            guard let jobs, let found = (0..<Int(count)).first(where: { jobs[$0].id == job }) else { return .unknown }
            // Decided on job-state only: CUPS 2.4.2 leaves job-state-reasons stale on finished jobs.
            switch jobs[found].state {
            case IPP_JSTATE_PENDING: return .pending
            case IPP_JSTATE_HELD: return .held
            case IPP_JSTATE_PROCESSING: return .processing
            case IPP_JSTATE_STOPPED: return .stopped
            case IPP_JSTATE_CANCELED: return .canceled
            case IPP_JSTATE_ABORTED: return .aborted
            case IPP_JSTATE_COMPLETED: return .completed
            default: return .unknown
            }
        }
    }

    public func cancel(_ job: Int32, queue: String) throws(DeviceFailure) {
        try withConnection { http throws(DeviceFailure) in
            guard cupsCancelJob2(http, queue, job, 0) == IPP_STATUS_OK else {
                throw try failure("cannot cancel job \(job) on \(queue)", queue: queue, http)
            }
        }
    }

    /// An explicit connection per request: a stopped scheduler is then told apart from a missing queue, which libcups'
    /// default connection reports with the same misleading text.
    private func withConnection<T>(
        _ body: (OpaquePointer) throws(DeviceFailure) -> T
    ) throws(DeviceFailure) -> T {
        guard let http = httpConnect2(cupsServer(), ippPort(), nil, AF_UNSPEC, cupsEncryption(), 1, 5000, nil) else {
            throw DeviceFailure(.unreachable, "the print server at \(server) does not answer")
        }
        defer { httpClose(http) }
        return try body(http)
    }

    private func failure(_ what: String, queue: String, _ http: OpaquePointer) throws(DeviceFailure) -> DeviceFailure {
        let status = cupsLastError()
        let message = String(cString: cupsLastErrorString())
        if status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS {
            return DeviceFailure(.notReady, "\(what): queue \(queue) is rejecting jobs")
        }
        // A missing queue comes back as an internal error ("No such file or directory"): look the queue up.
        if try !queues().contains(where: { $0.name == queue }) {
            return DeviceFailure(.noSuchQueue, "printer queue \(queue) does not exist on \(server)")
        }
        return DeviceFailure(.failed, "\(what): \(message)")
    }

    private static func queueStatus(_ dest: cups_dest_t) -> PrinterQueueStatus {
        func option(_ name: String) -> String {
            cupsGetOption(name, dest.num_options, dest.options).map { String(cString: $0) } ?? ""
        }
        let state: PrinterQueueStatus.State =
            switch option("printer-state") {
            case "4": .processing
            case "5": .stopped
            default: .idle
            }
        return PrinterQueueStatus(
            name: String(cString: dest.name),
            state: state,
            accepting: option("printer-is-accepting-jobs") != "false",
            message: option("printer-state-message"),
            deviceURI: option("device-uri")
        )
    }
}

/// A drawer on the receipt printer's kick port: ESC p sent through the printer's queue at once, never through the
/// persistent print queue (a drawer kick must never happen later by surprise). The printer does not report the drawer
/// through the print server, so its state is unknown here.
public struct PrinterKickDrawer: CashDrawer {
    /// ESC p 0 25 250: pin 2, 50 ms on, 500 ms off.
    public static let kickBytes: [UInt8] = [0x1B, 0x70, 0x00, 0x19, 0xFA]

    public let printer: any ReceiptPrinter
    public let queue: String

    public init(printer: any ReceiptPrinter, queue: String) {
        self.printer = printer
        self.queue = queue
    }

    public func kick() async throws(DeviceFailure) {
        if let reason = try await printer.status(queue: queue).blockedReason { throw DeviceFailure(.notReady, reason) }
        let job = try await printer.createJob(title: "vetpos drawer", queue: queue)
        try await printer.send(Self.kickBytes, job: job, queue: queue)
    }

    public func state() async throws(DeviceFailure) -> DrawerPosition? { nil }
}
