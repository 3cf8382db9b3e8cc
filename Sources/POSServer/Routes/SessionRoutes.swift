import Foundation
import HTTPTypes
import Hummingbird
import Logging
import POSCore
import POSStorage

/// `POST /api/sessions` {employee, pin, terminal}: sign in at a terminal. Wrong PINs are throttled per employee and
/// terminal at the client's address (``PINBackoff``), and logged (employee and address only).
struct SignInBody: Decodable {
    var employee: String
    var pin: String
    var terminal: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["employee", "pin", "terminal"])
        employee = try object.required("employee")
        pin = try object.required("pin")
        terminal = try object.required("terminal")
    }
}

struct SessionView: Encodable {
    var token: String?
    var employee: String
    var name: String
    var role: Role
    var terminal: String
    var expiresAt: Date
}

extension APIServer {
    static let sessionRoutes: [Route] = [
        Route(.post, "/api/sessions", .open, mutating: false, "Sign in with a PIN at a terminal") { call in
            var request = call.request
            // Anyone on the network may call this route: a sign-in is a few dozen bytes, so a few KB is plenty.
            let data = try await request.bodyData(context: call.context, limit: 4096)
            let body = try Body.decode(SignInBody.self, from: data)
            return try await call.server.signIn(body, address: call.context.clientAddress)
        },
        Route(.get, "/api/sessions/current", .signedIn(anyOf: []), "Who is signed in, and until when") { call in
            let session = try call.sessionOrThrow()
            return try Reply.json(SessionView(session, token: nil))
        },
        Route(.delete, "/api/sessions/current", .signedIn(anyOf: []), mutating: false, "Sign out") { call in
            let session = try call.sessionOrThrow()
            try await call.server.sessions.close(session.token)
            return Response(status: .noContent)
        },
    ]

    func signIn(_ body: SignInBody, address: String) async throws -> Response {
        // Wrong PINs are throttled per employee and terminal-at-address by the Store (PINBackoff) and logged by the
        // access middleware.
        let clerk = try await store.signIn(
            employee: body.employee,
            pin: body.pin,
            terminal: body.terminal,
            source: Self.source(terminal: body.terminal, address: address)
        )
        let session = try await sessions.open(clerk)
        logger.info(
            "signed in",
            metadata: [
                "employee": .string(clerk.employee.id), "terminal": .string(clerk.terminal),
                "client": .string(address),
            ]
        )
        return try Reply.json(SessionView(session, token: session.token), status: .created)
    }
}

extension SessionView {
    init(_ session: Sessions.Session, token: String?) {
        self.init(
            token: token,
            employee: session.clerk.employee.id,
            name: session.clerk.employee.name,
            role: session.clerk.employee.role,
            terminal: session.clerk.terminal,
            expiresAt: session.expiresAt
        )
    }
}

extension APICall {
    func sessionOrThrow() throws -> Sessions.Session {
        guard let session else {
            throw APIError(.unauthorized, "sign in first (POST /api/sessions)", code: "session.required")
        }
        return session
    }
}
