import Foundation
import HTTPTypes
import POSCore
import POSServer
import POSTestSupport
import Testing

/// Staff, the catalog file, tax categories, coupons, settings, backups and the journal over the API.
@Suite struct BackOfficeRouteTests {
    @Test func aNewPINIsNeverInAResponseOrALogLine() async throws {
        let log = CapturedLog()
        let fixture = try await ServerFixture.make(logger: log.logger)
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let added = try await api.post(
                "/api/employees",
                token: manager,
                json: #"{"id": "NEWTECH", "name": "Nova Tech", "role": "technician", "pin": "48213957"}"#
            )
            #expect(added.status == 201, "\(added)")
            #expect(added.json["id"] as? String == "NEWTECH" && added.json["role"] as? String == "technician")
            #expect(Set(added.json.keys) == ["id", "name", "role", "active"])
            let first = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "NEWTECH", "pin": "48213957", "terminal": "FRONT-1"}"#
            )
            #expect(first.status == 201, "\(first)")
            let tooShort = try await api.post("/api/employees/NEWTECH", token: manager, json: #"{"pin": "zz4q"}"#)
            #expect(tooShort.status == 400 && tooShort.error.contains("a PIN is 4 to 8 digits"), "\(tooShort)")
            let changed = try await api.post(
                "/api/employees/NEWTECH",
                token: manager,
                json: #"{"pin": "59382716", "role": "csr"}"#
            )
            #expect(changed.status == 200 && changed.json["role"] as? String == "csr", "\(changed)")
            let newPIN = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "NEWTECH", "pin": "59382716", "terminal": "FRONT-1"}"#
            )
            #expect(newPIN.status == 201, "\(newPIN)")
            let oldPIN = try await api.call(
                .post,
                "/api/sessions",
                json: #"{"employee": "NEWTECH", "pin": "48213957", "terminal": "FRONT-1"}"#
            )
            #expect(oldPIN.status == 401)
            let disabled = try await api.post("/api/employees/NEWTECH", token: manager, json: #"{"active": false}"#)
            #expect(disabled.status == 200 && disabled.json["active"] as? Bool == false, "\(disabled)")
            let listed = try await api.get("/api/employees", token: manager)
            #expect(listed.status == 200 && listed.array.count == TestClinic.staff.count + 1, "\(listed)")
            let csr = try await api.signIn("CSR")
            #expect(try await api.get("/api/employees", token: csr).status == 403)
            let journal = try await api.get("/api/journal?limit=1000", token: manager)

            let everything =
                [added, tooShort, changed, disabled, listed, journal].map(\.text).joined()
                + log.all.map(\.text).joined(separator: "\n")
            for pin in ["48213957", "59382716", "zz4q"] {
                #expect(!everything.contains(pin), "PIN \(pin) is in a response or the log")
            }
            #expect(!log.all.isEmpty)
        }
    }

    @Test func aCatalogImportRefusalNamesTheLineAndFieldAndChangesNothing() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let tax = try #require(TestClinic.taxCategories.first?.code)
            let header = "code,name,kind,price,tax_category,barcode,active\n"
            let before = try await fixture.snapshot()
            let badPrice =
                header + "NEWA,New A,product,4.00,\(tax),,true\nNEWB,New B,product,\"1,234.00\",\(tax),,true\n"
            let price = try await api.call(
                .post,
                "/api/catalog/import?name=prices.csv",
                token: manager,
                key: ServerFixture.newKey(),
                bytes: Data(badPrice.utf8)
            )
            #expect(price.status == 400, "\(price)")
            #expect(price.error.hasPrefix("prices.csv line 3, price"), "\(price)")
            let unknownTax = header + "NEWA,New A,product,4.00,NOTAX,,true\n"
            let category = try await api.call(
                .post,
                "/api/catalog/import",
                token: manager,
                key: ServerFixture.newKey(),
                bytes: Data(unknownTax.utf8)
            )
            #expect(category.status == 400, "\(category)")
            #expect(category.error.hasPrefix("body line 2, tax_category"), "\(category)")
            #expect(category.error.contains("NOTAX") && !category.error.contains("\n"))
            #expect(try await fixture.snapshot() == before)

            let good = header + "NEWA,New A,product,4.00,\(tax),,true\n"
            let key = ServerFixture.newKey()
            let imported = try await api.call(
                .post,
                "/api/catalog/import",
                token: manager,
                key: key,
                bytes: Data(good.utf8)
            )
            #expect(imported.status == 200 && imported.json["added"] as? Int == 1, "\(imported)")
            #expect(imported.json["alreadyImported"] as? Bool == false)
            let replay = try await api.call(
                .post,
                "/api/catalog/import",
                token: manager,
                key: key,
                bytes: Data(good.utf8)
            )
            #expect(replay.json["alreadyImported"] as? Bool == true, "\(replay)")
            let export = try await api.get("/api/catalog/export", token: try await api.signIn("CSR"))
            #expect(export.status == 200 && export.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(export.text.hasPrefix(header) && export.text.contains("NEWA,New A,product,4.00,\(tax),,true"))
        }
    }

    @Test func aBackupGoesOnlyToTheBackupsFolder() async throws {
        let fixture = try await ServerFixture.make()
        let folder = URL(fileURLWithPath: fixture.path).deletingLastPathComponent().appendingPathComponent("backups")
        let name = "api-test-\(UUID().uuidString.prefix(8))"
        defer {
            for suffix in ["", ".verified"] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name + ".sqlite" + suffix))
            }
        }
        try await fixture.test { api in
            let bookkeeper = try await api.signIn("BOOK")
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-outside.sqlite").path
            for bad in ["../\(name)", outside, "a/b", ".hidden", "..", "", String(repeating: "x", count: 65)] {
                let reply = try await api.post("/api/backups", token: bookkeeper, json: #"{"name": "\#(bad)"}"#)
                #expect(reply.status == 400 && reply.error.hasPrefix("body, name:"), "\(bad): \(reply)")
            }
            #expect(!FileManager.default.fileExists(atPath: outside))
            #expect(!FileManager.default.fileExists(atPath: folder.deletingLastPathComponent().path + "/\(name)"))
            let csr = try await api.signIn("CSR")
            #expect(try await api.post("/api/backups", token: csr, json: #"{"name": "\#(name)"}"#).status == 403)

            let made = try await api.post("/api/backups", token: bookkeeper, json: #"{"name": "\#(name)"}"#)
            #expect(made.status == 201, "\(made)")
            #expect(made.json["verified"] as? Bool == true && made.json["integrity"] as? String == "ok")
            #expect(made.json["path"] as? String == folder.appendingPathComponent(name + ".sqlite").path)
            #expect((made.json["journalEntries"] as? Int ?? 0) > 0)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name + ".sqlite").path))
            let again = try await api.post("/api/backups", token: bookkeeper, json: #"{"name": "\#(name)"}"#)
            #expect(again.status == 409 && again.error.contains("already exists"), "\(again)")
        }
    }

    @Test func theStatusIsForManagersInJSONAndOnItsPage() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let csr = try await api.signIn("CSR")
            let refused = try await api.get("/api/status", token: csr)
            #expect(refused.status == 403 && refused.error.contains("is not permitted"), "\(refused)")
            let status = try await api.get("/api/status", token: manager)
            #expect(status.status == 200, "\(status)")
            let database = try #require(status.json["database"] as? [String: Any])
            #expect(database["path"] as? String == fixture.path)
            #expect(database["journalVerified"] as? Bool == true)
            #expect((database["journalEntries"] as? Int ?? 0) > 0)
            #expect(database["pendingMigrations"] as? [String] == [])
            #expect(status.json["backupOverdue"] is Bool)
            #expect(status.json["devices"] is [String: Any])

            let page = try await WebPageTests.page(api, "/status", token: manager)
            #expect(page.status == 200)
            let html = String(decoding: page.body, as: UTF8.self)
            for words in ["<h1>Status</h1>", "Journal", "verified up to entry", "Size", " MB", "Last verified backup"] {
                #expect(html.contains(words), "\(words)")
            }
            #expect(!html.contains("journalEntries") && !html.contains("Millis"), "no raw field names")
            let desk = try await WebPageTests.page(api, "/desk", token: manager)
            #expect(String(decoding: desk.body, as: UTF8.self).contains("href=\"/status\""))
            let csrDesk = try await WebPageTests.page(api, "/desk", token: csr)
            #expect(!String(decoding: csrDesk.body, as: UTF8.self).contains("href=\"/status\""))
            #expect(try await WebPageTests.page(api, "/status", token: csr).status == 403)
        }
    }

    @Test func taxCouponsDrawerRulesAndTheJournal() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR", terminal: "OFFICE")
            let csr = try await api.signIn("CSR")
            let tax = try await api.post(
                "/api/catalog/tax",
                token: manager,
                json: #"{"code": "FOOD", "name": "Food tax", "percent": "2.5"}"#
            )
            #expect(tax.status == 200 && tax.json["ratePPM"] as? Int == 25_000, "\(tax)")
            #expect(tax.json["percent"] as? String == "2.5%")
            let rates = try await api.get("/api/catalog/tax", token: csr)
            #expect(rates.array.contains { ($0 as? [String: Any])?["code"] as? String == "FOOD" }, "\(rates)")
            #expect(try await api.post("/api/catalog/tax", token: csr, json: tax.text).status == 403)

            let coupon = try await api.post(
                "/api/coupons",
                token: manager,
                json: #"{"code": "SPRING", "description": "Spring checkup", "percent": "10", "#
                    + #""scope": "service", "expiresOn": "2031-05-31"}"#
            )
            #expect(coupon.status == 201 && coupon.json["percent"] as? String == "10%", "\(coupon)")
            let both = try await api.post(
                "/api/coupons",
                token: manager,
                json:
                    #"{"code": "BOTH", "description": "x", "percent": "10", "amount": "5.00", "expiresOn": "2031-05-31"}"#
            )
            #expect(both.status == 400 && both.error.contains("either a percent or an amount"), "\(both)")
            let coupons = try await api.get("/api/coupons", token: csr)
            #expect(coupons.array.count == 1, "\(coupons)")

            var drawer = try #require(try await api.get("/api/settings", token: csr).json["drawer"] as? [String: Any])
            drawer["floatTarget"] = "175.00"
            let rules = String(decoding: try JSONSerialization.data(withJSONObject: drawer), as: UTF8.self)
            let updated = try await api.post("/api/settings/drawer", token: manager, json: rules)
            #expect(updated.status == 200, "\(updated)")
            let settings = try await api.get("/api/settings", token: csr).json
            #expect((settings["drawer"] as? [String: Any])?["floatTarget"] as? String == "175.00")
            drawer["surprise"] = true
            let unknown = String(decoding: try JSONSerialization.data(withJSONObject: drawer), as: UTF8.self)
            let refused = try await api.post("/api/settings/drawer", token: manager, json: unknown)
            #expect(refused.status == 400 && refused.error.contains("surprise"), "\(refused)")

            let first = try await api.get("/api/journal?limit=2", token: manager)
            let firstPage = first.array.compactMap { ($0 as? [String: Any])?["sequence"] as? Int }
            #expect(firstPage == [1, 2], "\(first)")
            let next = try await api.get("/api/journal?after=2&limit=1", token: manager)
            #expect((next.array.first as? [String: Any])?["sequence"] as? Int == 3, "\(next)")
            #expect(try await api.get("/api/journal?limit=0", token: manager).status == 400)
            #expect(try await api.get("/api/journal?after=-1", token: manager).status == 400)
            #expect(try await api.get("/api/journal", token: csr).status == 403)
        }
    }
}
