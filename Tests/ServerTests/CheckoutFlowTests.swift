import Foundation
import HTTPTypes
import POSCore
import POSServer
import POSStorage
import Testing

/// The front desk through the API: open at check-in, add lines, check out, pay, void; replays; approvals; the
/// blind drawer report.
@Suite struct CheckoutFlowTests {
    static let count = #"{"20": 3, "10": 4, "5": 6, "1": 20, "0.25": 40}"#  // $160.00

    @Test func aVisitFromCheckInToPaymentWithAReplayedCheckout() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            #expect(
                try await api.post("/api/drawer/open", token: csr, json: #"{"count": \#(Self.count)}"#).status == 201
            )
            let opened = try await api.post(
                "/api/invoices",
                token: csr,
                json: #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]}"#
            )
            #expect(opened.status == 201, "\(opened)")
            let number = try #require(opened.json["number"] as? Int)
            let vet = try await api.signIn("VET", terminal: "EXAM-2")
            let added = try await api.post(
                "/api/invoices/\(number)/lines",
                token: vet,
                json: #"{"lines": [{"patient": "REX", "item": "RABIES", "provider": "VET"}]}"#
            )
            #expect(added.status == 200, "\(added)")
            #expect(try await api.get("/api/invoices?open=true", token: csr).array.count == 1)

            let key = ServerFixture.newKey()
            let body =
                #"{"client": "OWNER", "invoice": \#(number), "payments": [{"tender": "cash", "amount": "100.00"}]}"#
            let first = try await api.call(.post, "/api/checkouts", token: csr, key: key, json: body)
            #expect(first.status == 201, "\(first)")
            #expect(first.json["status"] as? String == "paid")
            #expect(first.json["total"] as? String == "86.99")
            let replay = try await api.call(.post, "/api/checkouts", token: csr, key: key, json: body)
            #expect(replay.status == 201 && replay.body == first.body, "a replay returns the first result")
            let different = try await api.call(
                .post,
                "/api/checkouts",
                token: csr,
                key: key,
                json: #"{"client": "OWNER", "invoice": \#(number)}"#
            )
            #expect(different.status == 409, "the same key with another request: \(different)")
            #expect(try await api.get("/api/invoices?open=true", token: csr).array.isEmpty)
            let stored = try await fixture.store.invoice(Int64(number))
            #expect(stored.payments.count == 1, "the replay stored nothing")

            // A CSR cannot void on their own, nor approve it themselves; a manager's PIN in the body does it.
            let alone = try await api.post(
                "/api/invoices/\(number)/void",
                token: csr,
                json: #"{"reason": "wrong client"}"#
            )
            #expect(alone.status == 403, "\(alone)")
            let selfApproved = try await api.post(
                "/api/invoices/\(number)/void",
                token: csr,
                json: #"{"reason": "wrong client", "approval": {"employee": "CSR", "pin": "1234"}}"#
            )
            #expect(selfApproved.status == 403, "\(selfApproved)")
            let voided = try await api.post(
                "/api/invoices/\(number)/void",
                token: csr,
                json: #"{"reason": "wrong client", "approval": {"employee": "MGR", "pin": "9001"}}"#
            )
            #expect(voided.status == 200 && voided.json["status"] as? String == "void", "\(voided)")
        }
    }

    @Test func overCeilingDiscountsNeedAnotherEmployeesApproval() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            func checkout(_ approval: String) async throws -> API.Reply {
                try await api.post(
                    "/api/checkouts",
                    token: csr,
                    json: #"{"client": "STAFF", "lines": [{"patient": "BUDDY", "item": "EXAM", "provider": "VET"}], "#
                        + #""discounts": [{"class": "employee", "percent": 25\#(approval)}]}"#
                )
            }
            let none = try await checkout("")
            #expect(none.status == 403, "\(none)")
            let own = try await checkout(#", "approval": {"employee": "CSR", "pin": "1234", "reason": "regular"}"#)
            #expect(own.status == 403, "a CSR cannot approve their own over-ceiling discount: \(own)")
            let wrongPIN = try await checkout(#", "approval": {"employee": "MGR", "pin": "1111", "reason": "regular"}"#)
            #expect(wrongPIN.status == 401, "\(wrongPIN)")
            let approved = try await checkout(#", "approval": {"employee": "MGR", "pin": "9001", "reason": "regular"}"#)
            #expect(approved.status == 201, "\(approved)")
            #expect(approved.json["total"] as? String == "46.50")
        }
    }

    @Test func theXReportIsBlindForACashierUntilTheCount() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let book = try await api.signIn("BOOK")
            #expect(
                try await api.post("/api/drawer/open", token: csr, json: #"{"count": \#(Self.count)}"#).status == 201
            )
            let paidIn = try await api.post(
                "/api/drawer/paid-in",
                token: csr,
                json: #"{"amount": "20.00", "reason": "change from the bank"}"#
            )
            #expect(paidIn.status == 200, "\(paidIn)")
            let blind = try await api.get("/api/drawer/x", token: csr)
            #expect(blind.status == 200, "\(blind)")
            #expect(blind.json["figures"] == nil, "a cashier sees no expected cash before the count: \(blind)")
            #expect(!blind.text.contains("180.00"), "\(blind)")
            let full = try await api.get("/api/drawer/x", token: book)
            let figures = full.json["figures"] as? [String: Any]
            #expect(full.status == 200 && figures?["expectedCash"] as? String == "180.00", "\(full)")
            let bookkeeperSale = try await api.post("/api/checkouts", token: book, json: #"{"client": "OWNER"}"#)
            #expect(bookkeeperSale.status == 403 && bookkeeperSale.error.contains("ring up sales"), "\(bookkeeperSale)")
        }
    }
}
