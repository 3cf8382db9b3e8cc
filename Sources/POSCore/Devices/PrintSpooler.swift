/// Delivers the persistent print queue to the print server: in order, retrying while a queue is stopped, paused or
/// rejecting, and never printing a job twice.
///
/// Every step is recorded before the next one can print anything: the server job is created empty, its id stored as
/// `sending`, then the bytes are sent and the job stored as `sent`. After a crash, a `sending` job is looked up on the
/// server before anything is resent: completed or printing means it went through; otherwise its server job is
/// canceled (it may lack its bytes) and the job is sent again.
public struct PrintSpooler: Sendable {
    public let jobs: any PrintJobStore
    public let printer: any ReceiptPrinter
    /// Attempts (server jobs created) before a job is given up as `failed`.
    public let maxAttempts: Int

    public init(jobs: any PrintJobStore, printer: any ReceiptPrinter, maxAttempts: Int = 5) {
        self.jobs = jobs
        self.printer = printer
        self.maxAttempts = maxAttempts
    }

    /// What one delivery pass did and left.
    public struct Report: Hashable, Sendable {
        /// Jobs the server reported completed during this pass.
        public var printed: [Int64] = []
        /// Jobs the server holds and has not finished.
        public var inServer: [Int64] = []
        /// Jobs still waiting here, with why, by queue.
        public var waiting: [Int64] = []
        public var failed: [Int64] = []
        /// Why jobs wait or failed, in words for the desk (one line each).
        public var problems: [String] = []
        /// The queues that hold their jobs back, with why.
        public var blocked: [String: String] = [:]

        public init() {}

        public var isSettled: Bool { inServer.isEmpty }
    }

    /// One pass over the unfinished jobs of `queue` (every queue when nil).
    public func deliver(queue: String? = nil) async throws -> Report {
        var report = Report()
        var blocked: [String: String] = [:]
        for job in try await jobs.unfinishedPrintJobs(queue: queue) {
            switch job.state {
            case .sent:
                try await follow(job, &report)
            case .sending:
                try await recover(job, blocked: &blocked, &report)
            case .queued:
                try await submit(job, blocked: &blocked, &report)
            case .printed, .failed:
                continue
            }
        }
        report.blocked = blocked
        return report
    }

