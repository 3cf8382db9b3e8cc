import NIOCore
import Synchronization

/// How many connections each client address holds open, shared by every connection's ``ConnectionLimiter``.
final class ConnectionCounts: Sendable {
    /// A front-desk browser keeps a handful of connections and one event stream; a hundred from one address is a
    /// misbehaving or hostile client, not a terminal.
    static let perAddress = 100

    private let counts = Mutex<[String: Int]>([:])

    /// Counts a new connection from `address`; false when that address already holds the most allowed.
    func open(_ address: String) -> Bool {
        counts.withLock { counts in
            let current = counts[address, default: 0]
            guard current < Self.perAddress else { return false }
            counts[address] = current + 1
            return true
        }
    }

    func close(_ address: String) {
        counts.withLock { counts in
            let remaining = counts[address, default: 1] - 1
            counts[address] = remaining > 0 ? remaining : nil
        }
    }

    func current(_ address: String) -> Int { counts.withLock { $0[address, default: 0] } }
}

/// Closes a connection at once when its address already holds ``ConnectionCounts/perAddress`` connections, so one
/// client cannot exhaust the appliance's file descriptors and memory for every terminal.
final class ConnectionLimiter: ChannelInboundHandler, RemovableChannelHandler {
    // Never unwrapped: the handler only counts, and passes everything on as it came.
    typealias InboundIn = ByteBuffer

    private let counts: ConnectionCounts
    private var counted: String?

    init(counts: ConnectionCounts) {
        self.counts = counts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if counts.open(address) {
            counted = address
        } else {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let counted { counts.close(counted) }
        counted = nil
    }
}
