import Foundation
import HTTPTypes
import POSServer
import Testing

/// Every route's query parameters and path segments fed extremes (years 0001 and 9999, Int64.max, negatives,
/// nothing, 1 MB): never a 5xx, a refusal carries a code, and nothing is stored.
@Suite struct ExtremeQueryTests {
    static let megabyte = String(repeating: "9", count: 1_000_000)
    static let extremes = [
        "0001-01-01", "9999-12-31", "9223372036854775807", "-9223372036854775808", "-1", "", "%00", megabyte,
    ]
    static let parameters = ["date", "from", "to", "columns", "format", "copy", "open", "all", "mapping", "name"]

    @Test func extremeQueryParametersAndPathSegmentsAreRefusedWithACode() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR")
            let before = try await fixture.snapshot()
            var refused = 0
            for route in APIServer.routes where route.method == .get && !route.path.hasPrefix("/api/sessions") {
                let hasPath = route.path.contains("{")
                for value in Self.extremes {
                    // The extreme in every path segment, and in each query parameter in turn.
                    var uris: [String] = []
                    if hasPath {
                        uris.append(route.path.replacing(/\{[a-z]+\}/, with: value))
                    }
                    let path = route.path.replacing(/\{number\}/, with: "1").replacing(/\{[a-z]+\}/, with: "x")
                    // 1 MB once per route (in `date`), the other extremes in every parameter.
                    for name in Self.parameters where value != Self.megabyte || name == "date" {
                        uris.append("\(path)?\(name)=\(value)")
                    }
                    for uri in uris {
                        let reply = try await api.get(uri, token: manager)
                        let shown = "GET \(uri.prefix(80)) (\(uri.utf8.count) bytes)"
                        #expect(reply.status < 500, "\(shown): \(reply)")
                        guard reply.status >= 400 else { continue }
                        refused += 1
                        #expect(!reply.code.isEmpty, "\(shown): no code in \(reply)")
                        #expect(reply.body.count < 4_000, "\(shown): the refusal repeats the input")
                    }
                }
            }
            #expect(refused > 100)
            #expect(try await fixture.snapshot() == before, "a refused request changed the database")
        }
    }

    /// Path numbers of every mutating route at the extremes, with a well-formed empty body.
    @Test func extremePathNumbersOfMutatingRoutesAreRefused() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let manager = try await api.signIn("MGR")
            let before = try await fixture.snapshot()
            for route in APIServer.routes where route.mutating && route.path.contains("{number}") {
                for value in ["0", "-1", "9223372036854775807", "9223372036854775808", "", Self.megabyte] {
                    let uri = route.path.replacing(/\{number\}/, with: value)
                    let reply = try await api.post(uri, token: manager, json: #"{"reason": "x"}"#)
                    #expect((400..<500).contains(reply.status), "POST \(uri.prefix(80)): \(reply)")
                    #expect(!reply.code.isEmpty || reply.status == 404, "POST \(uri.prefix(80)): \(reply)")
                }
            }
            #expect(try await fixture.snapshot() == before, "a refused request changed the database")
        }
    }
}
