import Benchmark
import CheckoutFixture
import POSCore
import POSStorage
import POSTestSupport
import Synchronization

// The durable checkout path through the real Store: a temp-file SQLite database in WAL mode with the writer on
// synchronous=FULL (an fsync per commit), one BEGIN IMMEDIATE transaction per checkout (command row, invoice, lines,
// discounts, payments, journal entries).
// Each iteration is one checkout, so wall clock is the latency of one commit and throughput is commits per second.
//
// Run: cd Benchmarks && swift package benchmark            (all of them, about 1 minute once built)
//      swift package benchmark --filter "checkout.*"        (some of them)

/// Fixtures made by a benchmark's setup, removed (with their temp folders) by its teardown.
let liveFixtures = Mutex<[CheckoutFixture]>([])

func makeFixture(
    label: String,
    clock: (@Sendable () -> Int64)? = nil,
    extraItems: Int = 0
) async throws -> CheckoutFixture {
    let fixture = try await CheckoutFixture.make(label: label, clock: clock, extraItems: extraItems)
    liveFixtures.withLock { $0.append(fixture) }
    return fixture
}

func removeFixtures() async throws {
    let fixtures = liveFixtures.withLock { all in
        defer { all.removeAll() }
        return all
    }
    for fixture in fixtures { fixture.removeFiles() }
}

/// The business day all of the day-report benchmarks' invoices fall on.
let reportDay = BusinessDate("2026-03-10")!

/// A store holding `days` business days of `perDay` checkouts each (two basic to one discounted split), ending on
/// `reportDay`; the clock ticks 1 ms per call from 08:00 of each day.
func dayOfInvoices(perDay: Int, days: Int) async throws -> CheckoutFixture {
    let calendar = try BusinessCalendar(timeZoneIdentifier: TestClinic.policy.timeZone)
    let first = calendar.millis(of: reportDay, hour: 8, minute: 0) - Int64(days - 1) * 86_400_000
    let clock = TickingClock(startingAt: first)
    let fixture = try await makeFixture(label: "report-\(perDay)x\(days)", clock: { clock.now() })
    for day in 0..<days {
        clock.set(first + Int64(day) * 86_400_000)
        for index in 0..<perDay {
            try await fixture.checkout(index % 3 == 2 ? fixture.discountedSplitRequest() : fixture.basicRequest())
        }
    }
    let report = try await fixture.store.dayReport(reportDay)
    guard report.invoicesPosted == perDay else {
        throw FixtureError.unexpected(
            "day report counts \(report.invoicesPosted) invoices on \(reportDay), expected \(perDay)"
        )
    }
    return fixture
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 5,
        maxDuration: .seconds(8),
        maxIterations: 2_000
    )

    // (a) The everyday checkout: one dog, 5 lines over three tax categories, paid in full by credit card.
    Benchmark(
        "checkout: 5 lines, 1 card payment",
        closure: { (benchmark: Benchmark, fixture: CheckoutFixture) async throws in
            for _ in benchmark.scaledIterations {
                // The request (with its unique id) is built outside the measured region.
                let request = fixture.basicRequest()
                benchmark.startMeasurement()
                blackHole(try await fixture.checkout(request))
                benchmark.stopMeasurement()
            }
        },
        setup: { try await makeFixture(label: "basic") },
        teardown: removeFixtures
    )

    // (a') The same with a realistic catalog of 5,000 items besides TestClinic's: checkout must not get slower with
    // the catalog's size.
    Benchmark(
        "checkout: 5 lines, 1 card payment, 5,010-item catalog",
        closure: { (benchmark: Benchmark, fixture: CheckoutFixture) async throws in
            for _ in benchmark.scaledIterations {
                let request = fixture.basicRequest()
                benchmark.startMeasurement()
                blackHole(try await fixture.checkout(request))
                benchmark.stopMeasurement()
            }
        },
        setup: { try await makeFixture(label: "catalog", extraItems: 5_000) },
        teardown: removeFixtures
    )

    // (b) Two pets, a 5 % multiple-pets discount (allocated over the lines), $50 cash + the rest by card.
    Benchmark(
        "checkout: 5 lines, discount, cash + card",
        closure: { (benchmark: Benchmark, fixture: CheckoutFixture) async throws in
            for _ in benchmark.scaledIterations {
                let request = fixture.discountedSplitRequest()
                benchmark.startMeasurement()
                blackHole(try await fixture.checkout(request))
                benchmark.stopMeasurement()
            }
        },
        setup: { try await makeFixture(label: "split") },
        teardown: removeFixtures
    )

    // (c) The end-of-day report (totals by item kind, discount class and tender) over one day of N invoices.
    // 150 invoices is a normal clinic day, here the last of 10 such days; 1,500 is a very busy hospital day.
    for (perDay, days) in [(150, 10), (1_500, 1)] {
        Benchmark(
            "day report: \(perDay) invoices on the day (\(days) day\(days == 1 ? "" : "s") stored)",
            configuration: .init(maxDuration: .seconds(3), maxIterations: 1_000),
            closure: { (benchmark: Benchmark, fixture: CheckoutFixture) async throws in
                for _ in benchmark.scaledIterations {
                    blackHole(try await fixture.store.dayReport(reportDay))
                }
            },
            setup: { try await dayOfInvoices(perDay: perDay, days: days) },
            teardown: removeFixtures
        )
    }
}