    /// Delivers, then follows the server's jobs until they finish or `milliseconds` pass. A job just sent is always
    /// looked at once more, however long sending took, so a printer that finishes at once is reported as printed.
    public func deliver(queue: String? = nil, waitingUpTo milliseconds: Int) async throws -> Report {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(milliseconds))
        var total = Report()
        var passes = 0
        while true {
            passes += 1
            let pass = try await deliver(queue: queue)
            total.printed += pass.printed
            total.failed += pass.failed
            total.inServer = pass.inServer
            total.waiting = pass.waiting
            total.problems = pass.problems
            total.blocked = pass.blocked
            if pass.isSettled || (clock.now >= deadline && passes > 1) { return total }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func follow(_ job: PrintJob, _ report: inout Report) async throws {
        guard let server = job.printerJob else { return }
        let state: PrinterJobState
        do throws(DeviceFailure) {
            state = try await printer.jobState(server, queue: job.queue)
        } catch {
            report.inServer.append(job.id)
            report.problems.append("job \(job.id) (\(job.document)): \(error.message)")
            return
        }
        switch state {
        case .completed:
            try await record(job, .printed, printerJob: server)
            report.printed.append(job.id)
        case .pending, .held, .processing, .stopped:
            report.inServer.append(job.id)
        case .canceled, .aborted:
            // The server dropped it without printing: send it again, unless it has used up its attempts.
            try await retryOrFail(job, "the print server \(state.rawValue) job \(server)", &report)
        case .unknown:
            // It may have printed and been forgotten: resending could print it twice, so a person decides.
            let reason = "the print server no longer knows job \(server); reprint it if the receipt is missing"
            try await record(job, .failed, printerJob: server, error: reason)
            report.failed.append(job.id)
            report.problems.append("job \(job.id) (\(job.document)): \(reason)")
        }
    }

    private func recover(_ job: PrintJob, blocked: inout [String: String], _ report: inout Report) async throws {
        guard let server = job.printerJob else {
            try await submit(job, blocked: &blocked, &report)
            return
        }
        let state: PrinterJobState
        do throws(DeviceFailure) {
            state = try await printer.jobState(server, queue: job.queue)
        } catch {
            blocked[job.queue] = error.message
            report.waiting.append(job.id)
            report.problems.append("job \(job.id) (\(job.document)): \(error.message)")
            return
        }
        switch state {
        case .completed:
            try await record(job, .printed, printerJob: server)
            report.printed.append(job.id)
        case .processing:
            // Printing now: the server had the whole document.
            try await record(job, .sent, printerJob: server)
            report.inServer.append(job.id)
        case .pending, .held, .stopped:
            // Interrupted between creating the server job and finishing its bytes: drop that job and send anew.
            try? await printer.cancel(server, queue: job.queue)
            var again = job
            again.state = .queued
            again.printerJob = nil
            try await submit(again, blocked: &blocked, &report)
        case .canceled, .aborted, .unknown:
            var again = job
            again.state = .queued
            again.printerJob = nil
            try await submit(again, blocked: &blocked, &report)
        }
    }

    /// The job waits, and so does every later job of its queue in this run.
    private static func hold(
        _ job: PrintJob,
        _ reason: String,
        _ blocked: inout [String: String],
        _ report: inout Report
    ) {
        blocked[job.queue] = reason
        report.waiting.append(job.id)
        report.problems.append("\(job.document) waits: \(reason)")
    }

    /// Back to the queue after a failed attempt, with no server job (it was never created, or was cancelled).
    private func requeue(_ job: PrintJob, attempts: Int, _ reason: String) async throws {
        try await jobs.updatePrintJob(
            job.id,
            PrintJobUpdate(state: .queued, attempts: attempts, printerJob: nil, lastError: reason)
        )
    }

    private func submit(_ job: PrintJob, blocked: inout [String: String], _ report: inout Report) async throws {
        // Jobs of one queue go in order: once one waits, the later ones wait behind it.
        if blocked[job.queue] != nil {
            report.waiting.append(job.id)
            return
        }
        let status: PrinterQueueStatus
        do throws(DeviceFailure) {
            status = try await printer.status(queue: job.queue)
        } catch {
            Self.hold(job, error.message, &blocked, &report)
            return
        }
        if let reason = status.blockedReason {
            Self.hold(job, reason, &blocked, &report)
            return
        }
        guard job.attempts < maxAttempts else {
            let reason = "gave up after \(job.attempts) attempts" + (job.lastError.map { ": \($0)" } ?? "")
            try await record(job, .failed, printerJob: nil, error: reason)
            report.failed.append(job.id)
            report.problems.append("\(job.document) failed: \(reason)")
            return
        }
        let attempts = job.attempts + 1
        let server: Int32
        do throws(DeviceFailure) {
            server = try await printer.createJob(title: "vetpos \(job.kind.rawValue) \(job.id)", queue: job.queue)
        } catch {
            try await requeue(job, attempts: attempts, error.message)
            Self.hold(job, error.message, &blocked, &report)
            return
        }
        // Recorded before the bytes go out: after a crash from here on, the server job is looked up first.
        try await jobs.updatePrintJob(
            job.id,
            PrintJobUpdate(state: .sending, attempts: attempts, printerJob: server, lastError: nil)
        )
        do throws(DeviceFailure) {
            try await printer.send(job.bytes, job: server, queue: job.queue)
        } catch {
            try? await printer.cancel(server, queue: job.queue)
            try await requeue(job, attempts: attempts, error.message)
            Self.hold(job, error.message, &blocked, &report)
            return
        }
        try await jobs.updatePrintJob(
            job.id,
            PrintJobUpdate(state: .sent, attempts: attempts, printerJob: server, lastError: nil)
        )
        report.inServer.append(job.id)
    }

    private func retryOrFail(_ job: PrintJob, _ reason: String, _ report: inout Report) async throws {
        if job.attempts >= maxAttempts {
            try await record(job, .failed, printerJob: job.printerJob, error: reason)
            report.failed.append(job.id)
        } else {
            try await record(job, .queued, printerJob: nil, error: reason)
            report.waiting.append(job.id)
        }
        report.problems.append("job \(job.id) (\(job.document)): \(reason)")
    }

    private func record(
        _ job: PrintJob,
        _ state: PrintJob.State,
        printerJob: Int32?,
        error: String? = nil
    ) async throws {
        try await jobs.updatePrintJob(
            job.id,
            PrintJobUpdate(state: state, attempts: job.attempts, printerJob: printerJob, lastError: error)
        )
    }
}
