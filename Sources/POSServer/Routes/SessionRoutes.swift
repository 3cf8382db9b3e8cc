import Foundation
import HTTPTypes
import Hummingbird
import Logging
import POSCore
import POSStorage

/// `POST /api/sessions` {employee, pin, terminal}: sign in at a terminal. Wrong PINs are throttled per employee and
/// per client address, and logged (employee and address only).
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
            await call.server.sessions.close(session.token)
            return Response(status: .noContent)
        },
    ]

    func signIn(_ body: SignInBody, address: String) async throws -> Response {
        if let wait = await throttle.retryAfter(employee: body.employee, address: address) {
            logger.warning(
                "sign-in refused: too many wrong PINs",
                metadata: ["employee": .string(body.employee), "client": .string(address)]
            )
            throw APIError(
                .tooManyRequests,
                "sign-in for employee \(body.employee): too many wrong PINs; try again in \(wait) seconds",
                headers: [.retryAfter: String(wait)]
            )
        }
        let clerk: Operator
        do {
            clerk = try await store.signIn(employee: body.employee, pin: body.pin, terminal: body.terminal)
        } catch POSError.authenticationFailed(let employee) {
            let locked = await throttle.failed(employee: employee, address: address)
            logger.warning(
                locked ? "wrong PIN; sign-in locked out" : "wrong PIN",
                metadata: ["employee": .string(employee), "client": .string(address)]
            )
            throw POSError.authenticationFailed(employee: employee)
        }
        await throttle.succeeded(employee: clerk.employee.id)
        let session = await sessions.open(clerk)
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
        guard let session else { throw APIError(.unauthorized, "sign in first (POST /api/sessions)") }
        return session
    }
}
