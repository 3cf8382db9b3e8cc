import Foundation
import HTTPTypes
import Hummingbird

/// `GET /api/openapi.json`: the API's own description, committed beside the code and checked against the route
/// table by the tests.
extension APIServer {
    static let documentRoutes: [Route] = [
        Route(.get, "/api/openapi.json", .open, "This API's OpenAPI 3.1 document") { _ in
            Reply.bytes(try OpenAPIDocument.data(), contentType: "application/json; charset=utf-8")
        }
    ]
}

public enum OpenAPIDocument {
    /// The committed document (a resource of this module).
    public static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw APIError(.internalServerError, "the OpenAPI document is missing from the build", code: "internal")
        }
        return try Data(contentsOf: url)
    }
}
