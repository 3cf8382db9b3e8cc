import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import POSCore

/// Building JSON and file responses, and reading bodies and query parameters with one-line errors.
enum Reply {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return bytes(try encoder.encode(value), contentType: "application/json; charset=utf-8", status: status)
    }

    static func bytes(
        _ data: some Collection<UInt8>,
        contentType: String,
        status: HTTPResponse.Status = .ok,
        headers extra: HTTPFields = [:]
    ) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: APIError) -> Response {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?
        }
        struct Body: Encodable { var error: Detail }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let body = Body(
            error: Detail(
                code: error.code,
                message: POSError.shortened(error.message),
                field: error.field.map(POSError.shortened)
            )
        )
        let data =
            (try? encoder.encode(body))
            ?? Data(#"{"error":{"code":"internal","message":"internal error"}}"#.utf8)
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// The whole body, bounded by `limit` (default: the context's upload limit).
    mutating func bodyData(context: APIContext, limit: Int? = nil) async throws -> Data {
        let limit = limit ?? context.maxUploadSize
        do {
            let buffer = try await collectBody(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "body: larger than \(limit) bytes", code: "body.tooLarge", field: "body")
        }
    }

    /// A query parameter, or nil.
    func query(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init)
    }

    /// A business date from the query (`YYYY-MM-DD`), or nil when absent.
    func date(_ name: String) throws -> BusinessDate? {
        guard let text = query(name) else { return nil }
        return try BusinessDate.parse(text, field: "query \(name)")
    }
}

extension APIContext {
    /// A path parameter that must be a whole number.
    func number(_ name: String) throws -> Int64 {
        let text = parameters.get(name) ?? ""
        guard let value = Int64(text), value > 0 else {
            throw POSError.invalid(field: "path \(name)", reason: "'\(text)' is not a positive whole number")
        }
        return value
    }

    func text(_ name: String) -> String { parameters.get(name) ?? "" }
}
