import Foundation

/// The in-process hub of what each terminal's page is told: drawer state and kicks, scans, invoice changes.
/// One entry per open event stream, per terminal; each stream buffers at most `bufferSize` events (the oldest are
/// dropped when a page stops reading), and is removed as soon as its reader goes away.
public actor TerminalEvents {
    /// One server-sent event: its name and one JSON object.
    public struct Event: Sendable, Equatable {
        public let name: String
        public let data: String

        public init(name: String, data: String) {
            self.name = name
            self.data = data
        }

        /// A comment line only, which keeps proxies and the browser from timing the stream out.
        public static let heartbeat = Event(name: "", data: "")

        /// The text/event-stream form: `event: drawer\ndata: {…}\n\n`, or `: heartbeat\n\n`.
        public var wire: String {
            name.isEmpty ? ": heartbeat\n\n" : "event: \(name)\ndata: \(data)\n\n"
        }

        /// An event whose data is `value` as JSON (sorted keys, no escaped slashes).
        public static func json(_ name: String, _ value: some Encodable) -> Event {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return Event(name: name, data: data)
        }
    }

    /// A subscription: its stream of events and the means to end it.
    public struct Subscription: Sendable {
        public let id: UUID
        public let terminal: String
        public let events: AsyncStream<Event>
        let continuation: AsyncStream<Event>.Continuation

        /// Ends the stream (on graceful shutdown, or when the reader is gone).
        public func finish() { continuation.finish() }
    }

    private struct Subscriber {
        var continuation: AsyncStream<Event>.Continuation
        /// The open invoice the subscribing page shows, if any: where a scan without an invoice adds its line.
        var invoice: Int64?
        var order: Int
    }

    public let bufferSize: Int
    public let heartbeat: Duration
    private var subscribers: [String: [UUID: Subscriber]] = [:]
    private var opened = 0

    public init(bufferSize: Int = 64, heartbeat: Duration = .seconds(15)) {
        self.bufferSize = bufferSize
        self.heartbeat = heartbeat
    }

    /// A new stream of `terminal`'s events; `invoice` marks the invoice its page shows.
    public func subscribe(terminal: String, invoice: Int64? = nil) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Event.self,
            bufferingPolicy: .bufferingNewest(bufferSize)
        )
        let id = UUID()
        opened += 1
        subscribers[terminal, default: [:]][id] = Subscriber(
            continuation: continuation,
            invoice: invoice,
            order: opened
        )
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(terminal: terminal, id: id) }
        }
        return Subscription(id: id, terminal: terminal, events: stream, continuation: continuation)
    }

    public func unsubscribe(terminal: String, id: UUID) {
        guard let removed = subscribers[terminal]?.removeValue(forKey: id) else { return }
        removed.continuation.finish()
        if subscribers[terminal]?.isEmpty == true { subscribers[terminal] = nil }
    }

    /// Sends `event` to every stream of `terminal`.
    public func publish(_ event: Event, to terminal: String) {
        for subscriber in (subscribers[terminal] ?? [:]).values {
            subscriber.continuation.yield(event)
        }
    }

    /// The invoice shown by the terminal's most recently opened page that names one.
    public func selectedInvoice(terminal: String) -> Int64? {
        (subscribers[terminal] ?? [:]).values.filter { $0.invoice != nil }.max { $0.order < $1.order }?.invoice
    }

    /// How many streams `terminal` has open.
    public func subscriberCount(terminal: String) -> Int {
        subscribers[terminal]?.count ?? 0
    }
}

/// The data of a `drawer` event: the drawer's state after a call, and whether the call opened the drawer.
struct DrawerEventData: Encodable {
    /// `open`, `counting` (blind count taken, not yet verified) or `closed`.
    var state: String
    /// The call: `open`, `paid-in`, `drop`, `close`, `checkout`, …
    var action: String
    /// The drawer was opened (kicked) by the call.
    var kick: Bool
    var session: Int64?
}

/// The data of a `scan` event.
struct ScanEventData: Encodable {
    var code: String
    /// `added` (a line went on `invoice`), `found` (no invoice selected; nothing added), `unknown` (not in the
    /// catalog) or `refused` (a scanner scan that could not be added: `message` says why).
    var result: String
    var item: String?
    var name: String?
    var invoice: Int64?
    var patient: String?
    var message: String?
}

/// The data of an `invoice` event.
struct InvoiceEventData: Encodable {
    var number: Int64?
    /// `opened`, `lines`, `checkout`, `payments`, `void`, `refund`.
    var change: String
}
