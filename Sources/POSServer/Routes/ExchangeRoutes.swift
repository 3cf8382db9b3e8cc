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
            try BusinessDate.checkRange(
                from: first,
                through: last,
                maximumDays: ExportFormat.maximumDays,
                field: "query to"
            )
            let mapping = try call.request.query("mapping").map {
                try ExportMapping.read(Data($0.utf8), source: "query mapping")
            }
            try call.clerk.require(.exportData)
            let source = try await call.store.exportDays(from: first, through: last)
            let entries = try source.days.map(ExportEntries.entry)
            guard let zone = TimeZone(identifier: source.timeZone) else {
                throw POSError.conflict("the clinic's time zone '\(source.timeZone)' is not known")
            }
            let context = ExportContext(
                clinic: source.clinic,
                mapping: mapping ?? .standard,
                timeZone: zone,
                first: first,
                last: last
            )
            let bytes = try Exporter.write(entries, as: format, context: context)
            let file = "vetpos-\(first)\(first == last ? "" : "-to-\(last)").\(format.fileExtension)"
            return Reply.bytes(
                bytes,
                contentType: "application/octet-stream",
                headers: [.contentDisposition: "attachment; filename=\"\(file)\""]
            )
        },
        Route(
            .post,
            "/api/imports/settlement",
            .signedIn(anyOf: [.exportData]),
            "Import a processor settlement file (body; ?format=stripe|square|csv&mapping=JSON&name=)"
        ) { call in
            let source = call.request.query("name") ?? "settlement upload"
            let mapping = try call.request.query("mapping").map {
                try CSVMapping.parse(Data($0.utf8), source: "query mapping")
            }
            let format: SettlementFormat
            if let name = call.request.query("format") {
                guard let chosen = SettlementFormat(rawValue: name) else {
                    throw POSError.invalid(field: "query format", reason: "'\(name)' is not stripe, square or csv")
                }
                format = chosen
            } else if mapping != nil {
                format = .csv
            } else if let detected = SettlementImport.detect(call.body) ?? SettlementImport.nearest(call.body) {
                format = detected
            } else {
                throw POSError.invalid(
                    field: "body",
                    reason:
                        "cannot tell its format from its content: give ?format=stripe or square, or csv with a mapping"
                )
            }
            try checkMapping(mapping, format: format.rawValue)
            let calendar = try BusinessCalendar(timeZoneIdentifier: try await call.store.policy().timeZone)
            let parsed = try SettlementImport.parse(
                call.body,
                source: source,
                format: format,
                mapping: mapping,
                calendar: calendar
            )
            let result = try await call.store.importSettlement(
                parsed.lines,
                from: Store.ImportSource(name: source, digest: SHA256.hexDigest(call.body), format: format.rawValue),
                commandID: call.commandID,
                by: try call.clerk
            )
            return try Reply.json(ImportReply(result: result, warnings: parsed.warnings))
        },
        Route(
            .post,
            "/api/imports/bank",
            .signedIn(anyOf: [.exportData]),
            "Import a bank statement (body; ?format=bai2|ofx|csv&mapping=JSON&name=)"
        ) { call in
            let source = call.request.query("name") ?? "bank upload"
            let mapping = try call.request.query("mapping").map {
                try CSVMapping.parse(Data($0.utf8), source: "query mapping")
            }
            let format: BankFormat
            if let name = call.request.query("format") {
                guard let chosen = BankFormat(rawValue: name) else {
                    throw POSError.invalid(field: "query format", reason: "'\(name)' is not bai2, ofx or csv")
                }
                format = chosen
            } else if mapping != nil {
                format = .csv
            } else if let detected = BankImport.detect(call.body) {
                format = detected
            } else {
                throw POSError.invalid(
                    field: "body",
                    reason: "cannot tell its format from its content: give ?format=bai2 or ofx, or csv with a mapping"
                )
            }
            try checkMapping(mapping, format: format.rawValue)
            let parsed = try BankImport.parse(call.body, source: source, format: format, mapping: mapping)
            let result = try await call.store.importBankStatement(
                parsed.lines,
                from: Store.ImportSource(name: source, digest: SHA256.hexDigest(call.body), format: format.rawValue),
                commandID: call.commandID,
                by: try call.clerk
            )
            return try Reply.json(ImportReply(result: result, warnings: parsed.warnings))
        },
    ]

    static func checkMapping(_ mapping: CSVMapping?, format: String) throws {
        if mapping != nil, format != "csv" {
            throw POSError.invalid(field: "query mapping", reason: "a mapping is for format csv, not \(format)")
        }
    }
}

struct ImportReply: Encodable {
    var result: Store.ImportResult
    var warnings: [String]
}
