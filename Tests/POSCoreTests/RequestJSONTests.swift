import Foundation
import POSCore
import Testing

@Suite struct RequestJSONTests {
    func decode(_ json: String) throws(POSError) -> CheckoutRequest {
        try RequestDecoder.decode(CheckoutRequest.self, from: Data(json.utf8), source: "visit.json")
    }

    @Test func readsAFullCheckout() throws {
        let request = try decode(
            """
            {"id": "a1b2c3d4-0001", "client": "OWNER",
             "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"},
                       {"patient": "MIA", "item": "SUSP", "quantity": "2.5", "provider": "VET"}],
             "discounts": [{"class": "multiplePets", "percent": "10", "scope": "service"},
                           {"class": "complimentaryExam", "line": 1},
                           {"class": "coupon", "code": "TENOFF"},
                           {"class": "employee", "amount": "5.00", "approval": {"employee": "MGR", "pin": "9001", "reason": "ok"}}],
             "payments": [{"tender": "cash", "amount": "20.00"},
                          {"tender": "check", "amount": "10.00", "number": "1001", "bank": "B", "payer": "P", "idNumber": "DL1234"},
                          {"tender": "credit", "amount": "5.55", "brand": "visa", "last4": "4242", "authCode": "AB12", "terminalId": "T1"}]}
            """
        )
        #expect(request.lines[1].quantity == Quantity(thousandths: 2500))
        #expect(request.discounts[0].target == .invoice(.kind(.service)))
        #expect(request.discounts[1].target == .line(1))
        #expect(request.discounts[3].approval?.pin == "9001")
        #expect(request.payments[1].check?.idNumber == "DL1234")
        #expect(request.payments[2].card?.last4 == "4242")
    }

    @Test(arguments: [
        (
            #"{"id":"x1234567","client":"C","lines":[],"payments":[{"tender":"cash","amount":12.5}]}"#,
            "visit.json, payments[0].amount: must be a string holding an amount such as 12.50"
        ),
        (
            #"{"id":"x1234567","client":"C","payments":[{"tender":"credit","amount":"1.00","cardNumber":"4111111111111111"}]}"#,
            "visit.json, payments[0].cardNumber: card numbers, security codes and expiry dates are never accepted; give last4 and authCode"
        ),
        (
            #"{"id":"x1234567","client":"C","lines":[{"patient":"P","item":"I","provider":"E","qty":"1"}]}"#,
            "visit.json, lines[0].qty: unknown field"
        ),
        (
            #"{"id":"x1234567","client":"C","payments":[{"tender":"bitcoin","amount":"1.00"}]}"#,
            "visit.json, payments[0].tender: 'bitcoin' is not one of cash, check, credit, debit, careCredit, account"
        ),
        (#"{"id":"x1234567","lines":[]}"#, "visit.json, client: is required"),
        (
            #"{"id":"x1234567","client":"C","payments":[{"tender":"cash","amount":"1,000.00"}]}"#,
            "visit.json, payments[0].amount: '1,000.00' is not an amount such as 12.50"
        ),
        (
            #"{"id":"x1234567","client":"C","discounts":[{"class":"employee","percent":"10","amount":"1.00"}]}"#,
            "visit.json, discounts[0].amount: give either percent or amount, not both"
        ),
    ])
    func refusesWithFieldAndReason(json: String, message: String) {
        #expect(throws: (any Error).self) { try decode(json) }
        do {
            _ = try decode(json)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func notJSONAtAll() {
        do {
            _ = try decode("id=1")
            Issue.record("decoded garbage")
        } catch {
            #expect(error.description.hasPrefix("visit.json: is not valid JSON"))
        }
    }

    @Test func theDigestLeavesOutPINs() throws {
        let request = try decode(
            #"{"id":"a1b2c3d4","client":"C","discounts":[{"class":"employee","percent":"20","approval":{"employee":"MGR","pin":"9001","reason":"ok"}}]}"#
        )
        let encoded = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        #expect(!encoded.contains("9001"))
        #expect(encoded.contains("MGR"))
    }
}
