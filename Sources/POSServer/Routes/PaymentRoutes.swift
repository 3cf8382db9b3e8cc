import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSServices
import POSStorage

/// Later payments, refunds and voids.
extension APIServer {
    static let paymentRoutes: [Route] = [
        Route(
            .post,
            "/api/invoices/{number}/payments",
            .signedIn(anyOf: [.takePayment]),
            "Take a later payment toward a posted invoice"
        ) { call in
            let number = try call.context.number("number")
            let request = try call.decode(PaymentRequest.self, injecting: ["id": call.commandID, "invoice": number])
            return try Reply.json(try await call.operations.pay(request))
        },
        Route(.post, "/api/refunds", .signedIn(anyOf: [.refund]), "Refund (part of) a payment") { call in
            let request = try call.decode(RefundRequest.self, injecting: ["id": call.commandID])
            return try Reply.json(try await call.operations.refund(request))
        },
        Route(
            .post,
            "/api/invoices/{number}/void",
            .signedIn(anyOf: [.ringSales]),
            "Void a posted invoice on its own business day (a manager's approval unless a manager)"
        ) { call in
            let number = try call.context.number("number")
            let body = try call.decode(VoidBody.self)
            let request = VoidRequest(
                id: call.commandID,
                invoice: number,
                reason: body.reason,
                approval: body.approval?.request(reason: body.reason)
            )
            return try Reply.json(try await call.operations.void(request))
        },
    ]
}

/// `{"reason", "approval": {"employee", "pin"}}`
struct VoidBody: Decodable {
    var reason: String
    var approval: Approval?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["reason", "approval"])
        reason = try object.required("reason")
        approval = try object.optional("approval")
    }
}
