import Foundation
import HTTPTypes
import POSCore
import POSServer
import POSStorage
import Testing

/// The quote the invoice page shows before Finish: the pending discounts priced as checkout prices them, nothing
/// stored.
@Suite struct QuoteTests {
    @Test func aQuoteOfATwoPetInvoiceIsWhatTheCheckoutPostsAndStoresNothing() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let opened = try await api.post(
                "/api/invoices",
                token: csr,
                json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]}"#
            )
            let number = try #require(opened.json["number"] as? Int)
            let added = try await api.post(
                "/api/invoices/\(number)/lines",
                token: csr,
                json: #"{"lines": [{"patient": "MIA", "item": "RABIES", "provider": "VET"}]}"#
            )
            #expect(added.status == 200, "\(added)")
            let discounts = #"[{"class": "multiplePets", "percent": "10"}]"#

            let before = try await fixture.snapshot()
            let quote = try await api.call(
                .post,
                "/api/invoices/\(number)/quote",
                token: csr,
                json: #"{"discounts": \#(discounts)}"#
            )
            #expect(quote.status == 200, "\(quote)")
            #expect(quote.json["needsApproval"] as? [Int] == [])
            let over = try await api.call(
                .post,
                "/api/invoices/\(number)/quote",
                token: csr,
                json: #"{"discounts": [{"class": "multiplePets", "percent": "25"}]}"#
            )
            #expect(over.status == 200, "over the ceiling is reported, not refused: \(over)")
            #expect(over.json["needsApproval"] as? [Int] == [0])
            let none = try await api.call(.post, "/api/invoices/\(number)/quote", token: csr, json: "{}")
            #expect(none.json["discountTotal"] as? String == "0.00")
            #expect(try await fixture.snapshot() == before, "a quote stores nothing")

            let total = try #require(quote.json["total"] as? String)
            #expect(quote.json["balanceDue"] as? String == total)
            #expect(try #require(quote.json["discountTotal"] as? String) != "0.00")
            #expect(none.json["total"] as? String != total, "the quote is discounted")
            let discount = try #require((quote.json["discounts"] as? [[String: Any]])?.first)
            #expect(discount["amount"] as? String == quote.json["discountTotal"] as? String)
            let paid = try await api.call(
                .post,
                "/api/checkouts",
                token: csr,
                key: ServerFixture.newKey(),
                json: #"{"client": "OWNER", "invoice": \#(number), "discounts": \#(discounts), "#
                    + #""payments": [{"tender": "credit", "amount": "\#(total)", "brand": "visa", "last4": "4242", "#
                    + #""authCode": "A1B2C3", "terminalId": "PAX-1"}]}"#
            )
            #expect(paid.status == 201, "\(paid)")
            #expect(paid.json["status"] as? String == "paid")
            for field in ["subtotal", "discountTotal", "taxTotal", "total"] {
                #expect(paid.json[field] as? String == quote.json[field] as? String, "\(field)")
            }
            #expect(paid.json["balanceDue"] as? String == "0.00")
        }
    }
}
