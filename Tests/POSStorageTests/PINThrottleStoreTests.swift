import Foundation
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// The Store's one PIN throttle: every purpose (sign-in, approvals, a handover's incoming cashier) counts for the
/// same employee and source, on the Store's clock, so the CLI and the server share it.
@Suite struct PINThrottleStoreTests {
    @Test func aHandoversIncomingPINSignInsAndApprovalsShareOneThrottlePerSource() async throws {
        let f = try await StoreFixture.make()
        let count = StoreFixture.openingFloat  // counted as expected: no manager needed for the variance
        func handOver(pin: String?) async -> POSError? {
            do {
                _ = try await f.store.handOverDrawer(
                    count: count,
                    to: f.approval("CSR2", pin: pin),
                    commandID: f.id(),
                    by: f.csr
                )
                return nil
            } catch {
                return error as? POSError
            }
        }
        for _ in 1...3 { #expect(await handOver(pin: "0000") == .authenticationFailed(employee: "CSR2")) }
        #expect(await handOver(pin: "0000") == .throttled(employee: "CSR2", retryAfterSeconds: 1))
        #expect(await handOver(pin: nil) == .throttled(employee: "CSR2", retryAfterSeconds: 1))
        // The same pair at sign-in waits too; another terminal does not.
        await #expect(throws: POSError.throttled(employee: "CSR2", retryAfterSeconds: 1)) {
            try await f.store.signIn(employee: "CSR2", pin: TestClinic.pin("CSR2"), terminal: "FRONT-1")
        }
        let elsewhere = try await f.store.signIn(employee: "CSR2", pin: TestClinic.pin("CSR2"), terminal: "FRONT-2")
        #expect(elsewhere.source == "FRONT-2")
        // Once the wait is over the right PIN works and clears the pair.
        f.clock.advance(minutes: 1)
        #expect(await handOver(pin: nil) == nil)
        let failures = try await f.store.pinFailures(since: 0, viewer: f.mgr)
        #expect(failures.count == 3 && failures.allSatisfy { $0.cleared && $0.purpose == "approval" }, "\(failures)")
        #expect(failures.allSatisfy { $0.employee == "CSR2" && $0.source == "FRONT-1" })
    }

    @Test func anUnknownEmployeeIsAnsweredAndThrottledLikeAWrongPIN() async throws {
        let f = try await StoreFixture.make()
        for id in ["GHOST", "MGR"] {
            for _ in 1...3 {
                await #expect(throws: POSError.authenticationFailed(employee: id)) {
                    try await f.store.signIn(employee: id, pin: "0000", terminal: "FRONT-3")
                }
            }
            await #expect(throws: POSError.throttled(employee: id, retryAfterSeconds: 1)) {
                try await f.store.signIn(employee: id, pin: "0000", terminal: "FRONT-3")
            }
        }
    }
}
