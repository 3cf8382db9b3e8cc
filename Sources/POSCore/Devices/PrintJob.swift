/// A receipt waiting in, or gone through, the persistent print queue.
///
/// States: `queued` (stored, not yet given to the print server), `sending` (a server job exists, its bytes may not
/// have arrived), `sent` (the server has the whole job), `printed` (the server reports it completed: delivered to
/// the printer), `failed` (given up; a person decides, e.g. with a reprint).
public struct PrintJob: Hashable, Sendable, Codable {
    public enum State: String, Hashable, Sendable, Codable, CaseIterable {
        case queued, sending, sent, printed, failed
    }

    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case sale, payment, refund, reprint, test
    }

    public var id: Int64
    public var terminal: String
    public var queue: String
    public var kind: Kind
    /// What was printed, in words: "invoice 12".
    public var document: String
    public var invoice: Int64?
    public var bytes: [UInt8]
    public var state: State
    public var attempts: Int
    /// The print server's job id, once a server job was created.
    public var printerJob: Int32?
    public var lastError: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: Int64,
        terminal: String,
        queue: String,
        kind: Kind,
        document: String,
        invoice: Int64?,
        bytes: [UInt8],
        state: State = .queued,
        attempts: Int = 0,
        printerJob: Int32? = nil,
        lastError: String? = nil,
        createdAt: Int64,
        updatedAt: Int64
    ) {
        self.id = id
        self.terminal = terminal
        self.queue = queue
        self.kind = kind
        self.document = document
        self.invoice = invoice
        self.bytes = bytes
        self.state = state
        self.attempts = attempts
        self.printerJob = printerJob
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A state change of a print job, as the spooler records it.
public struct PrintJobUpdate: Hashable, Sendable {
    public var state: PrintJob.State
    public var attempts: Int
    public var printerJob: Int32?
    public var lastError: String?

    public init(state: PrintJob.State, attempts: Int, printerJob: Int32?, lastError: String?) {
        self.state = state
        self.attempts = attempts
        self.printerJob = printerJob
        self.lastError = lastError
    }
}

/// Where print jobs persist (the store; an in-memory fake in tests).
public protocol PrintJobStore: Sendable {
    /// Jobs still `queued`, `sending` or `sent`, oldest first; all queues when `queue` is nil.
    func unfinishedPrintJobs(queue: String?) async throws -> [PrintJob]
    /// Records a state change. Refuses to change a job that is already `printed` or `failed`.
    func updatePrintJob(_ id: Int64, _ update: PrintJobUpdate) async throws
}
