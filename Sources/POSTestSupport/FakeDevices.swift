import POSCore
import Synchronization

/// An in-memory print server: queues that can be stopped and started, jobs that complete when the test says (or at
/// once), and the documents printed, in order.
public final class FakeReceiptPrinter: ReceiptPrinter {
    public struct Job: Hashable, Sendable {
        public var queue: String
        public var bytes: [UInt8]?
        public var state: PrinterJobState
    }

    struct State {
        var queues: [String: PrinterQueueStatus] = [:]
        var jobs: [Int32: Job] = [:]
        var nextJob: Int32 = 100
        var printed: [[UInt8]] = []
        var completeAtOnce = true
        var failNextSend = false
        var down = false
    }

    private let state = Mutex(State())

    public init(queues: [String] = ["receipt"]) {
        state.withLock {
            for name in queues { $0.queues[name] = PrinterQueueStatus(name: name, state: .idle, accepting: true) }
        }
    }

    /// The documents the printer has printed, in order.
    public var printed: [[UInt8]] { state.withLock { $0.printed } }
    public var jobs: [Int32: Job] { state.withLock { $0.jobs } }

    /// `cupsdisable` / `cupsenable`: a stopped queue holds its jobs; starting it prints them in order.
    public func setStopped(_ stopped: Bool, queue: String, message: String = "") {
        state.withLock {
            $0.queues[queue]?.state = stopped ? .stopped : .idle
            $0.queues[queue]?.message = message
        }
        if !stopped { finishPending() }
    }

    public func setAccepting(_ accepting: Bool, queue: String) {
        state.withLock { $0.queues[queue]?.accepting = accepting }
    }
    /// With false, jobs stay `processing` until ``finishPending()``.
    public func setCompletesAtOnce(_ value: Bool) { state.withLock { $0.completeAtOnce = value } }
    public func failNextSend() { state.withLock { $0.failNextSend = true } }
    /// The scheduler stops answering (true) or comes back.
    public func setDown(_ down: Bool) { state.withLock { $0.down = down } }

    /// Sets a server job's state, as the scheduler would (e.g. `.aborted` after a backend failure).
    public func setJobState(_ job: Int32, _ jobState: PrinterJobState) {
        state.withLock { $0.jobs[job]?.state = jobState }
    }

    /// Prints every whole job waiting on a running queue, oldest first.
    public func finishPending() {
        state.withLock { state in
            for id in state.jobs.keys.sorted() {
                guard var job = state.jobs[id], let bytes = job.bytes,
                    job.state == .pending || job.state == .processing,
                    state.queues[job.queue]?.state != .stopped
                else { continue }
                job.state = .completed
                state.jobs[id] = job
                state.printed.append(bytes)
            }
        }
    }

    public func status(queue: String) async throws(DeviceFailure) -> PrinterQueueStatus {
        let found: PrinterQueueStatus? = try checked { $0.queues[queue] }
        guard let found else { throw DeviceFailure(.noSuchQueue, "printer queue \(queue) does not exist") }
        return found
    }

    public func createJob(title: String, queue: String) async throws(DeviceFailure) -> Int32 {
        let outcome: Result<Int32, DeviceFailure> = try checked { state in
            guard let status = state.queues[queue] else {
                return .failure(DeviceFailure(.noSuchQueue, "printer queue \(queue) does not exist"))
            }
            guard status.accepting else {
                return .failure(DeviceFailure(.notReady, "queue \(queue) is rejecting jobs"))
            }
            state.nextJob += 1
            state.jobs[state.nextJob] = Job(queue: queue, bytes: nil, state: .pending)
            return .success(state.nextJob)
        }
        return try outcome.get()
    }

    public func send(_ document: [UInt8], job: Int32, queue: String) async throws(DeviceFailure) {
        let failed: Bool = try checked { state in
            if state.failNextSend {
                state.failNextSend = false
                return true
            }
            state.jobs[job]?.bytes = document
            state.jobs[job]?.state = .processing
            return false
        }
        if failed { throw DeviceFailure(.failed, "the connection to the printer dropped") }
        if state.withLock({ $0.completeAtOnce }) { finishPending() }
    }

    public func jobState(_ job: Int32, queue: String) async throws(DeviceFailure) -> PrinterJobState {
        try checked { $0.jobs[job]?.state ?? .unknown }
    }

    public func cancel(_ job: Int32, queue: String) async throws(DeviceFailure) {
        try checked { state in
            if let current = state.jobs[job]?.state, !current.isFinished { state.jobs[job]?.state = .canceled }
        }
    }

    private func checked<T>(_ body: (inout State) -> T) throws(DeviceFailure) -> T {
        let result: T? = state.withLock { $0.down ? nil : body(&$0) }
        guard let result else { throw DeviceFailure(.unreachable, "the print server does not answer") }
        return result
    }
}

/// The persistent print queue, in memory.
public final class InMemoryPrintJobs: PrintJobStore {
    private let jobs = Mutex<[PrintJob]>([])

    public init() {}

    public var all: [PrintJob] { jobs.withLock { $0 } }

    @discardableResult
    public func add(queue: String = "receipt", document: String, bytes: [UInt8]) -> PrintJob {
        jobs.withLock {
            let job = PrintJob(
                id: Int64($0.count + 1),
                terminal: "FRONT-1",
                queue: queue,
                kind: .sale,
                document: document,
                invoice: nil,
                bytes: bytes,
                createdAt: 0,
                updatedAt: 0
            )
            $0.append(job)
            return job
        }
    }

    /// Overwrites a job as a crash would have left it.
    public func set(_ job: PrintJob) { jobs.withLock { $0[Int(job.id) - 1] = job } }

    public func unfinishedPrintJobs(queue: String?) async throws -> [PrintJob] {
        jobs.withLock { all in
            all.filter { [.queued, .sending, .sent].contains($0.state) && (queue == nil || $0.queue == queue) }
        }
    }

    public func updatePrintJob(_ id: Int64, _ update: PrintJobUpdate) async throws {
        try jobs.withLock { all throws(POSError) in
            let index = Int(id) - 1
            guard all.indices.contains(index) else { throw POSError.notFound(what: "print job", id: String(id)) }
            guard all[index].state != .printed, all[index].state != .failed else {
                throw POSError.conflict("a printed or failed print job is final")
            }
            all[index].state = update.state
            all[index].attempts = update.attempts
            all[index].printerJob = update.printerJob
            all[index].lastError = update.lastError
        }
    }
}

/// A drawer that records its kicks.
public final class FakeCashDrawer: CashDrawer {
    private let kicks = Mutex(0)
    public init() {}
    public var kickCount: Int { kicks.withLock { $0 } }
    public func kick() async throws(DeviceFailure) { kicks.withLock { $0 += 1 } }
    public func state() async throws(DeviceFailure) -> DrawerPosition? { kickCount > 0 ? .open : .closed }
}

/// A scanner that replays the events it was given.
public final class FakeBarcodeScanner: BarcodeScanner {
    private let events: Mutex<[ScannerEvent]>
    public init(_ events: [ScannerEvent]) { self.events = Mutex(events) }
    public func next(timeoutMilliseconds milliseconds: Int) async throws(DeviceFailure) -> ScannerEvent? {
        events.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}
