import Foundation
import HTTPTypes
import POSServer
import Testing

/// The web pages: a signed-out browser is sent to sign-in; a signed-in one (the `vetpos_session` cookie) gets each
/// page with the element ids the browser tests use, everything from the database escaped; static files with their
/// types and caching headers.
@Suite struct WebPageTests {
    static func page(_ api: API, _ path: String, token: String?) async throws -> API.Reply {
        var headers = HTTPFields()
        if let token { headers[.cookie] = "vetpos_session=\(token)" }
        return try await api.call(.get, path, headers: headers)
    }

    static func expectHTML(_ reply: API.Reply, ids: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 200, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(reply.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        for id in ids {
            #expect(reply.text.contains("id=\"\(id)\""), "missing #\(id)", sourceLocation: sourceLocation)
        }
    }

    @Test func aSignedOutBrowserIsSentToSignInAndComesBack() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let signIn = try await Self.page(api, "/", token: nil)
            Self.expectHTML(signIn, ids: ["employee", "pin", "terminal", "sign-in"])
            #expect(signIn.text.contains("data-return=\"/desk\""))
            for path in ["/desk", "/invoices/1", "/drawer", "/reports", "/books"] {
                let reply = try await Self.page(api, path, token: nil)
                #expect(reply.status == 303, "\(path): \(reply)")
                let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                #expect(reply.headers[.location] == "/?return=\(encoded)", "\(path)")
            }
            let stale = try await Self.page(api, "/desk", token: "0123456789abcdef")
            #expect(stale.status == 303, "an unknown session is signed out: \(stale)")
            let back = try await Self.page(api, "/?return=%2Fdrawer", token: nil)
            #expect(back.text.contains("data-return=\"/drawer\""))
            let elsewhere = try await Self.page(api, "/?return=https://evil.example/", token: nil)
            #expect(elsewhere.text.contains("data-return=\"/desk\""), "only paths of this server are returned to")
            for attack in ["%2F%5Cevil.example", "%2F%2Fevil.example", "%2F%09%2Fevil.example", "%5C%5Cevil.example"] {
                let page = try await Self.page(api, "/?return=\(attack)", token: nil)
                #expect(page.text.contains("data-return=\"/desk\""), "\(attack) is not a path of this server")
            }
        }
    }

    @Test func theDeskAndTheInvoiceShowAClientNamedScriptAsText() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let saved = try await api.post(
                "/api/clients",
                token: manager,
                json:
                    #"{"id": "EVIL", "name": "<script>alert('x')</script>", "pets": [{"id": "P1", "name": "A&B", "species": "\"Cat\""}, {"id": "P2", "name": "Dot", "species": "Canine"}]}"#
            )
            #expect(saved.status == 200, "\(saved)")
            let csr = try await api.signIn("CSR")
            let opened = try await api.post(
                "/api/invoices",
                token: csr,
                json:
                    #"{"client": "EVIL", "lines": [{"patient": "P1", "item": "EXAM", "provider": "VET"}, {"patient": "P2", "item": "TOY", "provider": "CSR"}]}"#
            )
            #expect(opened.status == 201, "\(opened)")
            let number = try #require(opened.json["number"] as? Int)

            let desk = try await Self.page(api, "/desk", token: csr)
            Self.expectHTML(
                desk,
                ids: [
                    "new-invoice", "client", "client-search", "client-results", "client-card", "checkin-pet",
                    "checkin-item", "open-invoices", "sign-out", "drawer-state",
                ]
            )
            // Clients are searched on the server: the desk carries none of them (its size does not grow with them).
            #expect(!desk.text.contains("data-client="), "no client list on the desk")
            #expect(!desk.text.contains("<script>alert"), "the name is escaped")
            #expect(desk.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(desk.text.contains("href=\"/invoices/\(number)\""))
            #expect(desk.text.contains("data-terminal=\"FRONT-1\""))

            let invoice = try await Self.page(api, "/invoices/\(number)", token: csr)
            Self.expectHTML(
                invoice,
                ids: [
                    "line-search", "add-line", "pet", "lines", "discount-kind", "apply-discount", "total", "balance",
                    "approval", "approver", "approver-pin", "approval-reason", "approve", "tender-kind",
                    "tender-amount", "card-last4", "card-auth", "card-brand", "add-tender", "finish", "change-due",
                ]
            )
            #expect(!invoice.text.contains("<script>alert"))
            #expect(invoice.text.contains("A&amp;B") && invoice.text.contains("&quot;Cat&quot;"))
            #expect(invoice.text.contains("data-pet=\"P1\"") && invoice.text.contains("data-pet=\"P2\""), "per pet")
            let total = try #require(opened.json["total"] as? String)
            #expect(invoice.text.contains("id=\"total\" data-amount=\"\(total)\""), "the open invoice's total")
            #expect(invoice.text.contains("<option value=\"multiplePets\" selected>"), "two pets: multi-pet first")
            #expect(!invoice.text.contains("id=\"print\""), "nothing to print before the sale")

            let count = #"{"count": {"20": 3, "10": 4, "5": 6, "1": 20, "0.25": 40}}"#
            #expect(try await api.post("/api/drawer/open", token: csr, json: count).status == 201)
            let paid = try await api.post(
                "/api/checkouts",
                token: csr,
                json: #"{"client": "EVIL", "invoice": \#(number), "payments": [{"tender": "cash", "amount": "80.00"}]}"#
            )
            #expect(paid.status == 201, "\(paid)")
            let posted = try await Self.page(api, "/invoices/\(number)", token: csr)
            Self.expectHTML(posted, ids: ["print", "reprint", "change-due", "total", "payments"])
            #expect(!posted.text.contains("id=\"finish\""), "a posted invoice takes no tender")
            let change = try #require(
                ((paid.json["payments"] as? [[String: Any]])?.first?["change"] as? String)
            )
            #expect(posted.text.contains("id=\"change-due\">$\(change)<"), "\(change)")
            let receipt = try await Self.page(api, "/invoices/\(number)/receipt?print=1", token: csr)
            Self.expectHTML(receipt, ids: ["receipt", "print-now"])
            #expect(!receipt.text.contains("<script>alert") && receipt.text.contains("&lt;script&gt;"))

            let missing = try await Self.page(api, "/invoices/999999", token: csr)
            #expect(missing.status == 404 && missing.headers[.contentType] == "text/html; charset=utf-8")
            #expect(missing.text.contains("class=\"field-error\""), "\(missing)")
        }
    }

    @Test func theDrawerPageFollowsTheDrawerFromOpeningThroughTheBlindClose() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let closed = try await Self.page(api, "/drawer", token: csr)
            Self.expectHTML(closed, ids: ["count-20", "count-0.25", "open-drawer", "variance", "paid-in", "no-sale"])
            #expect(closed.text.contains("data-state=\"closed\""))
            #expect(!closed.text.contains("id=\"close-drawer\""))
            let count = #"{"count": {"20": 3, "10": 4, "5": 6, "1": 20, "0.25": 40}}"#
            #expect(try await api.post("/api/drawer/open", token: csr, json: count).status == 201)
            let open = try await Self.page(api, "/drawer", token: csr)
            Self.expectHTML(open, ids: ["close-drawer", "drop", "paid-out", "x-report"])
            #expect(!open.text.contains("id=\"open-drawer\""))
            #expect(!open.text.contains("expectedCash"), "the X report is blind for a cashier before the count")
            let close = try await api.post("/api/drawer/close", token: csr, json: count)
            #expect(close.status == 200, "\(close)")
            let counting = try await Self.page(api, "/drawer", token: csr)
            Self.expectHTML(counting, ids: ["recount", "verify", "keep-20", "variance"])
            #expect(counting.text.contains("data-state=\"counting\""))
            #expect(counting.text.contains("Last count $160.00"), "\(counting.text)")
        }
    }

    @Test func reportsAndBooksRenderForTheirRoles() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let reports = try await Self.page(api, "/reports", token: manager)
            Self.expectHTML(
                reports,
                ids: ["report-kind", "report-date", "show-report", "report-output", "show-z", "over-short"]
            )
            let book = try await api.signIn("BOOK", terminal: "OFFICE")
            let books = try await Self.page(api, "/books", token: book)
            Self.expectHTML(
                books,
                ids: ["export-format", "export-from", "export", "import-file", "import-progress", "imported-files"]
            )
            #expect(books.text.contains("href=\"/books\" aria-current=\"page\""))
            let csr = try await api.signIn("CSR")
            let refused = try await Self.page(api, "/books", token: csr)
            #expect(refused.status == 403 && refused.text.contains("export data"), "\(refused)")
            let badDay = try await Self.page(api, "/reports?date=yesterday", token: manager)
            #expect(badDay.status == 400 && badDay.text.contains("query date"), "\(badDay)")
        }
    }

    @Test func staticFilesHaveTheirTypesAndAreRevalidated() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let script = try await api.get("/static/app.js", token: nil)
            #expect(script.status == 200)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "no-cache")
            #expect(script.text.contains("Idempotency-Key") && script.text.contains("EventSource"))
            let etag = try #require(script.headers[.eTag])
            let again = try await api.call(.get, "/static/app.js", headers: [.ifNoneMatch: etag])
            #expect(again.status == 304 && again.body.isEmpty)
            let styles = try await api.get("/static/app.css", token: nil)
            #expect(styles.status == 200 && styles.headers[.contentType] == "text/css; charset=utf-8")
            #expect(styles.headers[.eTag] != etag)
            #expect(try await api.get("/static/missing.js", token: nil).status == 404)
            #expect(try await api.get("/static/..%2FPackage.swift", token: nil).status == 404)
            let page = try await api.get("/", token: nil)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "nothing from the network")
        }
    }
}
