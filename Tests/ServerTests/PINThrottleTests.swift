import Foundation
import HTTPTypes
import POSCore
import POSServer
import POSStorage
import Synchronization
import Testing

/// One throttle for every PIN check, in the database, per employee and source (PINBackoff).
@Suite struct PINThrottleTests {
    static func checkout(_ api: API, token: String, managerPIN: String) async throws -> API.Reply {
        try await api.post(
            "/api/checkouts",
            token: token,
            json: #"{"client": "STAFF", "lines": [{"patient": "BUDDY", "item": "EXAM", "provider": "VET"}], "#
                + #""discounts": [{"class": "employee", "percent": 25, "#
                + #""approval": {"employee": "MGR", "pin": "\#(managerPIN)", "reason": "staff benefit"}}]}"#
        )
    }

    /// The store's clock stands still in these tests: a loaded machine must not let a backoff run out between two
    /// requests of one test.
    static let standstill: @Sendable () -> Int64 = { 1_773_000_000_000 }

    @Test("20 wrong approval PINs from one session back off with 429 and Retry-After; the right PIN works elsewhere")
    func wrongApprovalPINsBackOffPerTerminal() async throws {
        let fixture = try await ServerFixture.make(clock: Self.standstill)
        try await fixture.test { api in
            let csr = try await api.signIn("CSR", terminal: "FRONT-1")
            let relief = try await api.signIn("CSR2", terminal: "FRONT-2")
            var statuses: [Int] = []
            for _ in 1...20 {
                let reply = try await Self.checkout(api, token: csr, managerPIN: "1111")
                statuses.append(reply.status)
                #expect(!reply.text.contains("1111"))
                if reply.status == 429 {
                    let retry = try #require(reply.headers[.retryAfter].flatMap { Int($0) }, "\(reply)")
                    #expect(retry >= 1 && retry <= 900)
                    #expect(reply.error.contains("too many wrong PINs for employee MGR"), "\(reply)")
                }
            }
            #expect(Array(statuses.prefix(3)) == [401, 401, 401], "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 }, "\(statuses)")
            #expect(statuses.filter { $0 == 401 }.count <= 6, "no backoff: \(statuses)")
            #expect(statuses.last == 429, "\(statuses)")
            // The pair still waits, even for the right PIN; another terminal is not held up.
            #expect(try await Self.checkout(api, token: csr, managerPIN: "9001").status == 429)
            let approved = try await Self.checkout(api, token: relief, managerPIN: "9001")
            #expect(approved.status == 201, "\(approved)")
            // The manager can still sign in at the office.
            let office = try await api.signIn("MGR", terminal: "OFFICE")

            // The failures are there for a manager, with employee and source, never the PIN.
            let manager = Operator(employee: Employee(id: "MGR", name: "Morgan Manager", role: .manager), terminal: "X")
            let failures = try await fixture.store.pinFailures(since: 0, viewer: manager)
            #expect(failures.count == statuses.filter { $0 == 401 }.count, "\(failures)")
            #expect(failures.allSatisfy { $0.employee == "MGR" && $0.source == "FRONT-1@unknown" && !$0.cleared })
            #expect(failures.allSatisfy { $0.purpose == "approval" })
            let table = try #require(try await fixture.snapshot(excluding: [])["pinFailure"])
            #expect(!table.flatMap { $0 }.contains { $0.contains("1111") })
            _ = office
        }
    }

    @Test("inventing terminal names from one address buys ten free guesses in all, not three per name")
    func oneAddressCannotGuessThroughNewTerminalNames() async throws {
        let fixture = try await ServerFixture.make(clock: Self.standstill)
        try await fixture.test { api in
            var statuses: [Int] = []
            for index in 1...12 {
                let reply = try await api.call(
                    .post,
                    "/api/sessions",
                    json: #"{"employee": "MGR", "pin": "0000", "terminal": "FAKE-\#(index)"}"#
                )
                statuses.append(reply.status)
            }
            #expect(statuses == Array(repeating: 401, count: 10) + [429, 429], "\(statuses)")
        }
    }

    @Test("a right PIN clears the pair's failures (they stay listed as cleared)")
    func aRightPINClearsThePair() async throws {
        let fixture = try await ServerFixture.make(clock: Self.standstill)
        try await fixture.test { api in
            let csr = try await api.signIn("CSR", terminal: "FRONT-1")
            for _ in 1...2 { #expect(try await Self.checkout(api, token: csr, managerPIN: "1111").status == 401) }
            #expect(try await Self.checkout(api, token: csr, managerPIN: "9001").status == 201)
            // Counting starts again: three more wrong PINs before any wait.
            for _ in 1...3 { #expect(try await Self.checkout(api, token: csr, managerPIN: "1111").status == 401) }
            #expect(try await Self.checkout(api, token: csr, managerPIN: "1111").status == 429)
            let manager = Operator(employee: Employee(id: "MGR", name: "Morgan Manager", role: .manager), terminal: "X")
            let failures = try await fixture.store.pinFailures(since: 0, viewer: manager)
            #expect(failures.map(\.cleared) == [false, false, false, true, true], "\(failures)")
        }
    }

    @Test("the throttle is in the database: a restarted server still makes the pair wait")
    func theThrottleSurvivesARestart() async throws {
        let now = Mutex(Int64(Date().timeIntervalSince1970 * 1000))
        let clock: @Sendable () -> Int64 = { now.withLock { $0 } }
        let fixture = try await ServerFixture.make(clock: clock)
        try await fixture.test { api in
            let wrong = #"{"employee": "MGR", "pin": "1111", "terminal": "FRONT-1"}"#
            var statuses: [Int] = []
            for step: Int64 in [0, 0, 0, 1000, 2000] {
                now.withLock { $0 += step }
                statuses.append(try await api.call(.post, "/api/sessions", json: wrong).status)
            }
            #expect(statuses == [401, 401, 401, 401, 401], "\(statuses)")  // five: the pair waits 4 s
        }
        let restarted = try fixture.restarted(clock: clock)
        try await restarted.test { api in
            let right = #"{"employee": "MGR", "pin": "9001", "terminal": "FRONT-1"}"#
            let refused = try await api.call(.post, "/api/sessions", json: right)
            #expect(refused.status == 429, "\(refused)")
            #expect(refused.headers[.retryAfter] == "4")
            #expect(try await api.signIn("MGR", terminal: "OFFICE").count == 64)
            now.withLock { $0 += 4000 }
            #expect(try await api.call(.post, "/api/sessions", json: right).status == 201)
        }
    }
}
