import GRDB
import HTTPTypes
import POSCore
import Testing

@testable import POSServer

@Suite struct ErrorMappingTests {
    @Test func domainErrorsMapToTheirStatuses() {
        #expect(APIError.from(POSError.invalid(field: "lines[0].item", reason: "is required")).status.code == 400)
        #expect(APIError.from(POSError.notFound(what: "invoice", id: "7")).status.code == 404)
        #expect(APIError.from(POSError.authenticationFailed(employee: "ana")).status.code == 401)
        #expect(APIError.from(POSError.notPermitted(employee: "ana", role: .csr, action: "void")).status.code == 403)
        #expect(APIError.from(POSError.approvalRequired(field: "discounts[0]", reason: "x")).status.code == 403)
        #expect(APIError.from(POSError.conflict("posted")).status.code == 409)
        let throttled = APIError.from(POSError.throttled(employee: "ana", retryAfterSeconds: 8))
        #expect(throttled.status.code == 429 && throttled.headers[.retryAfter] == "8")
        let hidden = APIError.from(CancellationError())
        #expect(hidden.status.code == 500)
        #expect(!hidden.message.contains("Cancellation"))
    }

    @Test("a full disk is a 503 that says so, not a bare 500")
    func aFullDiskSaysSo() throws {
        // SQLite's own answer when a page cannot be added: max_page_count stands in for a full disk.
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (x BLOB)")
            try db.execute(sql: "PRAGMA max_page_count = 3")
        }
        var refused: (any Error)?
        do {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO t VALUES (zeroblob(100000))")
            }
        } catch {
            refused = error
        }
        let error = try #require(refused)
        let mapped = APIError.from(error)
        #expect(mapped.status.code == 503)
        #expect(mapped.message.contains("disk is full"), "\(mapped.message)")
    }
}
