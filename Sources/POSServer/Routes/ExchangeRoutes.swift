import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSReports
import POSServices
import POSStorage

/// The bookkeeper's files: exports of closed days (a download), imports of settlement files and bank statements
/// (the file is the body).
extension APIServer {
    static let exchangeRoutes: [Route] = [
        Route(
            .get,
            "/api/exports/{format}",
            .signedIn(anyOf: [.exportData]),
            "Closed business days as iif, qbo, ofx, xero, csv or hledger (?from=&to=&mapping=JSON)"
        ) { call in
            let name = call.context.text("format")
            guard let format = ExportFormat(rawValue: name) else {
                throw POSError.invalid(
                    field: "path format",
                    reason: "'\(name)' is not one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard let first = try call.request.date("from") else {
                throw POSError.invalid(field: "query from", reason: "is required (YYYY-MM-DD)")
            }
            let last = try call.request.date("to") ?? first
            let mapping = try call.request.query("mapping").map {
                try ExportMapping.read(Data($0.utf8), source: "query mapping")
            }
            let file = try await call.operations.export(
                format,
                from: first,
                through: last,
                mapping: mapping,
                rangeField: "query to"
            )
            return Reply.bytes(
                file.bytes,
                contentType: "application/octet-stream",
                headers: [.contentDisposition: "attachment; filename=\"\(file.fileName)\""]
            )
        },
        Route(
            .post,
            "/api/imports/settlement",
            .signedIn(anyOf: [.exportData]),
            "Import a processor settlement file (body; ?format=stripe|square|csv&mapping=JSON&name=)"
        ) { call in
            let outcome = try await call.operations.importSettlement(
                try importFile(call, defaultName: "settlement upload")
            )
            return try Reply.json(ImportReply(result: outcome.result, warnings: outcome.warnings))
        },
        Route(
            .post,
            "/api/imports/bank",
            .signedIn(anyOf: [.exportData]),
            "Import a bank statement (body; ?format=bai2|ofx|csv&mapping=JSON&name=)"
        ) { call in
            let outcome = try await call.operations.importBankStatement(
                try importFile(call, defaultName: "bank upload")
            )
            return try Reply.json(ImportReply(result: outcome.result, warnings: outcome.warnings))
        },
    ]

    /// The uploaded file (the body) and its query: `?format=&mapping=JSON&name=`; the Idempotency-Key is the command.
    static func importFile(_ call: APICall, defaultName: String) throws -> Operations.ImportFile {
        Operations.ImportFile(
            data: call.body,
            name: call.request.query("name") ?? defaultName,
            format: call.request.query("format"),
            mapping: try call.request.query("mapping").map {
                try CSVMapping.parse(Data($0.utf8), source: "query mapping")
            },
            commandID: call.commandID,
            formatField: "query format",
            mappingField: "query mapping",
            contentField: "body"
        )
    }
}

struct ImportReply: Encodable {
    var result: Store.ImportResult
    var warnings: [String]
}
