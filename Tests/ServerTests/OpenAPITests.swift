import Foundation
import HTTPTypes
import Hummingbird
import POSServer
import Testing

/// The committed OpenAPI document and the route table describe the same API.
@Suite struct OpenAPITests {
    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.data()) as? [String: Any])
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "post", "put", "delete", "patch"]
        let documented = Set(
            paths.flatMap { path, operations in
                operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            }
        )
        let routed = Set(APIServer.routes.map { "\($0.method.rawValue) \($0.path)" })
        #expect(routed.count == APIServer.routes.count, "a route is registered twice")
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from openapi.json")
        #expect(documented.subtracting(routed).sorted() == [], "documented but not routed")
    }

    /// The router's own list of what it serves (Hummingbird's `Router.routes`), against the document.
    @Test func theRoutersRoutesAreExactlyTheDocumentedOperations() async throws {
        let fixture = try await ServerFixture.make()
        let router = fixture.server.router()
        try router.validate()
        // The web pages (HTML, outside /api/) are not part of the API document.
        let served = Set(
            router.routes.filter { "\($0.path)".hasPrefix("/api/") }.map { route in
                let path = "\(route.path)".split(separator: "/").map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }
                return "\(route.method.rawValue) /" + path.joined(separator: "/")
            }
        )
        let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
        let documented = Set(
            paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } }
        )
        #expect(served.count == APIServer.routes.count, "\(served.sorted())")
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }

    @Test func theDocumentStatesEachRoutesPermissionsIdempotencyKeyAndSecurity() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: [String: [String: Any]]])
        for route in APIServer.routes {
            let operation = try #require(paths[route.path]?[route.method.rawValue.lowercased()])
            let parameters = operation["parameters"] as? [[String: Any]] ?? []
            let takesKey = parameters.contains { $0["$ref"] as? String == "#/components/parameters/IdempotencyKey" }
            #expect(takesKey == route.mutating, "\(route.method) \(route.path): Idempotency-Key")
            switch route.access {
            case .open:
                #expect((operation["security"] as? [Any])?.isEmpty == true, "\(route.path) is open")
            case .signedIn(let permissions):
                #expect(operation["security"] == nil, "\(route.path) needs a session")
                let listed = operation["x-vetpos-permissions"] as? [String]
                #expect(listed == permissions.map { "\($0)" }, "\(route.method) \(route.path): permissions")
                #expect((operation["responses"] as? [String: Any])?["403"] != nil)
            }
            for name in route.path.split(separator: "/").filter({ $0.hasPrefix("{") }) {
                let parameter = String(name.dropFirst().dropLast())
                #expect(
                    parameters.contains { $0["name"] as? String == parameter && $0["in"] as? String == "path" },
                    "\(route.path): path parameter \(parameter)"
                )
            }
        }
    }

    @Test func theServerServesTheCommittedDocument() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let reply = try await api.get("/api/openapi.json", token: nil)
            #expect(reply.status == 200)
            #expect(reply.body == (try OpenAPIDocument.data()))
        }
    }
}
