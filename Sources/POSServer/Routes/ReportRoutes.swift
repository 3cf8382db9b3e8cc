import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSReports
import POSServices
import POSStorage

/// Reports, deposits and card batches, and the journal check.
extension APIServer {
    static let reportRoutes: [Route] = [
        Route(.get, "/api/reports/day", .signedIn(anyOf: [.viewReports]), "The day report (?date=YYYY-MM-DD)") { call in
            let day = try await call.day()
            return try Reply.json(try await call.store.dayReport(day, viewer: try call.clerk))
        },
        Route(
            .get,
            "/api/reports/deposit",
            .signedIn(anyOf: [.handleDrawer, .viewReports]),
            "The day's deposit slips and the drawers still waiting (?date=)"
        ) { call in
            let day = try await call.day()
            return try Reply.json(try await call.store.depositDay(day, viewer: try call.clerk))
        },
        Route(
            .get,
            "/api/reports/batches",
            .signedIn(anyOf: [.handleDrawer, .viewReports]),
            "The day's card batches with their settlement (?date=)"
        ) { call in
            let day = try await call.day()
            return try Reply.json(try await DepositReports.batchMatching(day, call.store, viewer: try call.clerk))
        },
        Route(
            .get,
            "/api/reports/reconcile",
            .signedIn(anyOf: [.viewReports]),
            "Batches and deposits matched to settlements and bank lines (?from=&to=, or ?date=)"
        ) { call in
            guard let first = try call.request.date("from") ?? call.request.date("date") else {
                throw POSError.invalid(field: "query from", reason: "is required (YYYY-MM-DD)")
            }
            let last = try call.request.date("to") ?? first
            guard last >= first else { throw POSError.invalid(field: "query to", reason: "\(last) is before from") }
            let outcome = try await ReconciliationReports.reconcile(
                call.store,
                viewer: try call.clerk,
                from: first,
                through: last
            )
            return try Reply.json(outcome.result)
        },
        Route(
            .post,
            "/api/deposits",
            .signedIn(anyOf: [.prepareDeposits]),
            "Make up the bank deposit from closed drawer sessions"
        ) { call in
            let body = try call.decode(DepositBody.self)
            let deposit = try await call.operations.prepareDeposit(
                sessions: body.sessions,
                note: body.note,
                commandID: call.commandID
            )
            return try Reply.json(deposit, status: .created)
        },
        Route(
            .get,
            "/api/deposits/{id}",
            .signedIn(anyOf: [.handleDrawer, .viewReports]),
            "A recorded deposit's slip"
        ) { call in
            let record = try await call.store.deposit(id: call.context.text("id"), viewer: try call.clerk)
            return try Reply.json(record)
        },
        Route(
            .post,
            "/api/batches/close",
            .signedIn(anyOf: [.prepareDeposits]),
            "Close a card terminal's batch (or every one's with all: true)"
        ) { call in
            let body = try call.decode(BatchCloseBody.self)
            let batches = try await call.operations.closeCardBatches(
                terminal: body.cardTerminal,
                reference: body.reference,
                reportedNet: body.reportedNet,
                commandID: call.commandID
            )
            return try Reply.json(batches)
        },
        Route(.get, "/api/batches/{id}", .signedIn(anyOf: [.handleDrawer, .viewReports]), "A closed card batch") {
            call in
            let record = try await call.store.cardBatch(id: call.context.text("id"), viewer: try call.clerk)
            return try Reply.json(record)
        },
        Route(.get, "/api/journal/verify", .signedIn(anyOf: [.verifyJournal]), "Recompute the journal's hash chain") {
            call in
            let result = try await call.store.auditJournal()
            struct Verification: Encodable {
                var verified: Bool
                var entries: Int64
                var head: String
                var problem: String?
                var findings: [String]
                var warnings: [String]
            }
            return try Reply.json(
                Verification(
                    verified: result.verified,
                    entries: result.entries,
                    head: result.head,
                    problem: result.findings.first,
                    findings: result.findings,
                    warnings: result.warnings
                )
            )
        },
    ]
}

extension APICall {
    /// `?date=`, or today's business day.
    func day() async throws -> BusinessDate {
        if let day = try request.date("date") { return day }
        return try await store.businessDate(atMillis: store.currentMillis)
    }
}

/// `{"sessions": [3, 4], "note"}` (every closed session waiting when sessions is absent)
struct DepositBody: Decodable {
    var sessions: [Int64]?
    var note: String?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["sessions", "note"])
        sessions = try object.optional("sessions")
        note = try object.optional("note")
    }
}

/// `{"cardTerminal", "reference", "reportedNet"}` or `{"all": true}`
struct BatchCloseBody: Decodable {
    var cardTerminal: String?
    var reference: String?
    var reportedNet: Money?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["cardTerminal", "all", "reference", "reportedNet"])
        cardTerminal = try object.optional("cardTerminal")
        reference = try object.optional("reference")
        reportedNet = try object.optionalMoney("reportedNet")
        let all = try object.optional("all", as: Bool.self) ?? false
        guard (cardTerminal == nil) == all else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: object.codingPath + [FieldKey("cardTerminal")],
                    debugDescription: "give either cardTerminal or all: true"
                )
            )
        }
        if all && (reference != nil || reportedNet != nil) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: object.codingPath + [FieldKey("reference")],
                    debugDescription: "reference and reportedNet belong to one terminal's batch, not all"
                )
            )
        }
    }
}
