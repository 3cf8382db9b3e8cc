import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import POSCore
import POSDevices
import POSStorage

/// The appliance's HTTP server: the JSON API over one ``Store``. Every route is a thin layer over a Store method,
/// with the same checks as the CLI; the route table is the single list of what exists.
public struct APIServer: Sendable {
    public let store: Store
    /// The signed-in terminals, in the database (``Sessions``). Wrong PINs are throttled by the Store itself.
    public let sessions: Sessions
    public let logger: Logger
    /// What each terminal's page is pushed (``TerminalEvents``).
    public let events: TerminalEvents
    /// The print server receipts go to (CUPS; a fake in tests).
    public let printer: any ReceiptPrinter
    /// The USB bus a terminal's USB drawer is on.
    public let usb: USBContext
    /// Drawer kicks started after committed calls (``DeviceWork``).
    public let deviceWork: DeviceWork
    /// The clinic's certificate authority (PEM), offered at `GET /ca.crt` for terminals to install; nil: 404.
    public let authorityCertificate: String?
    /// Open connections per client address (``ConnectionLimiter``).
    let connectionCounts = ConnectionCounts()

    public init(
        store: Store,
        sessions: Sessions? = nil,
        logger: Logger = Logger(label: "vetpos.server"),
        events: TerminalEvents = TerminalEvents(),
        printer: any ReceiptPrinter = CUPSClient.shared,
        usb: USBContext = .shared,
        deviceWork: DeviceWork = DeviceWork(),
        authorityCertificate: String? = nil
    ) {
        self.store = store
        self.sessions = sessions ?? Sessions(store: store)
        self.logger = logger
        self.events = events
        self.printer = printer
        self.usb = usb
        self.deviceWork = deviceWork
        self.authorityCertificate = authorityCertificate
    }

    /// Every route of the API, by area.
    public static let routes: [Route] =
        sessionRoutes + clientRoutes + invoiceRoutes + paymentRoutes + drawerRoutes + reportRoutes + exchangeRoutes
        + reconciliationRoutes + documentRoutes + terminalRoutes + printRoutes + backOfficeRoutes

