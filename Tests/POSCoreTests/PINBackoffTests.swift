import POSCore
import Testing

@Suite struct PINBackoffTests {
    @Test func theFirstThreeFailuresAreFreeThenTheWaitDoublesUpToFifteenMinutes() {
        #expect((0...3).map { PINBackoff.delaySeconds(afterFailures: $0) } == [0, 0, 0, 1])
        #expect((4...12).map { PINBackoff.delaySeconds(afterFailures: $0) } == [2, 4, 8, 16, 32, 64, 128, 256, 512])
        #expect(PINBackoff.delaySeconds(afterFailures: 13) == 900)
        #expect(PINBackoff.delaySeconds(afterFailures: 20) == 900)
        #expect(PINBackoff.delaySeconds(afterFailures: Int.max) == 900)
        // Per address: ten free, then the same doubling.
        #expect(PINBackoff.delaySeconds(afterFailures: 9, free: PINBackoff.freeFailuresPerAddress) == 0)
        #expect(PINBackoff.delaySeconds(afterFailures: 11, free: PINBackoff.freeFailuresPerAddress) == 2)
        #expect(PINBackoff.addressSuffix(of: "FRONT-1@10.0.0.5") == "@10.0.0.5")
        #expect(PINBackoff.addressSuffix(of: "cli:vet@FRONT-1") == "@FRONT-1")
        #expect(PINBackoff.addressSuffix(of: "FRONT-1") == nil)
    }

    @Test func retryAfterCountsFromTheLastFailureInWholeSecondsRoundedUp() {
        let start: Int64 = 1_700_000_000_000
        #expect(PINBackoff.retryAfter(failures: [], now: start) == nil)
        let two = [start, start + 100]
        #expect(PINBackoff.retryAfter(failures: two, now: start + 200) == nil)
        let three = two + [start + 200]
        #expect(PINBackoff.retryAfter(failures: three, now: start + 200) == 1)
        #expect(PINBackoff.retryAfter(failures: three, now: start + 1199) == 1)
        #expect(PINBackoff.retryAfter(failures: three, now: start + 1200) == nil)
        let five = three + [start + 5_000, start + 6_000]  // 4 s after the fifth
        #expect(PINBackoff.retryAfter(failures: five, now: start + 6_000) == 4)
        #expect(PINBackoff.retryAfter(failures: five, now: start + 8_500) == 2)
        #expect(PINBackoff.retryAfter(failures: five.reversed(), now: start + 8_500) == 2)  // order does not matter
    }

    @Test func aLongStormWaitsAtMostFifteenMinutes() {
        let start: Int64 = 1_700_000_000_000
        let storm = (0..<40).map { start + Int64($0) * 1000 }
        let last = storm[39]
        #expect(PINBackoff.retryAfter(failures: storm, now: last) == 900)
        #expect(PINBackoff.retryAfter(failures: storm, now: last + 899_001) == 1)
        #expect(PINBackoff.retryAfter(failures: storm, now: last + 900_000) == nil)
    }

    @Test func failuresMoreThanTheWindowBeforeTheLastOneDoNotCount() {
        let start: Int64 = 1_700_000_000_000
        let old = [start, start + 1000, start + 2000]
        let after = old + [start + 2000 + 10 * 60 * 1000 + 1]  // eleven-ish minutes later: counted alone
        #expect(PINBackoff.counted(after) == 1)
        #expect(PINBackoff.retryAfter(failures: after, now: after[3]) == nil)
        let within = old + [start + 2000 + 9 * 60 * 1000]
        #expect(PINBackoff.counted(within) == 4)
        #expect(PINBackoff.retryAfter(failures: within, now: within[3]) == 2)
    }
}
