/// The ports through which the domain reaches the front desk's devices. The live drivers (CUPS, libusb) are in
/// `POSDevices`; in-memory fakes for tests are in `POSTestSupport`.

/// A device that failed or cannot be reached, in words for the desk.
public struct DeviceFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The print server, or the USB device, is not there.
        case unreachable
        /// The named printer queue does not exist.
        case noSuchQueue
        /// The queue is stopped, paused or rejecting jobs: try again later.
        case notReady
        /// Anything else the device or library reported.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A print job's state as the print server reports it (IPP `job-state`; never `job-state-reasons`, which CUPS 2.4.2
/// leaves stale on finished jobs).
public enum PrinterJobState: String, Hashable, Sendable, Codable {
    case pending, held, processing, stopped, canceled, aborted, completed
    /// The server no longer knows the job (history purged, or a different server).
    case unknown

    /// Completed means delivered to the printer; canceled and aborted mean it never was.
    public var isFinished: Bool { self == .completed || self == .canceled || self == .aborted }
}

/// A printer queue as the print server reports it.
public struct PrinterQueueStatus: Hashable, Sendable, Codable {
    public enum State: String, Hashable, Sendable, Codable { case idle, processing, stopped }

    public var name: String
    public var state: State
    public var accepting: Bool
    /// The server's own words (`printer-state-message`), e.g. "paper out".
    public var message: String
    public var deviceURI: String

    public init(name: String, state: State, accepting: Bool, message: String = "", deviceURI: String = "") {
        self.name = name
        self.state = state
        self.accepting = accepting
        self.message = message
        self.deviceURI = deviceURI
    }

    /// Whether a job sent now would start printing rather than wait in the server.
    public var ready: Bool { accepting && state != .stopped }

    /// Why the queue is not ready, in words for the desk.
    public var blockedReason: String? {
        if !accepting { return "queue \(name) is rejecting jobs" + (message.isEmpty ? "" : " (\(message))") }
        if state == .stopped { return "queue \(name) is stopped" + (message.isEmpty ? "" : " (\(message))") }
        return nil
    }
}

/// A receipt printer behind a print server. A job is created first and its bytes sent second, so the caller can
/// record the job's id before anything can print (see ``PrintSpooler``).
public protocol ReceiptPrinter: Sendable {
    func status(queue: String) async throws(DeviceFailure) -> PrinterQueueStatus
    /// Creates an empty raw job and returns its id; nothing prints until ``send(_:job:queue:)``.
    func createJob(title: String, queue: String) async throws(DeviceFailure) -> Int32
    /// Sends the job's only document, raw bytes, and closes it.
    func send(_ document: [UInt8], job: Int32, queue: String) async throws(DeviceFailure)
    func jobState(_ job: Int32, queue: String) async throws(DeviceFailure) -> PrinterJobState
    func cancel(_ job: Int32, queue: String) async throws(DeviceFailure)
}

/// Whether the cash drawer is physically open, as the device reports it.
public enum DrawerPosition: String, Hashable, Sendable, Codable { case open, closed }

/// A cash drawer: opened by a kick, and where the device reports it, its open/closed state.
public protocol CashDrawer: Sendable {
    func kick() async throws(DeviceFailure)
    /// Nil when the connection does not report the drawer's state.
    func state() async throws(DeviceFailure) -> DrawerPosition?
}

/// What a barcode scanner reports.
public enum ScannerEvent: Hashable, Sendable {
    case scanned(String)
    case disconnected
    case reconnected
}

/// A barcode scanner. It reconnects by itself after being unplugged, reporting both.
public protocol BarcodeScanner: Sendable {
    /// The next event, or nil when `milliseconds` pass without one.
    func next(timeoutMilliseconds milliseconds: Int) async throws(DeviceFailure) -> ScannerEvent?
}
