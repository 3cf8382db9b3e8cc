import Foundation
import POSCore
import POSReports
import Synchronization
import Testing

/// The files the import tests read: the project's own fixtures, and the public samples and validator examples of
/// the package's `TestTools`.
enum ImportFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let testTools = packageRoot.appendingPathComponent("TestTools")

    /// A file of `TestTools/` (`samples/…`, `validators/examples/…`).
    static func testTools(_ path: String) throws -> Data {
        let url = testTools.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ImportTestError("\(url.path) is missing: the import tests read the samples in TestTools")
        }
        return data
    }

    /// A fixture of `Fixtures/import/`.
    static func fixture(_ name: String) throws -> Data {
        guard let base = Bundle.module.resourceURL else { throw ImportTestError("no resource bundle") }
        let url = base.appendingPathComponent("Fixtures/import/\(name)")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ImportTestError("fixture \(url.path) is missing")
        }
        return data
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// The clinic's calendar in the tests (the worked example's clinic is in Chicago).
    static let chicago = try! BusinessCalendar(timeZoneIdentifier: "America/Chicago")

    static func mapping(_ name: String) throws -> CSVMapping {
        try CSVMapping.parse(try fixture(name), source: name)
    }
}

struct ImportTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An amount as the tests write it (`"1203.77"`).
func importMoney(_ text: String) -> Money { Money(parsing: text)! }

/// Expects `attempt` to fail with `.invalid` whose field names `location` (e.g. `file.csv line 4`) and whose text
/// contains every fragment.
func expectRefused(
    _ location: String,
    _ fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ attempt: () throws -> Void
) {
    do {
        try attempt()
        Issue.record("expected a refusal at \(location)", sourceLocation: sourceLocation)
    } catch let error as POSError {
        guard case .invalid(let field, _, _) = error else {
            Issue.record("expected .invalid, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(
            field == location || field.hasPrefix(location + ","),
            "field: \(field) (expected \(location))",
            sourceLocation: sourceLocation
        )
        for fragment in fragments {
            #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a POSError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// The text with the first occurrence of `old` replaced (which must be there).
func replacing(
    _ text: String,
    _ old: String,
    _ new: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> String {
    guard let range = text.range(of: old) else {
        Issue.record("'\(old)' is not in the text", sourceLocation: sourceLocation)
        return text
    }
    return text.replacingCharacters(in: range, with: new)
}

@Suite struct ImportFormatTests {
    @Test func settlementFormatsAreDetectedFromTheHeader() throws {
        #expect(
            SettlementImport.detect(try ImportFiles.testTools("samples/hledger-examples-stripe-balance-change.csv"))
                == .stripe
        )
        #expect(
            SettlementImport.detect(try ImportFiles.testTools("validators/examples/csv/good-stripe-balance-change.csv"))
                == .stripe
        )
        #expect(SettlementImport.detect(try ImportFiles.fixture("square-transactions.csv")) == .square)
        // A generic CSV is never guessed: it needs its mapping.
        #expect(SettlementImport.detect(try ImportFiles.fixture("processor-deposits.csv")) == nil)
        #expect(SettlementImport.detect(try ImportFiles.testTools("validators/examples/bai2/good-deposit.bai2")) == nil)
        // A header that fits both Stripe and Square is ambiguous, so not detected.
        let both = (StripeCSV.requiredColumns + ["balance_transaction_id", "created_utc"] + SquareCSV.requiredColumns)
            .joined(separator: ",")
        #expect(SettlementImport.detect(Data((both + "\n").utf8)) == nil)
    }

    @Test func aRenamedColumnIsNotDetectedButNamesTheNearestFormat() throws {
        let stripe = ImportFiles.text(
            try ImportFiles.testTools("validators/examples/csv/bad-stripe-missing-column.csv")
        )
        #expect(SettlementImport.detect(Data(stripe.utf8)) == nil)
        #expect(SettlementImport.nearest(Data(stripe.utf8)) == .stripe)
        let square = ImportFiles.text(try ImportFiles.fixture("square-transactions.csv"))
        let renamed = replacing(square, "Net Total", "Net")
        #expect(SettlementImport.detect(Data(renamed.utf8)) == nil)
        #expect(SettlementImport.nearest(Data(renamed.utf8)) == .square)
        #expect(SettlementImport.nearest(Data(square.utf8)) == nil, "a recognised file needs no nearest format")
        #expect(SettlementImport.nearest(try ImportFiles.fixture("processor-deposits.csv")) == nil)
    }

    @Test func bankFormatsAreDetectedFromTheContent() throws {
        #expect(BankImport.detect(try ImportFiles.testTools("validators/examples/bai2/good-deposit.bai2")) == .bai2)
        #expect(BankImport.detect(try ImportFiles.testTools("samples/mojbai2-citi_example.bai2")) == .bai2)
        #expect(BankImport.detect(try ImportFiles.testTools("validators/examples/ofx/good-deposit-v102.ofx")) == .ofx)
        #expect(BankImport.detect(try ImportFiles.testTools("validators/examples/ofx/good-deposit-v220.ofx")) == .ofx)
        #expect(BankImport.detect(try ImportFiles.testTools("samples/ofxtools-stmtrs-v200.ofx")) == .ofx)
        #expect(BankImport.detect(try ImportFiles.fixture("bank-checking.csv")) == nil)
    }

    @Test func aGenericCSVWithoutItsMappingIsRefused() throws {
        let data = try ImportFiles.fixture("bank-checking.csv")
        expectRefused("--mapping", "needs its column mapping") {
            _ = try BankImport.parse(data, source: "bank-checking.csv", format: .csv)
        }
    }

    @Test func aFileThatIsNotUTF8IsRefused() {
        expectRefused("bad.csv", "is not UTF-8") {
            _ = try SettlementImport.parse(
                Data([0x61, 0xFF, 0x0A]),
                source: "bad.csv",
                format: .stripe,
                calendar: ImportFiles.chicago
            )
        }
    }

    @Test func progressIsReportedForALargeFile() throws {
        var text = "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n"
        let rows = 20_000
        for index in 1...rows {
            text += "txn_\(index),2025-03-14 15:02:11,usd,10.00,0.59,9.41,charge\n"
        }
        let calls = ImportProgressLog()
        let file = try StripeCSV.parse(text, source: "big.csv", calendar: ImportFiles.chicago) { done, total in
            calls.append(done, total)
        }
        #expect(file.lines.count == rows)
        let seen = calls.values
        #expect(seen.count >= 50 && seen.count <= 110, "\(seen.count) progress calls")
        #expect(seen.allSatisfy { $0.total == rows + 1 })
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.done < $1.done }, "done only grows")
        #expect(seen.last?.done == rows + 1, "the last call says the whole file is done")
        #expect(file.lines.map(\.net).sum() == Money(minorUnits: 941 * Int64(rows)))
    }
}

/// Progress calls, collected from a `@Sendable` callback.
final class ImportProgressLog: Sendable {
    private let calls = Mutex<[(done: Int, total: Int)]>([])

    func append(_ done: Int, _ total: Int) { calls.withLock { $0.append((done, total)) } }
    var values: [(done: Int, total: Int)] { calls.withLock { $0 } }
}
