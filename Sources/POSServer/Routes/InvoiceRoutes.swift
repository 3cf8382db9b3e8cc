import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSServices
import POSStorage

/// Catalog look-ups, invoices opened at check-in, lines added during the visit, checkout.
extension APIServer {
    static let invoiceRoutes: [Route] = [
        Route(.get, "/api/catalog", .signedIn(anyOf: []), "Catalog items, optionally filtered by ?search=") { call in
            let items = try await call.store.catalog()
            guard let search = call.request.query("search")?.lowercased(), !search.isEmpty else {
                return try Reply.json(items)
            }
            return try Reply.json(
                items.filter {
                    $0.code.lowercased().contains(search) || $0.name.lowercased().contains(search)
                        || ($0.barcode ?? "") == search
                }
            )
        },
        Route(.get, "/api/invoices", .signedIn(anyOf: []), "The open invoices (?open=true)") { call in
            if let open = call.request.query("open"), open != "true" {
                throw POSError.invalid(field: "query open", reason: "only open=true is listed; fetch others by number")
            }
            return try Reply.json(try await call.store.openInvoices())
        },
        Route(.post, "/api/invoices", .signedIn(anyOf: [.openInvoice]), "Open an invoice at check-in") { call in
            let body = try call.decode(OpenInvoiceBody.self)
            let view = try await call.operations.openInvoice(
                client: body.client,
                lines: body.lines,
                commandID: call.commandID
            )
            return try Reply.json(view, status: .created)
        },
        Route(.get, "/api/invoices/{number}", .signedIn(anyOf: []), "An invoice") { call in
            try Reply.json(try await call.store.invoice(try call.context.number("number")))
        },
        Route(
            .post,
            "/api/invoices/{number}/lines",
            .signedIn(anyOf: [.addVisitLines]),
            "Add lines to an open invoice"
        ) { call in
            let number = try call.context.number("number")
            let body = try call.decode(AddLinesBody.self)
            return try Reply.json(
                try await call.operations.addLines(body.lines, invoice: number, commandID: call.commandID)
            )
        },
        Route(
            .post,
            "/api/invoices/{number}/remove-line",
            .signedIn(anyOf: [.addVisitLines]),
            "Take a line off an open invoice (the lines after it move up)"
        ) { call in
            let number = try call.context.number("number")
            let body = try call.decode(RemoveLineBody.self)
            return try Reply.json(
                try await call.operations.removeLine(body.line, invoice: number, commandID: call.commandID)
            )
        },
        Route(
            .post,
            "/api/invoices/{number}/cancel",
            .signedIn(anyOf: [.openInvoice]),
            "Cancel an open invoice with a reason (it keeps its number and leaves the open list)"
        ) { call in
            let number = try call.context.number("number")
            let body = try call.decode(ReasonBody.self)
            return try Reply.json(
                try await call.operations.cancelInvoice(number, reason: body.reason, commandID: call.commandID)
            )
        },
        Route(
            .post,
            "/api/invoices/{number}/quote",
            .signedIn(anyOf: [.ringSales]),
            mutating: false,
            "Price an open invoice with the pending discounts, as checkout would; nothing is stored"
        ) { call in
            let number = try call.context.number("number")
            var request = call.request
            let body = try Body.decode(QuoteBody.self, from: try await request.bodyData(context: call.context))
            let quote = try await call.store.quote(invoice: number, discounts: body.discounts, by: try call.clerk)
            return try Reply.json(QuoteView(quote))
        },
        Route(
            .post,
            "/api/checkouts",
            .signedIn(anyOf: [.ringSales]),
            "Check out a visit (the checkout JSON; discounts with approval)"
        ) { call in
            let request = try call.decode(CheckoutRequest.self, injecting: ["id": call.commandID])
            let view = try await call.operations.checkout(request)
            return try Reply.json(view, status: .created)
        },
    ]
}

/// `{"line": 2}`
struct RemoveLineBody: Decodable {
    var line: Int

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["line"])
        line = try object.required("line")
    }
}

/// `{"client", "lines": [{"patient", "item", "quantity", "provider"}]}`
struct OpenInvoiceBody: Decodable {
    var client: String
    var lines: [LineRequest]

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["client", "lines"])
        client = try object.required("client")
        lines = try object.optional("lines") ?? []
    }
}

/// `{"lines": [ … ]}`
struct AddLinesBody: Decodable {
    var lines: [LineRequest]

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["lines"])
        lines = try object.required("lines")
    }
}

/// `{"discounts": [ … ]}`: the discounts part of the checkout JSON.
struct QuoteBody: Decodable {
    var discounts: [DiscountRequest]

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["discounts"])
        discounts = try object.optional("discounts") ?? []
    }
}

/// A quote's figures: the discounted subtotal, discounts, tax and total, and the discounts that need approval.
struct QuoteView: Encodable {
    struct Discount: Encodable {
        var index: Int
        var `class`: String
        var amount: Money
        var needsApproval: Bool
    }

    var subtotal: Money
    var discounts: [Discount]
    var discountTotal: Money
    var taxTotal: Money
    var total: Money
    var balanceDue: Money
    var needsApproval: [Int]

    init(_ quote: CheckoutQuote) {
        let invoice = quote.invoice
        subtotal = invoice.subtotal
        discounts = invoice.discounts.enumerated().map { index, discount in
            Discount(
                index: index,
                class: discount.spec.discountClass.rawValue,
                amount: discount.amount,
                needsApproval: quote.needsApproval.contains(index)
            )
        }
        discountTotal = invoice.discountTotal
        taxTotal = invoice.taxTotal
        total = invoice.total
        // Nothing is paid on an open invoice: payments are taken at checkout.
        balanceDue = invoice.total
        needsApproval = quote.needsApproval
    }
}
