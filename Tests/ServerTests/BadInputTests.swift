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
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
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
                (
                    "year 9999 on a report",
                    try await api.get("/api/reports/batches?date=9999-12-31", token: manager),
                    400, "query date: '9999-12-31' is not a date YYYY-MM-DD from 1900 to 2999"
                ),
                (
                    "an export in year 9999",
                    try await api.get("/api/exports/csv?from=9999-12-01&to=9999-12-31", token: manager),
                    400, "query from"
                ),
                (
                    "an export of eleven centuries",
                    try await api.get("/api/exports/csv?from=1900-01-01&to=2999-12-31", token: manager),
                    400, "query to: at most 366 days"
                ),
            ]
            for (what, reply, status, message) in cases {
                #expect(reply.status == status, "\(what): \(reply)")
                #expect(reply.error.contains(message), "\(what): \(reply)")
                #expect(!reply.error.contains("\n"), "\(what): more than one line")
                // {"error": {"code", "message", "field"}}: a stable code beside the sentence.
                #expect(reply.code.wholeMatch(of: /[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+/) != nil, "\(what): \(reply)")
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
                #expect(keyless.code == "idempotencyKey.required", "\(route.path): \(keyless)")
                #expect(keyless.field == "Idempotency-Key header", "\(route.path): \(keyless)")
                let stray = try await api.post(uri, token: manager, json: #"{"bogus": 1}"#)
                #expect(stray.status == 400, "\(route.path): \(stray)")
                #expect(stray.error.hasPrefix("body"), "\(route.path): \(stray)")
            }
            #expect(try await fixture.snapshot() == before, "a refused request changed the database")
        }
    }

    /// Odd bodies and parameters on every route, as a manager: always an answer below 500 (a schemathesis run
    /// against the OpenAPI document is still to come; this is its smoke test).
    @Test func oddInputNeverCausesAServerError() async throws {
        let fixture = try await ServerFixture.make()
        let bodies = [
            "", "null", "[]", "123", #""text""#, "{", #"{"count": {"20": -1}}"#, #"{"count": {"7": 1}}"#,
            #"{"amount": "99999999999999999999.99", "reason": "change from the bank"}"#,
            #"{"amount": 12.5, "reason": "x"}"#, #"{"lines": [{}]}"#, #"{"client": "OWNER", "lines": null}"#,
            #"{"payments": [{"tender": "cash", "amount": "-5.00"}]}"#, #"{"left": ["nope"], "reason": "x"}"#,
            #"{"decision": -1, "reason": "x"}"#, #"{"sessions": [9223372036854775807]}"#,
            #"{"client": "\u0000", "id": "x"}"#,
        ]
        try await fixture.test { api in
            let manager = try await api.signIn("MGR")
            var answered = 0
            for route in APIServer.routes where !route.path.hasPrefix("/api/sessions") {
                let numbers = ["0", "-1", "99999999999999999999", "abc", "9223372036854775807"]
                for number in numbers {
                    let uri =
                        route.path.replacingOccurrences(of: "{number}", with: number)
                        .replacingOccurrences(of: "{id}", with: "%00x").replacingOccurrences(
                            of: "{format}",
                            with: "zip"
                        )
                        + "?date=2025-02-30&from=0000-00-00&to=x&open=maybe&mapping=%7B"
                    for body in route.method == .post ? bodies : [""] {
                        let reply = try await api.call(
                            route.method,
                            uri,
                            token: manager,
                            key: route.mutating ? ServerFixture.newKey() : nil,
                            json: route.method == .post ? body : nil
                        )
                        #expect(reply.status < 500, "\(route.method) \(uri) \(body): \(reply)")
                        #expect(reply.status != 401, "\(uri): \(reply)")
                        answered += 1
                        #expect(reply.status == 204 || !reply.error.isEmpty || reply.status < 300, "\(uri): \(reply)")
                    }
                    if !route.path.contains("{number}") { break }
                }
            }
            #expect(answered > 300)
        }
    }
}

/// A card number typed into any free-text field is refused with the field named, and nothing is stored anywhere
/// (the journal included).
@Suite struct CardNumberInTextTests {
    @Test func aCardNumberInAnyTextFieldIsRefusedAndNothingIsStored() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await DrawerKickTests.desk(api)
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let before = try await fixture.snapshot()
            let pan = "4111 1111 1111 1111"
            let cases: [(String, String, String)] = [
                ("/api/drawer/no-sale", csr, #"{"reason": "refund to \#(pan)"}"#),
                ("/api/drawer/paid-out", csr, #"{"amount": "5.00", "reason": "postage", "note": "card \#(pan)"}"#),
                ("/api/drawer/paid-in", csr, #"{"amount": "5.00", "reason": "change", "note": "\#(pan)"}"#),
                ("/api/clients", csr, #"{"id": "PANNY", "name": "Pat \#(pan)"}"#),
                ("/api/clients", csr, #"{"id": "PANNY", "name": "Pat", "email": "p@example.com", "phone": "\#(pan)"}"#),
                (
                    "/api/employees", manager,
                    #"{"id": "NEWB", "name": "New \#(pan)", "role": "csr", "pin": "5151"}"#
                ),
                (
                    "/api/coupons", manager,
                    #"{"code": "PAN", "description": "\#(pan)", "percent": "5", "expiresOn": "2030-01-01"}"#
                ),
            ]
            for (path, token, body) in cases {
                let reply = try await api.post(path, token: token, json: body)
                #expect(reply.status == 400, "\(path) \(body): \(reply)")
                #expect(reply.error.contains("card number"), "\(path): \(reply)")
                #expect(!reply.error.contains("4111"), "\(path): the refusal repeats the number")
            }
            #expect(try await fixture.snapshot() == before, "a refused request stored something")
        }
    }
}

/// The day report does not give a cashier the cash figures a blind count hides.
@Suite struct BlindDayReportTests {
    @Test func aCashierMidCountGetsTheDayReportWithoutItsCashFigures() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await DrawerKickTests.desk(api)
            let sale = try await api.post("/api/checkouts", token: csr, json: DrawerKickTests.cash)
            #expect(sale.status == 201, "\(sale)")
            let manager = try await api.signIn("MGR", terminal: "OFFICE")

            let blind = try await api.get("/api/reports/day", token: csr)
            #expect(blind.status == 200, "\(blind)")
            #expect(blind.json["cashHidden"] as? Bool == true)
            for hidden in ["collected", "changeGiven", "receivablesChange"] {
                #expect(blind.json[hidden] == nil, "\(hidden) shown to a blind cashier")
            }
            let tenders = try #require(blind.json["tenders"] as? [[String: Any]])
            #expect(!tenders.contains { $0["tender"] as? String == "cash" })

            let whole = try await api.get("/api/reports/day", token: manager)
            #expect(whole.json["cashHidden"] == nil && whole.json["collected"] is String, "\(whole)")
        }
    }
}
