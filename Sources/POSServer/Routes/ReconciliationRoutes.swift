import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSReports
import POSServices
import POSStorage

/// What people decide about matching: a match confirmed or made by hand, a manager's write-off, the reversal of
/// either. Each is checked against what matching sees now, as the CLI does.
extension APIServer {
    static let reconciliationRoutes: [Route] = [
        Route(
            .post,
            "/api/reconciliation/match",
            .signedIn(anyOf: [.reconcile]),
            "Record that items settle each other"
        ) { call in
            let body = try call.decode(MatchBody.self)
            return try await record(
                ReconciliationDecision(action: .match, left: body.left, right: body.right, reason: body.reason),
                call
            )
        },
        Route(
            .post,
            "/api/reconciliation/write-off",
            .signedIn(anyOf: [.overrideReconciliation]),
            "Take items out of matching for good, with the reason"
        ) { call in
            let body = try call.decode(MatchBody.self)
            guard body.right.isEmpty else {
                throw POSError.invalid(field: "body, right", reason: "a write-off names its items as left only")
            }
            return try await record(
                ReconciliationDecision(action: .writeOff, left: body.left, reason: body.reason),
                call
            )
        },
        Route(
            .post,
            "/api/reconciliation/reverse",
            .signedIn(anyOf: [.overrideReconciliation]),
            "Undo a recorded match or write-off"
        ) { call in
            let body = try call.decode(ReverseBody.self)
            return try await record(
                ReconciliationDecision(action: .reversal, reason: body.reason, reverses: body.decision),
                call
            )
        },
        Route(
            .get,
            "/api/reconciliation/decisions",
            .signedIn(anyOf: [.viewReports]),
            "Every matching decision, in the order made"
        ) { call in
            try Reply.json(try await call.store.reconciliationDecisions())
        },
    ]

    static func record(_ decision: ReconciliationDecision, _ call: APICall) async throws -> Response {
        let recorded = try await call.operations.recordDecision(decision, commandID: call.commandID)
        return try Reply.json(recorded, status: .created)
    }
}

/// `{"left": ["payment:P12"], "right": ["bank:ACCT:7"], "reason"}`
struct MatchBody: Decodable {
    var left: [MatchItem]
    var right: [MatchItem]
    var reason: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["left", "right", "reason"])
        left = try Self.items(object, "left")
        right = try Self.items(object, "right")
        reason = try object.required("reason")
    }

    static func items(_ object: KeyedDecodingContainer<FieldKey>, _ name: String) throws -> [MatchItem] {
        try object.optional(name, as: [MatchItem].self) ?? []
    }
}

/// `{"decision": 3, "reason"}`
struct ReverseBody: Decodable {
    var decision: Int64
    var reason: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["decision", "reason"])
        decision = try object.required("decision")
        reason = try object.required("reason")
    }
}
