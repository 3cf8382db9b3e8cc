import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSServices
import POSStorage

/// The cash drawer of the caller's terminal: counts by denomination (`{"20": 15, "0.25": 40}`), paid in and out,
/// safe drops, no-sales, shift changes, the blind close, recount, verification, adjustments, and the X and Z reports.
extension APIServer {
    static let drawerRoutes: [Route] = [
        Route(.post, "/api/drawer/open", .signedIn(anyOf: [.handleDrawer]), "Open the drawer with its count") { call in
            let body = try call.decode(CountBody.self)
            let count = try await body.count(call.store)
            return try Reply.json(
                try await call.operations.openDrawer(count: count, commandID: call.commandID),
                status: .created
            )
        },
        Route(.post, "/api/drawer/paid-in", .signedIn(anyOf: [.handleDrawer]), "Cash put in for a non-sale reason") {
            call in try await movement(.paidIn, call)
        },
        Route(.post, "/api/drawer/paid-out", .signedIn(anyOf: [.handleDrawer]), "Cash taken out for a non-sale reason")
        {
            call in try await movement(.paidOut, call)
        },
        Route(.post, "/api/drawer/drop", .signedIn(anyOf: [.handleDrawer]), "A safe drop, counted by denomination") {
            call in
            let body = try call.decode(CountBody.self)
            let event = try await call.operations.safeDrop(
                count: try await body.count(call.store),
                reason: body.reason ?? "safe drop",
                commandID: call.commandID
            )
            return try Reply.json(event)
        },
        Route(.post, "/api/drawer/no-sale", .signedIn(anyOf: [.noSale]), "Open the drawer without a sale") { call in
            let body = try call.decode(ReasonBody.self)
            let event = try await call.operations.noSale(reason: body.reason, commandID: call.commandID)
            return try Reply.json(event)
        },
        Route(
            .post,
            "/api/drawer/handover",
            .signedIn(anyOf: [.handleDrawer]),
            "Shift change: the incoming cashier signs with their PIN"
        ) { call in
            let body = try call.decode(CountBody.self)
            guard let incoming = body.incoming else {
                throw POSError.invalid(
                    field: "body, to",
                    reason: "is required: {\"employee\", \"pin\"} of the incoming cashier"
                )
            }
            let result = try await call.operations.handOver(
                count: try await body.count(call.store),
                to: incoming.request(reason: "shift change"),
                approval: body.approval?.request(reason: body.reason ?? "handover variance"),
                commandID: call.commandID
            )
            return try Reply.json(result)
        },
        Route(.post, "/api/drawer/close", .signedIn(anyOf: [.handleDrawer]), "The blind close count") { call in
            let body = try call.decode(CountBody.self)
            let result = try await call.operations.closeCount(
                count: try await body.count(call.store),
                checks: body.checks,
                cardSlips: body.cardSlips,
                commandID: call.commandID
            )
            return try Reply.json(result)
        },
        Route(.post, "/api/drawer/recount", .signedIn(anyOf: [.handleDrawer]), "The one recount after the close") {
            call in
            let body = try call.decode(CountBody.self)
            let result = try await call.operations.recount(
                count: try await body.count(call.store),
                commandID: call.commandID
            )
            return try Reply.json(result)
        },
        Route(
            .post,
            "/api/drawer/verify",
            .signedIn(anyOf: [.handleDrawer]),
            "A second employee verifies the close; reduce to float; the Z report"
        ) { call in
            let body = try call.decode(VerifyBody.self)
            let denominations = try await call.store.policy().drawer.denominations
            let keep = try body.keep.map { quantities in
                let count = CashCount(quantities)
                try count.validate(denominations, field: "body, keep")
                return count
            }
            let report = try await call.operations.verifyClose(
                keep: keep,
                note: body.note,
                approval: body.approval?.request(reason: body.note ?? ""),
                commandID: call.commandID
            )
            return try Reply.json(report)
        },
        Route(.post, "/api/drawer/adjust", .signedIn(anyOf: [.adjustDrawer]), "A manager's later correction") { call in
            let body = try call.decode(AdjustBody.self)
            let event = try await call.operations.adjustDrawer(
                amount: body.amount,
                reason: body.reason,
                corrects: body.corrects,
                commandID: call.commandID
            )
            return try Reply.json(event)
        },
        Route(
            .get,
            "/api/drawer/x",
            .signedIn(anyOf: [.handleDrawer, .viewDrawerTotals]),
            "The X report of this terminal's drawer (blind for a cashier until the count)"
        ) { call in
            try Reply.json(try await call.store.drawerReport(viewer: try call.clerk))
        },
        Route(
            .get,
            "/api/drawer/z/{number}",
            .signedIn(anyOf: [.handleDrawer, .viewReports]),
            "A closed session's Z report (?drawer=, default this terminal's)"
        ) { call in
            let clerk = try call.clerk
            let number = try call.context.number("number")
            guard let z = Int(exactly: number) else {
                throw POSError.invalid(field: "path number", reason: "'\(number)' is too large")
            }
            let drawer = call.request.query("drawer") ?? clerk.terminal
            return try Reply.json(try await call.store.zReport(drawer: drawer, number: z, viewer: clerk))
        },
        Route(
            .get,
            "/api/drawer/history",
            .signedIn(anyOf: [.viewDrawerTotals]),
            "Over/short of every close and handover (?cashier=&drawer=)"
        ) { call in
            let entries = try await call.store.overShortHistory(
                employee: call.request.query("cashier"),
                drawer: call.request.query("drawer"),
                viewer: try call.clerk
            )
            return try Reply.json(entries)
        },
    ]

