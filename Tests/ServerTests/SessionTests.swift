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

    @Test func wrongPINIs401AndRepeatedWrongPINsAreThrottledWithRetryAfter() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let wrong = #"{"employee": "CSR", "pin": "9999", "terminal": "FRONT-1"}"#
            for attempt in 1...5 {
                let reply = try await api.call(.post, "/api/sessions", json: wrong)
                #expect(reply.status == 401, "attempt \(attempt): \(reply)")
                #expect(reply.error == "sign-in failed for employee CSR: wrong id or PIN")
                #expect(!reply.text.contains("9999"))
            }
            // Locked out now: even the right PIN is refused, with the wait.
            let locked = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "CSR", "pin": "1234", "terminal": "FRONT-1"}"#
            )
            #expect(locked.status == 429, "\(locked)")
            let retry = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retry > 0 && retry <= 300)
            // The same client address is locked out for other ids too.
            let other = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "MGR", "pin": "9001", "terminal": "FRONT-1"}"#
            )
            #expect(other.status == 429, "\(other)")
        }
    }

    @Test func throttleCountsPerEmployeeAndPerAddressAndExpires() async throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let throttle = SignInThrottle(clock: { now.withLock { $0 } })
        for _ in 1...4 { #expect(await !throttle.failed(employee: "CSR", address: "10.0.0.5")) }
        #expect(await throttle.retryAfter(employee: "CSR", address: "10.0.0.5") == nil)
        #expect(await throttle.failed(employee: "CSR", address: "10.0.0.6"))  // fifth for CSR, first for .6
        #expect(await throttle.retryAfter(employee: "CSR", address: "10.0.0.7") == 300)
        #expect(await throttle.retryAfter(employee: "VET", address: "10.0.0.6") == nil)
        now.withLock { $0 += 301 }
        #expect(await throttle.retryAfter(employee: "CSR", address: "10.0.0.7") == nil)
        // Failures older than the window do not add up.
        for _ in 1...4 { _ = await throttle.failed(employee: "TECH", address: "10.0.0.8") }
        now.withLock { $0 += 601 }
        #expect(await !throttle.failed(employee: "TECH", address: "10.0.0.8"))
    }

    @Test func sessionsExpireWhenIdleAndEachCallRestartsTheTimer() async throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let sessions = Sessions(idleTimeout: .seconds(60), clock: { now.withLock { $0 } })
        let fixture = try await ServerFixture.make(sessions: sessions)
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
        #expect(await sessions.count == 0)
    }
}
