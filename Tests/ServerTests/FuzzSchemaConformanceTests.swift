import Foundation
import HTTPTypes
import POSCore
import POSServer
import POSTestSupport
import Testing

/// Real responses of a day at the desk (in process), each checked against the schema the OpenAPI document gives for
/// its operation and status: the documented response schemas cannot drift from what the server returns.
@Suite struct FuzzSchemaConformanceTests {
    /// Collects every reply with its schema problems.
    final class Recorder: Sendable {
        let checker: SchemaChecker
        let api: API
        init(_ api: API) throws {
            self.api = api
            checker = try SchemaChecker(document: OpenAPIDocument.data())
        }

        @discardableResult
        func call(
            _ method: HTTPRequest.Method,
            _ uri: String,
            token: String?,
            json: String? = nil,
            key: String? = nil,
            expect status: Int
        ) async throws -> [String: Any] {
            let reply = try await api.call(
                method,
                uri,
                token: token,
                key: key
                    ?? (method == .post && uri != "/api/sessions" && !uri.hasSuffix("/quote")
                        ? ServerFixture.newKey() : nil),
                json: json
            )
            #expect(reply.status == status, "\(method) \(uri): \(reply)")
            switch checker.responseSchema(method: method.rawValue, path: uri, status: reply.status) {
            case .failure(let error):
                Issue.record("\(method) \(uri): \(error)")
            case .success(let schema):
                let problems = checker.problems(try JSONValue.parse(reply.body), schema)
                #expect(problems.isEmpty, "\(method) \(uri) \(reply.status): \(problems.prefix(8))")
            }
            return reply.json
        }
    }

