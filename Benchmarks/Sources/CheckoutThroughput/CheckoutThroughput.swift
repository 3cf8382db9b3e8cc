import CheckoutFixture
import Foundation
import POSCore
import POSStorage
import POSTestSupport

/// N durable checkouts through the real `Store`, one after the other (one transaction each), timed per commit like
/// Benchmarks/Baseline/checkout_bench.c, printed as one key=value line in the same keys so both can be compared.
///
///     CheckoutThroughput [-n 2000] [-d parent-dir] [-m basic|split] [-c extra-items] [-D vda] [-k]
///
/// -n checkouts; -d where to create the database's temp folder (default $TMPDIR or /tmp); -m the request
/// (basic: 5 lines, 1 card payment; split: 5 lines, 5 % discount, cash + card); -c generated catalog items added to
/// TestClinic's 10; -D the block device whose flush count is sampled; -k keep the database afterwards (its folder is
/// printed as db=...).
@main
struct CheckoutThroughput {
    struct Options {
        var count = 2000
        var parent: URL?
        var mode = "basic"
        var device = "vda"
        var keep = false
        var extraItems = 0
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        func value(_ flag: String) -> String {
            guard let next = rest.popFirst() else { usage("\(flag) needs a value") }
            return next
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "-n":
                guard let count = Int(value(flag)), count > 0 else { usage("-n needs a positive number") }
                options.count = count
            case "-d": options.parent = URL(fileURLWithPath: value(flag), isDirectory: true)
            case "-m":
                options.mode = value(flag)
                guard ["basic", "split"].contains(options.mode) else { usage("-m is basic or split") }
            case "-D": options.device = value(flag)
            case "-c":
                guard let count = Int(value(flag)), count >= 0 else { usage("-c needs a number") }
                options.extraItems = count
            case "-k": options.keep = true
            default: usage("unknown option \(flag)")
            }
        }
        return options
    }

    static func usage(_ problem: String) -> Never {
        let text =
            "CheckoutThroughput: \(problem)\n"
            + "usage: CheckoutThroughput [-n 2000] [-d dir] [-m basic|split] [-c extra-items] [-D vda] [-k]\n"
        FileHandle.standardError.write(Data(text.utf8))
        exit(2)
    }

    /// Field 16 of /sys/block/DEV/stat: flush requests completed (as checkout_bench.c reads it); -1 if unreadable.
    static func flushCount(_ device: String) -> Int64 {
        guard let text = try? String(contentsOfFile: "/sys/block/\(device)/stat", encoding: .utf8) else { return -1 }
        let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Int64($0) }
        return fields.count >= 16 ? fields[15] : -1
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    static func main() async throws {
        let options = parse(Array(CommandLine.arguments.dropFirst()))
        let clock = ContinuousClock()

        let setupStart = clock.now
        let fixture = try await CheckoutFixture.make(
            label: "throughput",
            in: options.parent,
            extraItems: options.extraItems
        )
        let setup = seconds(clock.now - setupStart)
        defer { if !options.keep { fixture.removeFiles() } }
        // What SQLite says the writer connection runs with (synchronous 2 = FULL, like `checkout_bench -s full`), so
        // that the line shows the comparison with C is like for like.
        let durability = try await fixture.store.durability()

        // Requests (with their unique ids) are built before the clock starts, like the C program's prepared inputs.
        let requests = (0..<options.count).map { _ in
            options.mode == "basic" ? fixture.basicRequest() : fixture.discountedSplitRequest()
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(options.count)

        let flushesBefore = flushCount(options.device)
        let start = clock.now
        for request in requests {
            let began = clock.now
            try await fixture.checkout(request)
            latencies.append(seconds(clock.now - began))
        }
        let wall = seconds(clock.now - start)
        let flushesAfter = flushCount(options.device)

        latencies.sort()
        let k = latencies.count
        func ms(_ q: Double) -> String { String(format: "%.3f", latencies[Int(Double(k) * q)] * 1e3) }
        let flushes =
            flushesBefore >= 0 && flushesAfter >= 0 ? Double(flushesAfter - flushesBefore) / Double(k) : -1
        print(
            [
                "impl=vetpos",
                "mode=\(options.mode)",
                "catalog_items=\(TestClinic.catalog.count + options.extraItems)",
                "journal=\(durability.journalMode)",
                "synchronous=\(durability.synchronous)",
                "checkouts=\(k)",
                "commits=\(k)",
                "setup_s=\(String(format: "%.3f", setup))",
                "wall_s=\(String(format: "%.3f", wall))",
                "commits_per_s=\(String(format: "%.1f", Double(k) / wall))",
                "checkouts_per_s=\(String(format: "%.1f", Double(k) / wall))",
                "p50_ms=\(ms(0.5))",
                "p99_ms=\(ms(0.99))",
                "p999_ms=\(ms(0.999))",
                "max_ms=\(String(format: "%.3f", latencies[k - 1] * 1e3))",
                "dev_flushes_per_commit=\(String(format: "%.2f", flushes))",
            ].joined(separator: " ") + (options.keep ? " db=\(fixture.directory.path)" : "")
        )
    }
}
