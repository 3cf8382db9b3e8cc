import Foundation
import POSCore
import POSReports
import Testing

/// Every importer fed what a broken download, a wrong file or an attacker hands it: the file cut at many points,
/// nested far deeper than any statement, and oversized lines and files. Each is read or refused with a coded error
/// naming the file (and the line where there is one), never a crash.
@Suite struct HostileFileTests {
    enum Reader: String, CaseIterable, Sendable {
        case stripe, square, mappedSettlement, ofx, bai2, mappedBank, catalog, csvMapping, exportMapping

        func read(_ data: Data) throws {
            let source = "upload.\(rawValue)"
            switch self {
            case .stripe:
                _ = try SettlementImport.parse(data, source: source, format: .stripe, calendar: ImportFiles.chicago)
            case .square:
                _ = try SettlementImport.parse(data, source: source, format: .square, calendar: ImportFiles.chicago)
            case .mappedSettlement:
                _ = try SettlementImport.parse(
                    data,
                    source: source,
                    format: .csv,
                    mapping: try ImportFiles.mapping("processor-deposits.mapping.json"),
                    calendar: ImportFiles.chicago
                )
            case .ofx: _ = try BankImport.parse(data, source: source, format: .ofx)
            case .bai2: _ = try BankImport.parse(data, source: source, format: .bai2)
            case .mappedBank:
                _ = try BankImport.parse(
                    data,
                    source: source,
                    format: .csv,
                    mapping: try ImportFiles.mapping("bank-checking.mapping.json")
                )
            case .catalog: _ = try CatalogCSV.parseRows(String(decoding: data, as: UTF8.self), source: source)
            case .csvMapping: _ = try CSVMapping.parse(data, source: source)
            case .exportMapping: _ = try ExportMapping.read(data, source: source)
            }
        }

        /// A good file of the format, to cut and to grow.
        func sample() throws -> Data {
            switch self {
            case .stripe: try ImportFiles.fixture("stripe-balance-with-payout.csv")
            case .square: try ImportFiles.fixture("square-transactions.csv")
            case .mappedSettlement: try ImportFiles.fixture("processor-deposits.csv")
            case .ofx: try ImportFiles.testTools("samples/ofxtools-stmtrs-v200.ofx")
            case .bai2: try ImportFiles.testTools("samples/mojbai2-citi_example.bai2")
            case .mappedBank: try ImportFiles.fixture("bank-checking.csv")
            case .catalog:
                Data("code,name,kind,price,tax_category,barcode,active\nEXAM,Exam,service,62.00,EXEMPT,,true\n".utf8)
            case .csvMapping: try ImportFiles.fixture("bank-checking.mapping.json")
            case .exportMapping: Data(#"{"clinicCode": "TAC", "accounts": {}}"#.utf8)
            }
        }
    }

    /// Reading `data` either succeeds or is refused with a code and a field that names the file.
    static func expectReadOrRefused(_ reader: Reader, _ data: Data, _ what: String) {
        do {
            try reader.read(data)
        } catch let error as POSError {
            #expect(!error.code.isEmpty, "\(reader) \(what): \(error)")
            #expect(error.description.count <= POSError.maximumLength, "\(reader) \(what): too long")
            #expect(error.description.contains("upload.\(reader.rawValue)"), "\(reader) \(what): \(error)")
        } catch {
            Issue.record("\(reader) \(what): not a POSError: \(error)")
        }
    }

    @Test(arguments: Reader.allCases)
    func filesCutShortAreRefusedWithTheirPlace(_ reader: Reader) throws {
        let sample = try reader.sample()
        // Every cut for a small file, about 200 evenly spread cuts for a larger one.
        let step = max(1, sample.count / 200)
        for length in stride(from: 0, to: sample.count, by: step) {
            Self.expectReadOrRefused(reader, sample.prefix(length), "cut at byte \(length)")
        }
    }

    @Test(arguments: Reader.allCases)
    func nestedAndOversizedFilesAreRefused(_ reader: Reader) throws {
        let sample = try reader.sample()
        let hostile: [(String, Data)] = [
            ("100,000 unclosed OFX tags", sample + Data(String(repeating: "<STMTTRN>", count: 100_000).utf8)),
            ("100,000 nested JSON arrays", Data(String(repeating: "[", count: 100_000).utf8)),
            ("100,000 nested JSON objects", Data(String(repeating: #"{"a":"#, count: 100_000).utf8)),
            ("a 1 MB line", sample + Data(String(repeating: "9", count: 1_000_000).utf8) + Data("\n".utf8)),
            ("a 1 MB field", Data((String(repeating: "x", count: 1_000_000) + ",1,2\n").utf8)),
            ("50,000 copies of its last line", sample + Data(repeating: UInt8(ascii: "\n"), count: 50_000)),
            ("NUL bytes", Data(repeating: 0, count: 10_000)),
            ("invalid UTF-8", Data([0xFF, 0xFE, 0xFD] + Array(sample.prefix(200)))),
            (
                "an amount of 20 digits",
                Data(
                    String(decoding: sample, as: UTF8.self).replacingOccurrences(
                        of: "1",
                        with: "99999999999999999999"
                    ).utf8
                )
            ),
        ]
        for (what, data) in hostile { Self.expectReadOrRefused(reader, data, what) }
    }
}
