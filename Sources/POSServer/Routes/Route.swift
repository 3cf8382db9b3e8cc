import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSStorage

/// One operation of the API. The table of these (``APIServer/routes``) is the only place routes are registered, and
/// what the OpenAPI document is checked against.
public struct Route: Sendable {
    /// Who may call it.
    public enum Access: Sendable, Equatable {
        /// No session needed (signing in, the OpenAPI document).
        case open
        /// A signed-in employee whose role grants at least one of these permissions (any employee when empty).
        case signedIn(anyOf: [Permission])
    }

    public let method: HTTPRequest.Method
    /// The path in OpenAPI form: `/api/invoices/{number}`.
    public let path: String
    public let access: Access
    /// Whether it changes what is stored: such a call needs an `Idempotency-Key`, and its body is read.
    public let mutating: Bool
    public let summary: String
    /// Whether the session token may also come as `?token=` (an `EventSource` cannot send headers).
    public let tokenInQuery: Bool
    let handler: @Sendable (APICall) async throws -> Response

    init(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ access: Access,
        mutating: Bool? = nil,
        tokenInQuery: Bool = false,
        _ summary: String,
        handler: @escaping @Sendable (APICall) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.access = access
        self.mutating = mutating ?? (method == .post)
        self.summary = summary
        self.tokenInQuery = tokenInQuery
        self.handler = handler
    }

    /// Whether a role passes the route's permission check.
    public func allows(_ role: Role) -> Bool {
        switch access {
        case .open: true
        case .signedIn(let permissions): permissions.isEmpty || permissions.contains(where: role.may)
        }
    }

    /// The path in Hummingbird's form: `/api/invoices/:number`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}

/// One call of a route: the request, who makes it, its idempotency key and its body.
public struct APICall: Sendable {
    public let request: Request
    public let context: APIContext
    public let server: APIServer
    /// The signed-in employee at their terminal (nil only on open routes).
    let session: Sessions.Session?
    /// The `Idempotency-Key` of a mutating call: the Store's command id.
    public let commandID: String
    /// The body of a mutating call.
    public let body: Data

    var store: Store { server.store }

    /// The signed-in employee.
    var clerk: Operator {
        get throws {
            guard let session else {
                throw APIError(.unauthorized, "sign in first (POST /api/sessions)", code: "session.required")
            }
            return session.clerk
        }
    }

    func decode<T: Decodable>(_ type: T.Type, injecting: [String: any Sendable] = [:]) throws -> T {
        try Body.decode(T.self, from: body, injecting: injecting)
    }
}
