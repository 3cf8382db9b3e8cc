import Foundation
import HTTPTypes
import POSServer
import Synchronization
import Testing

@Suite struct SessionTests {
    @Test func signInGivesAHexTokenThatAuthenticatesUntilSignOut() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let reply = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "CSR", "pin": "1234", "terminal": "FRONT-2"}"#
            )
            #expect(reply.status == 201, "\(reply)")
            let token = try #require(reply.json["token"] as? String)
            #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
            #expect(reply.json["role"] as? String == "csr")
            #expect(reply.json["expiresAt"] is String)
            let current = try await api.get("/api/sessions/current", token: token)
            #expect(current.status == 200 && current.json["terminal"] as? String == "FRONT-2", "\(current)")
            #expect(current.json["token"] == nil)
            #expect(try await api.call(.delete, "/api/sessions/current", token: token).status == 204)
            let after = try await api.get("/api/invoices", token: token)
            #expect(after.status == 401, "\(after)")
            #expect(after.error.contains("sign in again"))
            #expect(try await api.get("/api/invoices", token: nil).status == 401)
        }
    }

    @Test("an open session follows the staff record: disabled ends it, a demotion applies at the next request")
    func sessionsFollowTheStaffRecord() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let csr = try await api.signIn("CSR")
            #expect(try await api.get("/api/invoices", token: csr).status == 200)
            let disabled = try await api.post("/api/employees/CSR", token: manager, json: #"{"active": false}"#)
            #expect(disabled.status == 200, "\(disabled)")
            let afterDisable = try await api.post("/api/checkouts", token: csr, json: BadInputTests.visit + "}")
            #expect(afterDisable.status == 401, "a disabled CSR's open session still acts: \(afterDisable)")

            let added = try await api.post(
                "/api/employees",
                token: manager,
                json: #"{"id": "MGR2", "name": "Second Manager", "role": "manager", "pin": "7007"}"#
            )
            #expect(added.status == 201, "\(added)")
            let second = try await api.signIn("MGR2", pin: "7007")
            let demoted = try await api.post("/api/employees/MGR2", token: manager, json: #"{"role": "csr"}"#)
            #expect(demoted.status == 200, "\(demoted)")
            let attempt = try await api.post(
                "/api/employees",
                token: second,
                json: #"{"id": "EVIL", "name": "Another Manager", "role": "manager", "pin": "6006"}"#
            )
            #expect(attempt.status == 403, "a demoted manager's old session still manages staff: \(attempt)")
            let current = try await api.get("/api/sessions/current", token: second)
            #expect(current.json["role"] as? String == "csr", "\(current)")
        }
    }

    @Test("a sign-in body beyond a few KB is refused before it is read")
    func signInBodiesAreSmall() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let padding = String(repeating: "x", count: 64 * 1024)
            let big = #"{"employee": "CSR", "pin": "1234", "terminal": "FRONT-1", "x": "\#(padding)"}"#
            let reply = try await api.call(.post, "/api/sessions", json: big)
            #expect(reply.status == 413, "\(reply)")
        }
    }

    @Test func wrongPINIs401ThenBacksOffWith429PerEmployeeAndTerminal() async throws {
        let fixture = try await ServerFixture.make(clock: PINThrottleTests.standstill)
        try await fixture.test { api in
            let wrong = #"{"employee": "CSR", "pin": "9999", "terminal": "FRONT-1"}"#
            for attempt in 1...3 {
                let reply = try await api.call(.post, "/api/sessions", json: wrong)
                #expect(reply.status == 401, "attempt \(attempt): \(reply)")
                #expect(reply.error == "sign-in failed for employee CSR: wrong id or PIN")
                #expect(!reply.text.contains("9999"))
            }
            // Waiting now: even the right PIN is refused unchecked, with the wait.
            let locked = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "CSR", "pin": "1234", "terminal": "FRONT-1"}"#
            )
            #expect(locked.status == 429, "\(locked)")
            let retry = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retry > 0 && retry <= 900)
            #expect(locked.error.contains("too many wrong PINs for employee CSR"))
            // Another employee at the same terminal, and the same employee at another terminal, are not held up.
            #expect(try await api.signIn("MGR", terminal: "FRONT-1").count == 64)
            #expect(try await api.signIn("CSR", terminal: "FRONT-2").count == 64)
            // An unknown employee is answered exactly like a wrong PIN, and throttled alike.
            let unknown = #"{"employee": "NOBODY", "pin": "9999", "terminal": "FRONT-1"}"#
            var statuses: [Int] = []
            for _ in 1...4 { statuses.append(try await api.call(.post, "/api/sessions", json: unknown).status) }
            #expect(statuses == [401, 401, 401, 429], "\(statuses)")
        }
    }

    @Test func sessionsExpireWhenIdleAndEachCallRestartsTheTimer() async throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let fixture = try await ServerFixture.make(sessions: { store in
            Sessions(store: store, idleTimeout: .seconds(60), clock: { now.withLock { $0 } })
        })
        try await fixture.test { api in
            let token = try await api.signIn("CSR")
            now.withLock { $0 += 50 }
            #expect(try await api.get("/api/invoices", token: token).status == 200)
            now.withLock { $0 += 50 }  // 100 s after sign-in, 50 s after the last call
            #expect(try await api.get("/api/invoices", token: token).status == 200)
            now.withLock { $0 += 61 }
            let expired = try await api.get("/api/invoices", token: token)
            #expect(expired.status == 401 && expired.error.contains("expired"), "\(expired)")
        }
        #expect(try await fixture.server.sessions.count == 0)
    }

    @Test func aSessionEndsTwelveHoursAfterSignInHoweverBusy() async throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let fixture = try await ServerFixture.make(sessions: { store in
            Sessions(store: store, idleTimeout: .seconds(30 * 60), clock: { now.withLock { $0 } })
        })
        try await fixture.test { api in
            let token = try await api.signIn("CSR")
            for _ in 1...47 {  // every 15 minutes for 11 h 45 min
                now.withLock { $0 += 15 * 60 }
                #expect(try await api.get("/api/invoices", token: token).status == 200)
            }
            now.withLock { $0 += 15 * 60 + 1 }
            #expect(try await api.get("/api/invoices", token: token).status == 401)
        }
    }

    @Test("sessions are stored hashed and survive a restart of the server; signing out deletes them")
    func sessionsSurviveARestart() async throws {
        let fixture = try await ServerFixture.make()
        let signedIn = Mutex<[String]>([])
        try await fixture.test { api in
            let token = try await api.signIn("CSR", terminal: "FRONT-2")
            let other = try await api.signIn("VET", terminal: "EXAM-2")
            signedIn.withLock { $0 = [token, other] }
        }
        let (token, other) = signedIn.withLock { ($0[0], $0[1]) }
        let stored = try #require(try await fixture.snapshot(excluding: [])["session"])
        #expect(stored.count == 2)
        #expect(!stored.flatMap { $0 }.contains { $0.contains(token) || $0.contains(other) }, "a token is stored")
        #expect(stored.flatMap { $0 }.contains { $0.contains(Sessions.hash(token)) })

        let restarted = try fixture.restarted()
        try await restarted.test { api in
            let current = try await api.get("/api/sessions/current", token: token)
            #expect(current.status == 200, "\(current)")
            #expect(current.json["terminal"] as? String == "FRONT-2" && current.json["employee"] as? String == "CSR")
            #expect(try await api.get("/api/invoices", token: other).status == 200)
            #expect(try await api.call(.delete, "/api/sessions/current", token: token).status == 204)
        }
        let again = try fixture.restarted()
        try await again.test { api in
            let signedOut = try await api.get("/api/invoices", token: token)
            let stillIn = try await api.get("/api/invoices", token: other)
            let made = try await api.get("/api/invoices", token: String(repeating: "0", count: 64))
            let statuses: [Int] = [signedOut.status, stillIn.status, made.status]
            #expect(statuses == [401, 200, 401])
        }
    }
}