    /// The router: every route of the table and the web pages (``WebApp``) behind the error and access-log
    /// middleware.
    public func router() -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: AccessMiddleware(logger: logger))
        for route in Self.routes {
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in
                try await self.respond(route, request, context)
            }
        }
        WebApp(server: self).register(on: router)
        router.get("/ca.crt") { _, _ in try self.authorityResponse() }
        return router
    }

    /// The clinic's certificate authority, for a terminal to install as a trusted root: public, no session needed.
    func authorityResponse() throws -> Response {
        guard let pem = authorityCertificate else {
            throw APIError(
                .notFound,
                "/ca.crt: this server does not use the clinic's certificate authority",
                code: "tls.noClinicAuthority"
            )
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-x509-ca-cert"
        headers[.contentDisposition] = "attachment; filename=\"vetpos-clinic-ca.crt\""
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: pem)))
    }

    /// The server application, listening on `host:port`, over HTTPS with the clinic's server certificate `tls`
    /// (plain HTTP without); `onRunning` gets the port actually bound (for port 0).
    public func application(
        host: String,
        port: Int,
        tls: ClinicTLS? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        // A connection that sends nothing for a minute between requests is closed: half-open or abandoned
        // connections must not pile up on the appliance (the event streams write a heartbeat every 15 s).
        let counts = connectionCounts
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionLimiter(counts: counts)],
            idleTimeout: .seconds(60)
        )
        return Application(
            router: router(),
            server: try tls.map {
                try HTTPServerBuilder.tls(.http1(configuration: http1), tlsConfiguration: try $0.serverConfiguration())
            } ?? HTTPServerBuilder.http1(configuration: http1),
            configuration: .init(address: .hostname(host, port: port), serverName: "VetPOS"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Authenticates, checks the role and the idempotency key, reads the body, then runs the route.
    func respond(_ route: Route, _ request: Request, _ context: APIContext) async throws -> Response {
        var session: Sessions.Session?
        if case .signedIn(let permissions) = route.access {
            var found = try await authenticate(request, queryToken: route.tokenInQuery)
            // Approval PINs in this request are throttled per terminal and address (PINBackoff).
            found.clerk.source = Self.source(terminal: found.clerk.terminal, address: context.clientAddress)
            context.trail.employee = found.clerk.employee.id
            let role = found.clerk.employee.role
            if !route.allows(role) {
                throw POSError.notPermitted(
                    employee: found.clerk.employee.id,
                    role: role,
                    action: permissions.map(\.rawValue).joined(separator: " or ")
                )
            }
            session = found
        }
        var commandID = ""
        var body = Data()
        if route.mutating {
            guard let key = request.headers[.idempotencyKey], !key.isEmpty else {
                throw APIError(
                    .badRequest,
                    "Idempotency-Key header: required on every \(route.method.rawValue) to \(route.path) "
                        + "(a new UUID per operation; resend the same key to retry safely)",
                    code: "idempotencyKey.required",
                    field: "Idempotency-Key header"
                )
            }
            do {
                try Identifier.validateCommandID(key)
            } catch {
                throw APIError(
                    .badRequest,
                    "Idempotency-Key header: a key is 8 to 64 letters, digits, - or _",
                    code: "idempotencyKey.invalid",
                    field: "Idempotency-Key header"
                )
            }
            commandID = key
            var request = request
            body = try await request.bodyData(context: context)
        }
        let call = APICall(
            request: request,
            context: context,
            server: self,
            session: session,
            commandID: commandID,
            body: body
        )
        let response = try await route.handler(call)
        await announce(route, call)
        return response
    }

    /// The session of a token, its idle timer restarted and its employee as the staff record says now: a disabled
    /// employee's sessions end at their next request, and a changed role applies at once.
    func session(_ token: String) async throws -> Sessions.Session? {
        guard let session = try await sessions.touch(token) else { return nil }
        let record = try await store.currentEmployee(session.clerk.employee.id)
        return try await sessions.follow(token, record: record)
    }

    /// Where a PIN comes from, for the throttle: the terminal at the client's address, so a terminal name claimed
    /// from another machine is counted apart from the real terminal.
    static func source(terminal: String, address: String) -> String { "\(terminal)@\(address)" }

    func authenticate(_ request: Request, queryToken: Bool = false) async throws -> Sessions.Session {
        if queryToken, request.headers[.authorization] == nil, let token = request.query("token") {
            guard let session = try await session(token) else {
                throw APIError(
                    .unauthorized,
                    "query token: the session is unknown or expired; sign in again",
                    code: "session.expired",
                    field: "query token"
                )
            }
            return session
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(
                .unauthorized,
                "Authorization header: sign in first (POST /api/sessions) and send Bearer TOKEN",
                code: "session.required",
                field: "Authorization header"
            )
        }
        guard let session = try await session(String(header.dropFirst("Bearer ".count))) else {
            throw APIError(
                .unauthorized,
                "Authorization header: the session is unknown or expired; sign in again",
                code: "session.expired",
                field: "Authorization header"
            )
        }
        return session
    }
}

extension HTTPField.Name {
    // safe: a literal, valid header name
    static let idempotencyKey = Self("Idempotency-Key")!
}

/// Turns every error into the API's JSON error and writes one access-log line per request: request id, method,
/// path, status, employee and duration. Never bodies, query strings, PINs or tokens.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let logger: Logger

    func handle(
        _ request: Request,
        context: APIContext,
        next: (Request, APIContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = Self.apiError(error, request)
            switch error as? POSError {
            case .authenticationFailed(let employee), .throttled(let employee, _):
                // Every refused PIN (sign-in or approval), with whose PIN and where from; never the PIN.
                logger.warning(
                    apiError.status == .tooManyRequests ? "PIN refused: too many wrong PINs" : "wrong PIN",
                    metadata: [
                        "request": .string(context.id), "employee": .string(employee),
                        "client": .string(context.clientAddress), "by": .string(context.trail.employee ?? "-"),
                        "path": .string(request.uri.path),
                    ]
                )
            default: break
            }
            if apiError.status == .internalServerError {
                logger.error(
                    "request failed",
                    metadata: ["request": .string(context.id), "error": .string(String(reflecting: error))]
                )
            }
            response = Reply.error(apiError)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "request",
            metadata: [
                "request": .string(context.id),
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "employee": .string(context.trail.employee ?? "-"),
                "ms": .string(String(format: "%.1f", milliseconds)),
                "client": .string(context.clientAddress),
            ]
        )
        return response
    }

    static func apiError(_ error: any Error, _ request: Request) -> APIError {
        if let error = error as? HTTPError {
            if error.status == .notFound {
                return APIError(
                    .notFound,
                    "no route for \(request.method.rawValue) \(request.uri.path)",
                    code: "route.notFound"
                )
            }
            return APIError(error.status, error.body ?? error.status.reasonPhrase, code: "http.\(error.status.code)")
        }
        return APIError.from(error)
    }
}