    static func movement(_ kind: DrawerEventKind, _ call: APICall) async throws -> Response {
        let body = try call.decode(MovementBody.self)
        let event = try await call.operations.paidInOrOut(
            kind,
            amount: body.amount,
            reason: body.reason,
            note: body.note,
            approval: body.approval?.request(reason: body.note ?? body.reason),
            commandID: call.commandID
        )
        return try Reply.json(event)
    }
}

/// A count and what comes with it: `{"count": {"20": 15}, "reason", "to": {"employee", "pin"}, "checks": [],
/// "cardSlips": {"PAX-1": "120.00"}}` (each route reads what it needs; the others must be absent).
struct CountBody: Decodable {
    var quantities: [String: Int64]
    var reason: String?
    var incoming: Approval?
    /// A manager's PIN for a handover count beyond the tolerance.
    var approval: Approval?
    var checks: [String]
    var cardSlips: [String: Money]

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["count", "reason", "to", "approval", "checks", "cardSlips"])
        quantities = try object.required("count")
        reason = try object.optional("reason")
        incoming = try object.optional("to")
        approval = try object.optional("approval")
        checks = try object.optional("checks") ?? []
        var slips: [String: Money] = [:]
        for (terminal, text) in try object.optional("cardSlips", as: [String: String].self) ?? [:] {
            guard let amount = Money(parsing: text) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: object.codingPath + [FieldKey("cardSlips"), FieldKey(terminal)],
                        debugDescription: "'\(text)' is not an amount such as 120.00"
                    )
                )
            }
            slips[terminal] = amount
        }
        cardSlips = slips
    }

    /// The count, checked against the clinic's denominations.
    func count(_ store: Store) async throws -> CashCount {
        let count = CashCount(quantities)
        try count.validate(try await store.policy().drawer.denominations, field: "body, count")
        return count
    }
}

/// `{"amount": "12.50", "reason", "note"}`
struct MovementBody: Decodable {
    var amount: Money
    var reason: String
    var note: String?
    /// A manager's PIN for a paid-out above the clinic's limits.
    var approval: Approval?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["amount", "reason", "note", "approval"])
        amount = try object.money("amount")
        reason = try object.required("reason")
        note = try object.optional("note")
        approval = try object.optional("approval")
    }
}

/// `{"reason"}`
struct ReasonBody: Decodable {
    var reason: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["reason"])
        reason = try object.required("reason")
    }
}

/// `{"keep": {"20": 5}, "note", "approval": {"employee", "pin"}}`
struct VerifyBody: Decodable {
    var keep: [String: Int64]?
    var note: String?
    var approval: Approval?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["keep", "note", "approval"])
        keep = try object.optional("keep")
        note = try object.optional("note")
        approval = try object.optional("approval")
    }
}

/// `{"amount": "-5.00", "reason", "corrects": 12}`
struct AdjustBody: Decodable {
    var amount: Money
    var reason: String
    var corrects: Int64?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["amount", "reason", "corrects"])
        amount = try object.money("amount")
        reason = try object.required("reason")
        corrects = try object.optional("corrects")
    }
}
