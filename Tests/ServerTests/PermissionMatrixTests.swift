import Foundation
import HTTPTypes
import POSCore
import POSServer
import Testing

/// Every route × every role: the role is refused (403) exactly when none of the permissions the route declares is in
/// `Role.permissions`; otherwise the call gets past the check to the Store (whatever it then answers).
@Suite struct PermissionMatrixTests {
    static let employees: [Role: String] = [
        .csr: "CSR", .technician: "TECH", .veterinarian: "VET", .manager: "MGR", .bookkeeper: "BOOK",
    ]

    /// A request that reaches the Store for a role that may call the route.
    static func sample(_ route: Route) -> (uri: String, body: String) {
        let uri = route.path.replacingOccurrences(of: "{number}", with: "1")
            .replacingOccurrences(of: "{id}", with: route.path.hasPrefix("/api/clients") ? "OWNER" : "X-1")
            .replacingOccurrences(of: "{format}", with: "csv")
            .replacingOccurrences(of: "{terminal}", with: "FRONT-1")  // the terminal api.signIn uses
        let query: String =
            switch route.path {
            case "/api/exports/{format}", "/api/reports/reconcile": "?from=2025-03-04"
            case "/api/reports/day", "/api/reports/deposit", "/api/reports/batches": "?date=2025-03-04"
            // Past the checks, then a 400 before the event stream starts (a router test cannot read a stream that
            // never ends).
            case "/api/terminals/{terminal}/events": "?invoice=0"
            default: ""
            }
        let body: String =
            switch route.path {
            case "/api/invoices": #"{"client": "OWNER"}"#
            case "/api/clients":
                #"{"id": "NEW", "name": "New Client", "pets": [{"id": "NEWPET", "name": "Bo", "species": "Canine"}]}"#
            case "/api/checkouts":
                #"{"client": "OWNER", "lines": [{"patient": "REX", "item": "EXAM", "provider": "VET"}]}"#
            case "/api/drawer/no-sale": #"{"reason": "change for the parking meter"}"#
            case "/api/terminals/{terminal}/scans": #"{"code": "TOY"}"#
            case "/api/drawer/paid-in", "/api/drawer/paid-out": #"{"amount": "5.00", "reason": "change from the bank"}"#
            default: "{}"
            }
        return (uri + query, body)
    }

    @Test func everyRouteRefusesExactlyTheRolesWithoutItsPermission() async throws {
        let fixture = try await ServerFixture.make()
        let routes = APIServer.routes.filter { $0.access != .open }
        #expect(routes.count >= 35)
        try await fixture.test { api in
            var checked = 0
            for route in routes {
                for role in Role.allCases {
                    let token = try await api.signIn(Self.employees[role]!)
                    let (uri, body) = Self.sample(route)
                    let reply = try await api.call(
                        route.method,
                        uri,
                        token: token,
                        key: route.mutating ? ServerFixture.newKey() : nil,
                        json: route.method == .post ? body : nil
                    )
                    let what = "\(role.rawValue) \(route.method.rawValue) \(uri): \(reply)"
                    #expect(reply.status != 401, "\(what)")
                    #expect(!reply.error.hasPrefix("no route"), "\(what)")
                    if route.allows(role) {
                        #expect(reply.status != 403, "allowed, yet refused: \(what)")
                        #expect(reply.status != 500, "\(what)")
                    } else {
                        #expect(reply.status == 403, "should be refused: \(what)")
                        #expect(reply.error.contains("is not permitted"), "\(what)")
                    }
                    checked += 1
                }
            }
            #expect(checked == routes.count * Role.allCases.count)
        }
    }

    @Test func theIssueRulesFollowFromTheTable() {
        func route(_ method: HTTPRequest.Method, _ path: String) -> Route? {
            APIServer.routes.first { $0.method == method && $0.path == path }
        }
        // A bookkeeper cannot ring sales; every selling role can.
        let checkout = route(.post, "/api/checkouts")
        #expect(checkout?.allows(.bookkeeper) == false)
        #expect([Role.csr, .technician, .veterinarian, .manager].allSatisfy { checkout?.allows($0) == true })
        // Only a manager adjusts drawers and writes off reconciliation items.
        #expect(Role.allCases.filter { route(.post, "/api/drawer/adjust")?.allows($0) == true } == [.manager])
        #expect(
            Role.allCases.filter { route(.post, "/api/reconciliation/write-off")?.allows($0) == true } == [.manager]
        )
        // Exports and imports are the bookkeeper's and the manager's.
        #expect(
            Role.allCases.filter { route(.get, "/api/exports/{format}")?.allows($0) == true } == [
                .manager, .bookkeeper,
            ]
        )
    }
}