    @Test func aDayAtTheDeskConformsToTheDocumentedResponseSchemas() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let r = try Recorder(api)
            let csr = try await api.signIn("CSR")
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let signIn = #"{"employee": "CSR2", "pin": "\#(TestClinic.pin("CSR2"))", "terminal": "FRONT-1"}"#
            let second = try #require(
                try await r.call(.post, "/api/sessions", token: nil, json: signIn, expect: 201)["token"] as? String
            )
            try await r.call(.get, "/api/sessions/current", token: csr, expect: 200)
            try await r.call(.get, "/api/clients", token: csr, expect: 200)
            try await r.call(.get, "/api/clients/OWNER", token: csr, expect: 200)
            try await r.call(
                .post,
                "/api/clients",
                token: csr,
                json: #"{"id": "NEW1", "name": "Nia New", "creditLimit": "100.00", "pets": "#
                    + #"[{"id": "NPET", "name": "Pip", "species": "Avian"}]}"#,
                expect: 200
            )
            let settings = try await r.call(.get, "/api/settings", token: csr, expect: 200)
            let drawer = try #require(settings["drawer"] as? [String: Any])
            let paidIn = try #require((drawer["paidInReasons"] as? [String])?.first)
            try await r.call(.get, "/api/catalog?search=exam", token: csr, expect: 200)

            try await r.call(
                .post,
                "/api/drawer/open",
                token: csr,
                json: #"{"count": {"20": 5, "5": 10}}"#,
                expect: 201
            )
            try await r.call(
                .post,
                "/api/drawer/paid-in",
                token: csr,
                json: #"{"amount": "10.00", "reason": "\#(paidIn)"}"#,
                expect: 200
            )
            try await r.call(
                .post,
                "/api/drawer/no-sale",
                token: csr,
                json: #"{"reason": "change for the parking meter"}"#,
                expect: 200
            )
            try await r.call(.get, "/api/drawer/x", token: csr, expect: 200)

            let opened = try await r.call(
                .post,
                "/api/invoices",
                token: csr,
                json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]}"#,
                expect: 201
            )
            let number = try #require(opened["number"] as? Int)
            try await r.call(
                .post,
                "/api/invoices/\(number)/lines",
                token: csr,
                json: #"{"lines": [{"patient": "MIA", "item": "RABIES", "provider": "VET"}]}"#,
                expect: 200
            )
            try await r.call(.get, "/api/invoices?open=true", token: csr, expect: 200)
            let quote = try await r.call(
                .post,
                "/api/invoices/\(number)/quote",
                token: csr,
                json: #"{"discounts": [{"class": "multiplePets", "percent": "10", "scope": "service"}, "#
                    + #"{"class": "multiplePets", "percent": "30"}]}"#,
                expect: 200
            )
            // The 30 % is over a CSR's ceiling on its own; once a manager signs it, the 10 % alone is within it: checkout
            // asks approval for the 30 % only, and so does the quote.
            #expect(quote["needsApproval"] as? [Int] == [1], "only the 30 % needs a manager")
            let paid = try await r.call(
                .post,
                "/api/checkouts",
                token: csr,
                json: #"{"client": "OWNER", "invoice": \#(number), "#
                    + #""discounts": [{"class": "multiplePets", "percent": "10", "scope": "service"}], "#
                    + #""payments": [{"tender": "cash", "amount": "50.00"}, {"tender": "credit", "amount": "30.00", "#
                    + #""brand": "visa", "last4": "4242", "authCode": "A1B2C3", "terminalId": "PAX-1"}]}"#,
                expect: 201
            )
            #expect(paid["status"] as? String == "paid")
            try await r.call(.post, "/api/invoices/\(number)/quote", token: csr, json: "{}", expect: 409)
            let payments = try #require(paid["payments"] as? [[String: Any]])
            let card = try #require(payments.first { $0["tender"] as? String == "credit" }?["number"] as? Int)
            try await r.call(
                .post,
                "/api/refunds",
                token: csr,
                json: #"{"payment": \#(card), "amount": "5.00", "reason": "price match"}"#,
                expect: 200
            )
            let other = try await r.call(
                .post,
                "/api/checkouts",
                token: csr,
                json: #"{"client": "CREDIT", "lines": [{"patient": "TOM", "item": "TOY", "provider": "VET"}], "#
                    + #""payments": [{"tender": "account", "amount": "8.23"}]}"#,
                expect: 201
            )
            let voided = try #require(other["number"] as? Int)
            try await r.call(
                .post,
                "/api/invoices/\(voided)/void",
                token: csr,
                json: #"{"reason": "rang the wrong client", "approval": {"employee": "MGR", "pin": "9001"}}"#,
                expect: 200
            )
            try await r.call(.get, "/api/invoices/\(number)", token: csr, expect: 200)

            // Receipts on the terminal's printer (the fixture's in-memory print server), the queue, the devices.
            try await r.call(
                .post,
                "/api/settings/devices",
                token: manager,
                json: #"{"terminal": "FRONT-1", "printer": "RECEIPT", "drawer": "printer", "scanner": true}"#,
                expect: 200
            )
            try await r.call(.post, "/api/invoices/\(number)/print", token: csr, json: "{}", expect: 200)
            try await r.call(.post, "/api/invoices/\(number)/reprint", token: csr, json: "{}", expect: 200)
            try await r.call(.get, "/api/print-jobs?all=true", token: csr, expect: 200)
            try await r.call(.post, "/api/print-jobs/retry", token: csr, json: #"{"queue": "RECEIPT"}"#, expect: 200)
            try await r.call(.get, "/api/devices", token: csr, expect: 200)
            try await r.call(.get, "/api/settings", token: csr, expect: 200)

            // The back office: staff, the catalog file, tax, coupons, the drawer rules, the journal.
            try await r.call(.get, "/api/employees", token: manager, expect: 200)
            try await r.call(
                .post,
                "/api/employees",
                token: manager,
                json: #"{"id": "NEWCSR", "name": "Nell New", "role": "csr", "pin": "73920518"}"#,
                expect: 201
            )
            try await r.call(
                .post,
                "/api/employees/NEWCSR",
                token: manager,
                json: #"{"active": false, "pin": "84721906"}"#,
                expect: 200
            )
            let tax = try #require(TestClinic.taxCategories.first?.code)
            try await r.call(
                .post,
                "/api/catalog/import",
                token: manager,
                json: "code,name,kind,price,tax_category,barcode,active\nLEASH,Leash,product,12.00,\(tax),,true\n",
                expect: 200
            )
            try await r.call(.get, "/api/catalog/tax", token: csr, expect: 200)
            try await r.call(
                .post,
                "/api/catalog/tax",
                token: manager,
                json: #"{"code": "FOOD", "name": "Food tax", "percent": "2.5"}"#,
                expect: 200
            )
            try await r.call(
                .post,
                "/api/coupons",
                token: manager,
                json: #"{"code": "FALL5", "description": "Fall visit", "amount": "5.00", "expiresOn": "2031-11-30", "#
                    + #""singleUse": true}"#,
                expect: 201
            )
            try await r.call(.get, "/api/coupons", token: csr, expect: 200)
            let rules = String(decoding: try JSONSerialization.data(withJSONObject: drawer), as: UTF8.self)
            try await r.call(.post, "/api/settings/drawer", token: manager, json: rules, expect: 200)
            try await r.call(.get, "/api/journal?after=1&limit=5", token: manager, expect: 200)

            // The blind close, the recount, a second employee's verification, the Z report.
            try await r.call(
                .post,
                "/api/drawer/close",
                token: csr,
                json: #"{"count": {"20": 6, "5": 10}}"#,
                expect: 200
            )
            try await r.call(
                .post,
                "/api/drawer/recount",
                token: csr,
                json: #"{"count": {"20": 8, "5": 10}}"#,
                expect: 200
            )
            let verified = try await r.call(
                .post,
                "/api/drawer/verify",
                token: second,
                json: #"{"note": "recounted", "approval": {"employee": "MGR", "pin": "9001"}}"#,
                expect: 200
            )
            let z = try #require(verified["zNumber"] as? Int)
            try await r.call(.get, "/api/drawer/z/\(z)?drawer=FRONT-1", token: manager, expect: 200)
            try await r.call(.get, "/api/drawer/history", token: manager, expect: 200)
            try await r.call(.get, "/api/reports/day", token: manager, expect: 200)
            let slip = try await r.call(.post, "/api/deposits", token: manager, json: "{}", expect: 201)
            let slipID = try #require(slip["id"] as? String)
            try await r.call(.get, "/api/deposits/\(slipID)", token: manager, expect: 200)
            try await r.call(.get, "/api/reports/deposit", token: manager, expect: 200)
            let batches = try await r.api.post("/api/batches/close", token: manager, json: #"{"all": true}"#)
            #expect(batches.status == 200, "\(batches)")
            let batch = try #require((batches.array.first as? [String: Any])?["id"] as? String, "\(batches)")
            try await r.call(.get, "/api/batches/\(batch)", token: manager, expect: 200)
            try await r.call(.get, "/api/reports/batches", token: manager, expect: 200)
            try await r.call(.get, "/api/reports/reconcile?date=2026-11-20", token: manager, expect: 200)
            try await r.call(.get, "/api/reconciliation/decisions", token: manager, expect: 200)
            try await r.call(.get, "/api/journal/verify", token: manager, expect: 200)
            let backup = "conformance-\(UUID().uuidString.prefix(8))"
            let made = try await r.call(
                .post,
                "/api/backups",
                token: manager,
                json: #"{"name": "\#(backup)"}"#,
                expect: 201
            )
            try await r.call(.get, "/api/status", token: manager, expect: 200)
            if let path = made["path"] as? String {
                for suffix in ["", ".verified"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }

            // Every error status is the documented {"error": "…"}.
            try await r.call(.get, "/api/clients", token: nil, expect: 401)
            try await r.call(.get, "/api/invoices/9999", token: csr, expect: 404)
            try await r.call(.post, "/api/invoices", token: csr, json: #"{"client": 7}"#, expect: 400)
            let bookkeeper = try await api.signIn("BOOK")
            try await r.call(.post, "/api/checkouts", token: bookkeeper, json: "{}", expect: 403)
            let key = ServerFixture.newKey()
            let body = #"{"client": "OWNER", "lines": [{"patient": "MIA", "item": "EXAM", "provider": "VET"}]}"#
            try await r.call(.post, "/api/invoices", token: csr, json: body, key: key, expect: 201)
            try await r.call(
                .post,
                "/api/invoices",
                token: csr,
                json: #"{"client": "STAFF", "lines": []}"#,
                key: key,
                expect: 409
            )
        }
    }

    /// The checker itself: a wrong type, a missing required property, an undocumented property, a bad amount and
    /// an unknown enum value are each reported with where they are.
    @Test func theCheckerReportsEachKindOfMismatch() throws {
        let checker = try SchemaChecker(document: OpenAPIDocument.data())
        let schema = try JSONValue.parse(Data(##"{"$ref": "#/components/schemas/Invoice"}"##.utf8))
        let invoice = try JSONValue.parse(
            Data(
                #"{"number": "1", "client": "C", "status": "lost", "total": "12.5", "surprise": 1}"#.utf8
            )
        )
        let problems = checker.problems(invoice, schema)
        #expect(problems.contains("$.number: string, documented as integer"), "\(problems)")
        #expect(problems.contains("$: required property 'lines' is missing"), "\(problems)")
        #expect(problems.contains("$: property 'surprise' is not documented"), "\(problems)")
        #expect(problems.contains { $0.hasPrefix("$.total: '12.5' does not match") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("$.status: 'lost' is not one of") }, "\(problems)")
    }
}
