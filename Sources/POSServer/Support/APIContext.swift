import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The request context of the API: Hummingbird's core storage, the client's address (for sign-in throttling and
/// the log) and what the request learned on its way (who signed in), shared with the logging middleware.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, or `unknown` (an in-process test has none).
    public let clientAddress: String
    let trail: RequestTrail

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        trail = RequestTrail()
    }

    /// Bodies are read by the routes themselves, bounded by this.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }
}

/// What a request learned that the access log reports: the signed-in employee. A reference, so the middleware sees
/// what the route set on its copy of the context.
final class RequestTrail: Sendable {
    private let state = Mutex<String?>(nil)
    var employee: String? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
