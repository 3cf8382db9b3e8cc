import Foundation
import HTTPTypes
import POSServer
import Testing

/// Bad input gets one line saying what and where, a 4xx status, and leaves the database as it was.
@Suite struct BadInputTests {
    static let visit = #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]"#

    @Test func refusalsAreOneLineFourHundredsAndTouchNothing() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let before = try await fixture.snapshot()
            let cases: [(String, API.Reply, Int, String)] = [
                (
                    "malformed JSON",
                    try await api.post("/api/checkouts", token: csr, json: #"{"client": "OWNER", "#),
                    400, "body: is not valid JSON"
                ),
                (
                    "missing idempotency key",
                    try await api.call(.post, "/api/checkouts", token: csr, json: Self.visit + "}"),
                    400, "Idempotency-Key header: required"
                ),
                (
                    "short idempotency key",
                    try await api.call(.post, "/api/checkouts", token: csr, key: "abc", json: Self.visit + "}"),
                    400, "Idempotency-Key header: a key is 8 to 64"
                ),
                (
                    "wrong field type",
                    try await api.post(
                        "/api/checkouts",
                        token: csr,
                        json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": 7, "provider": "VET"}]}"#
                    ),
                    400, "body, lines[0].item"
                ),
                (
                    "card number",
                    try await api.post(
                        "/api/checkouts",
                        token: csr,
                        json: Self.visit
                            + #", "payments": [{"tender": "credit", "amount": "62.00", "cardNumber": "4111111111111111"}]}"#
                    ),
                    400, "card numbers, security codes and expiry dates are never accepted"
                ),
                (
                    "unknown item",
                    try await api.post(
                        "/api/checkouts",
                        token: csr,
                        json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "NOPE", "provider": "VET"}]}"#
                    ),
                    400, "NOPE"
                ),
                (
                    "unknown invoice",
                    try await api.get("/api/invoices/999", token: csr),
                    404, "invoice '999' not found"
                ),
                (
                    "unknown invoice to pay",
                    try await api.post(
                        "/api/invoices/999/payments",
                        token: csr,
                        json: #"{"payments": [{"tender": "cash", "amount": "10.00"}]}"#
                    ),
                    404, "999"
                ),
                (
                    "invoice in the body differs from the path",
                    try await api.post(
                        "/api/invoices/999/payments",
                        token: csr,
                        json: #"{"invoice": 5, "payments": [{"tender": "cash", "amount": "10.00"}]}"#
                    ),
                    400, "body, invoice: '5' differs from the path"
                ),
                ("not a number", try await api.get("/api/invoices/abc", token: csr), 400, "path number: 'abc'"),
                (
                    "wrong PIN",
                    try await api.call(
                        .post,
                        "/api/sessions",
                        json: #"{"employee": "MGR", "pin": "0000", "terminal": "FRONT-1"}"#
                    ),
                    401, "sign-in failed for employee MGR"
                ),
                ("unknown route", try await api.get("/api/nothing-here", token: csr), 404, "no route for GET"),
                ("bad date", try await api.get("/api/reports/deposit?date=March", token: csr), 400, "query date"),
            ]
            for (what, reply, status, message) in cases {
                #expect(reply.status == status, "\(what): \(reply)")
                #expect(reply.error.contains(message), "\(what): \(reply)")
                #expect(!reply.error.contains("\n"), "\(what): more than one line")
                #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true, "\(what)")
            }
            #expect(try await fixture.snapshot() == before, "a refused request changed the database")
        }
    }

    /// Every mutating route, as a manager (who may call them all): no key, then a body with an unknown field.
    @Test func everyMutatingRouteRefusesAMissingKeyAndAStrayFieldAndTouchesNothing() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR")
            let before = try await fixture.snapshot()
            let routes = APIServer.routes.filter { $0.mutating }
            #expect(routes.count >= 20)
            for route in routes {
                let uri = route.path.replacingOccurrences(of: "{number}", with: "1")
                let keyless = try await api.call(route.method, uri, token: manager, json: #"{"reason": "x"}"#)
                #expect(keyless.status == 400, "\(route.path): \(keyless)")
                #expect(keyless.error.hasPrefix("Idempotency-Key header: required"), "\(route.path): \(keyless)")
                let stray = try await api.post(uri, token: manager, json: #"{"bogus": 1}"#)
                #expect(stray.status == 400, "\(route.path): \(stray)")
                #expect(stray.error.hasPrefix("body"), "\(route.path): \(stray)")
            }
            #expect(try await fixture.snapshot() == before, "a refused request changed the database")
        }
    }
}
