import Foundation
import POSCore
import POSReports
import Testing

/// Stripe, Square and mapped settlement files: the real samples and examples are read exactly, and every malformed
/// variant is refused as a whole with its line and reason.
@Suite struct ImportStripeTests {
    static let example = "validators/examples/csv/good-stripe-balance-change.csv"

    func parse(_ text: String, _ source: String = "stripe.csv") throws -> SettlementFile {
        try StripeCSV.parse(text, source: source, calendar: ImportFiles.chicago)
    }

    @Test func theHledgerSampleIsReadExactly() throws {
        let file = try SettlementImport.parse(
            try ImportFiles.testTools("samples/hledger-examples-stripe-balance-change.csv"),
            source: "stripe.csv",
            format: .stripe,
            calendar: ImportFiles.chicago
        )
        #expect(file.format == .stripe)
        #expect(file.warnings.isEmpty)
        #expect(file.lines.count == 2)
        let charge = file.lines[0]
        #expect(charge.processor == "stripe")
        #expect(charge.id == "txn_14G11HjubSIHf9IKrvJdwN")
        #expect(charge.type == .charge && charge.category == "charge")
        #expect(charge.gross == importMoney("12.00") && charge.fee == .zero && charge.net == importMoney("12.00"))
        #expect(charge.currency == "USD")
        // 08:26 UTC is 02:26 in Chicago: the same business day; available_on is a date, never shifted.
        #expect(charge.date == BusinessDate("2020-01-23"))
        #expect(charge.availableOn == BusinessDate("2020-01-27"))
        #expect(charge.payoutID == nil && charge.description == "" && charge.line == 2)
        let refund = file.lines[1]
        #expect(refund.id == "txn_14G11HjHgubIH9ZvbPgYO7")
        #expect(refund.type == .refund)
        #expect(refund.gross == importMoney("-0.77") && refund.net == importMoney("-0.77"))
        #expect(refund.description == "REFUND FOR PAYMENT" && refund.line == 3)
    }

    @Test func theValidatorExampleIsReadExactly() throws {
        let file = try parse(ImportFiles.text(try ImportFiles.testTools(Self.example)))
        #expect(file.lines.count == 5)
        #expect(file.lines.map(\.line) == [2, 3, 4, 5, 6])
        #expect(file.lines.map(\.type) == [.charge, .charge, .charge, .refund, .chargeback])
        #expect(Set(file.lines.map(\.payoutID)) == ["po_0000000000000000000B0314"])
        #expect(file.lines.map(\.gross).sum() == importMoney("805.00"))
        #expect(file.lines.map(\.fee).sum() == importMoney("46.21"))
        #expect(file.lines.map(\.net).sum() == importMoney("758.79"))
        // The dispute withdraws the amount and a dispute fee, as explicit numbers.
        let dispute = file.lines[4]
        #expect(dispute.id == "txn_0000000000000000000005" && dispute.category == "dispute")
        #expect(dispute.gross == importMoney("-195.00") && dispute.fee == importMoney("15.00"))
        #expect(dispute.net == importMoney("-210.00"))
        #expect(file.lines.allSatisfy { $0.date == BusinessDate("2025-03-14") })
    }

    @Test func aBalanceReportWithThePayoutRowAddsUp() throws {
        let file = try parse(ImportFiles.text(try ImportFiles.fixture("stripe-balance-with-payout.csv")))
        #expect(file.lines.count == 5)
        let entries = file.lines.filter { $0.type != .payout }
        #expect(entries.map(\.gross).sum() == importMoney("1240.00"))
        #expect(entries.map(\.fee).sum() == importMoney("36.23"))
        #expect(entries.map(\.net).sum() == importMoney("1203.77"))
        let payout = try #require(file.lines.last)
        #expect(payout.type == .payout && payout.payoutID == "po_1Mvet0000000000B0314")
        #expect(payout.net == importMoney("-1203.77"))
        // 03:10 UTC on the 15th is 22:10 on the 14th in Chicago: the late-evening sale stays on its business day.
        #expect(entries[2].date == BusinessDate("2025-03-14"))
        #expect(entries.allSatisfy { $0.payoutDate == BusinessDate("2025-03-17") })
        #expect(entries.map(\.cardBrand) == [.visa, .mastercard, .amex, .visa])
        #expect(entries.map(\.paymentReference) == ["P1001", "P1002", "P1003", "P1001"])
        #expect(entries[0].sourceID == "ch_3Mvet0000000000000001")
    }

    @Test func malformedFilesAreRefusedWithTheirLine() throws {
        let good = ImportFiles.text(try ImportFiles.testTools(Self.example))
        expectRefused("missing.csv line 1", "lacks 'reporting_category'") {
            _ = try parse(
                ImportFiles.text(try ImportFiles.testTools("validators/examples/csv/bad-stripe-missing-column.csv")),
                "missing.csv"
            )
        }
        expectRefused("stripe.csv line 6, net", "gross -195.00 − fee 15.00 = -210.00, but net is -195.00") {
            _ = try parse(
                ImportFiles.text(try ImportFiles.testTools("validators/examples/csv/bad-stripe-net-mismatch.csv"))
            )
        }
        expectRefused("stripe.csv line 2, gross", "thousands separator", "1450.00") {
            _ = try parse(replacing(good, "450.00,13.35,436.65", "\"1,450.00\",13.35,\"1,436.65\""))
        }
        expectRefused("stripe.csv line 2", "12 fields", "thousands separator") {
            _ = try parse(replacing(good, "450.00,13.35,436.65", "1,450.00,13.35,1,436.65"))
        }
        expectRefused("stripe.csv line 3, created_utc", "'2025-02-30 16:40:52' is not a date") {
            _ = try parse(replacing(good, "2025-03-14 16:40:52", "2025-02-30 16:40:52"))
        }
        expectRefused("stripe.csv line 4, available_on_utc", "'03/16/2025'") {
            _ = try parse(replacing(good, "2025-03-14 17:15:03,2025-03-16 00:00:00", "2025-03-14 17:15:03,03/16/2025"))
        }
        expectRefused("stripe.csv line 3, balance_transaction_id", "already on line 2") {
            _ = try parse(replacing(good, "txn_0000000000000000000002", "txn_0000000000000000000001"))
        }
        expectRefused("stripe.csv line 2, gross", "a charge row has gross -450.00; it must be positive") {
            _ = try parse(replacing(good, "450.00,13.35,436.65,charge", "-450.00,13.35,-463.35,charge"))
        }
        expectRefused("stripe.csv line 5, gross", "a refund row has gross 45.00; it must be negative") {
            _ = try parse(replacing(good, "-45.00,0.00,-45.00", "45.00,0.00,45.00"))
        }
        // Cut in the middle of the last row: too few fields; cut inside its last field: no final line break.
        expectRefused("stripe.csv line 6", "cut short") { _ = try parse(String(good.dropLast(40))) }
        expectRefused("stripe.csv line 6", "does not end with a line break", "cut short") {
            _ = try parse(String(good.dropLast(6)))
        }
        expectRefused("stripe.csv line 2, currency", "JPY does not have 2 decimals") {
            _ = try parse(replacing(good, ",usd,450.00", ",jpy,450.00"))
        }
        expectRefused("stripe.csv line 2", "unterminated quoted field") {
            _ = try parse(replacing(good, "Exam and vaccines", "\"Exam and vaccines"))
        }
    }

    @Test func aPayoutThatDoesNotAddUpIsRefused() throws {
        let text = ImportFiles.text(try ImportFiles.fixture("stripe-balance-with-payout.csv"))
        expectRefused("payout.csv line 6, net", "pays out 1203.78, but its 4 entries add up to 1203.77") {
            _ = try parse(replacing(text, "-1203.77,0.00,-1203.77", "-1203.78,0.00,-1203.78"), "payout.csv")
        }
        expectRefused("payout.csv line 6, gross", "a payout row has gross 1203.77; it must be negative") {
            _ = try parse(replacing(text, "-1203.77,0.00,-1203.77", "1203.77,0.00,1203.77"), "payout.csv")
        }
    }

    @Test func unknownCategoriesAreKeptAsAdjustmentsWithTheirName() throws {
        let text = """
            balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category
            txn_1,2025-03-14 15:00:00,usd,-2.50,0.00,-2.50,network_cost
            txn_2,2025-03-14 15:00:00,usd,5.00,0.00,5.00,dispute_reversal

            """
        let file = try parse(text)
        #expect(file.lines.map(\.type) == [.adjustment, .chargeback])
        #expect(file.lines.map(\.category) == ["network_cost", "dispute_reversal"])
    }
}

@Suite struct ImportSquareTests {
    func parse(_ text: String) throws -> SettlementFile { try SquareCSV.parse(text, source: "square.csv") }

    @Test func theTransactionsExportIsReadExactly() throws {
        let file = try SettlementImport.parse(
            try ImportFiles.fixture("square-transactions.csv"),
            source: "square.csv",
            format: .square,
            calendar: ImportFiles.chicago
        )
        #expect(file.lines.map(\.id) == ["PAY0314A", "PAY0314B", "PAY0314D", "refund-PAY0314A", "PAY0315A"])
        #expect(file.lines.map(\.line) == [2, 3, 5, 6, 7])
        #expect(
            file.warnings == [
                "1 row without a card amount (cash, gift cards, other tenders): not settled by Square, skipped"
            ]
        )
        let deposit = file.lines.filter { $0.payoutID == "DEP0314B" }
        #expect(deposit.count == 4)
        #expect(deposit.map(\.gross).sum() == importMoney("1240.00"))
        #expect(deposit.map(\.fee).sum() == importMoney("36.23"))
        #expect(deposit.map(\.net).sum() == importMoney("1203.77"))
        #expect(
            deposit.allSatisfy { $0.payoutDate == BusinessDate("2025-03-17") && $0.date == BusinessDate("2025-03-14") }
        )
        let refund = file.lines[3]
        #expect(refund.type == .refund && refund.gross == importMoney("-45.00") && refund.fee == .zero)
        #expect(refund.sourceID == "PAY0314A" && refund.category == "Refund")
        // "$1,149.00 " — a symbol, a thousands separator and a trailing space, as Square writes for people.
        let large = file.lines[4]
        #expect(large.gross == importMoney("1149.00") && large.fee == importMoney("33.62"))
        #expect(large.net == importMoney("1115.38") && large.cardBrand == .discover && large.cardLast4 == "6011")
        #expect(file.lines.map(\.cardBrand) == [.visa, .mastercard, .amex, .visa, .discover])
    }

    @Test func malformedFilesAreRefusedWithTheirLine() throws {
        let good = ImportFiles.text(try ImportFiles.fixture("square-transactions.csv"))
        expectRefused("square.csv line 1", "not a Square transactions export", "'Net Total'") {
            _ = try parse(replacing(good, "Net Total", "Net"))
        }
        expectRefused("square.csv line 7, Total Collected", "misplaced thousands separators") {
            _ = try parse(replacing(good, "\"$1,149.00 \",Register", "\"$11,49.00\",Register"))
        }
        expectRefused("square.csv line 2, Fees", "is not an amount") {
            _ = try parse(replacing(good, "($13.35)", "($13.3)"))
        }
        expectRefused("square.csv line 3, Date", "'03/32/2025' is not a date") {
            _ = try parse(replacing(good, "03/14/2025,11:40:52", "03/32/2025,11:40:52"))
        }
        expectRefused("square.csv line 3, Payment ID", "already on line 2") {
            _ = try parse(replacing(good, "TXN0314B,PAY0314B", "TXN0314B,PAY0314A"))
        }
        expectRefused("square.csv line 2, Card", "a Payment of -450.00; it must be positive") {
            _ = try parse(replacing(good, "Register,$450.00,EMV", "Register,($450.00),EMV"))
        }
        expectRefused("square.csv line 2, Net Total", "but Net Total is 436.66") {
            _ = try parse(replacing(good, "$436.65", "$436.66"))
        }
        expectRefused("square.csv line 7", "cut short") { _ = try parse(String(good.dropLast(30))) }
        expectRefused("square.csv line 3, Event Type", "'Void' is not Payment or Refund") {
            _ = try parse(replacing(good, "Dental cleaning,Payment", "Dental cleaning,Void"))
        }
    }
}

@Suite struct ImportMappedSettlementTests {
    static let mappingName = "processor-deposits.mapping.json"

    func parse(_ text: String, mapping: CSVMapping? = nil) throws -> SettlementFile {
        try MappedCSV.settlements(
            text,
            source: "deposits.csv",
            mapping: try mapping ?? ImportFiles.mapping(Self.mappingName)
        )
    }

    @Test func aProcessorReportIsReadThroughItsMapping() throws {
        let file = try SettlementImport.parse(
            try ImportFiles.fixture("processor-deposits.csv"),
            source: "deposits.csv",
            format: .csv,
            mapping: try ImportFiles.mapping(Self.mappingName),
            calendar: ImportFiles.chicago
        )
        #expect(file.lines.count == 5)
        #expect(file.lines.allSatisfy { $0.processor == "elavon" })
        #expect(file.lines.map(\.type) == [.charge, .charge, .charge, .refund, .chargeback])
        let batch = file.lines.filter { $0.batchReference == "B0314" }
        #expect(batch.map(\.gross).sum() == importMoney("1240.00"))
        #expect(batch.map(\.fee).sum() == importMoney("36.23"))
        #expect(batch.map(\.net).sum() == importMoney("1203.77"))
        #expect(batch.allSatisfy { $0.payoutID == "DEP-20250317-01" && $0.payoutDate == BusinessDate("2025-03-17") })
        let chargeback = file.lines[4]
        #expect(chargeback.gross == importMoney("-80.00") && chargeback.fee == importMoney("15.00"))
        #expect(
            chargeback.net == importMoney("-95.00") && chargeback.payoutID == nil && chargeback.category == "CHARGEBACK"
        )
        #expect(file.lines.map(\.cardBrand) == [.visa, .mastercard, .amex, .visa, .visa])
        #expect(file.lines[2].cardLast4 == "0005")
    }

    @Test func malformedFilesAreRefusedWithTheirLine() throws {
        let good = ImportFiles.text(try ImportFiles.fixture("processor-deposits.csv"))
        expectRefused("deposits.csv line 1", "the mapping's net column 'Net' is not in the header") {
            _ = try parse(replacing(good, ",Net,", ",Net Amount,"))
        }
        expectRefused("deposits.csv line 3, Amount", "thousands separator") {
            _ = try parse(replacing(good, "310.00,-9.29,300.71", "\"1,310.00\",-9.29,\"1,300.71\""))
        }
        expectRefused("deposits.csv line 2, Batch Date", "'2025-3-14' is not a date written YYYY-MM-DD") {
            _ = try parse(replacing(good, "2025-03-14,B0314,EL-1001", "2025-3-14,B0314,EL-1001"))
        }
        expectRefused("deposits.csv line 3, Transaction ID", "'EL-1001' is already on line 2") {
            _ = try parse(replacing(good, "EL-1002", "EL-1001"))
        }
        expectRefused("deposits.csv line 2, Amount", "a charge of -450.00; it must be positive") {
            _ = try parse(replacing(good, "SALE,450.00,-13.35,436.65", "SALE,-450.00,-13.35,-463.35"))
        }
        expectRefused("deposits.csv line 2, Net", "but net is 436.66") {
            _ = try parse(replacing(good, "436.65", "436.66"))
        }
        expectRefused("deposits.csv line 5, Type", "'VOID' is not in the mapping's types") {
            _ = try parse(replacing(good, "RETURN", "VOID"))
        }
        expectRefused("deposits.csv line 6", "cut short") { _ = try parse(String(good.dropLast(12))) }
    }

    @Test func mappingFilesAreStrict() throws {
        func mapping(_ json: String) throws -> CSVMapping { try CSVMapping.parse(Data(json.utf8), source: "map.json") }
        expectRefused("map.json, colums", "unknown key") { _ = try mapping(#"{"colums": {"date": "Date"}}"#) }
        expectRefused("map.json, columns.amout", "unknown field") { _ = try mapping(#"{"columns": {"amout": "A"}}"#) }
        expectRefused("map.json, dateFormat", "'DD/MM/YY' is not one of") {
            _ = try mapping(#"{"dateFormat": "DD/MM/YY", "columns": {"date": "D"}}"#)
        }
        expectRefused("map.json", "is not valid JSON") { _ = try mapping("{") }
        let bank = try ImportFiles.mapping("bank-checking.mapping.json")
        expectRefused("mapping, kind", "the mapping is for bank files, not settlement files") {
            _ = try parse(ImportFiles.text(try ImportFiles.fixture("processor-deposits.csv")), mapping: bank)
        }
    }
}

/// Imported records feed the matching stages as they are: the worked example's Stripe payout meets its OFX bank
/// credit, and the BAI2 card settlement's batch id finds the mapped processor report's payout.
@Suite struct ImportMatchingTests {
    @Test func aStripePayoutMatchesItsBankCredit() throws {
        let settlement = try StripeCSV.parse(
            ImportFiles.text(try ImportFiles.fixture("stripe-balance-with-payout.csv")),
            source: "stripe.csv",
            calendar: ImportFiles.chicago
        )
        let entries = settlement.lines.compactMap(\.matchingEntry)
        #expect(entries.count == 4 && entries.allSatisfy { $0.payout == "po_1Mvet0000000000B0314" })
        #expect(entries.map(\.id).first == "stripe:txn_3Mvet0000000000000001")
        let payouts = settlement.lines.matchingPayouts
        #expect(
            payouts == [
                PayoutItem(
                    id: "po_1Mvet0000000000B0314",
                    net: importMoney("1203.77"),
                    expected: BusinessDate("2025-03-17")!
                )
            ]
        )
        let bank = try OFX.parse(
            try ImportFiles.testTools("validators/examples/ofx/good-deposit-v102.ofx"),
            source: "bank.ofx"
        )
        let lines = bank.lines.map(\.matchingLine)
        #expect(lines[2].id == "000111222:MVC-CHK-20250317-BATCH-B0314")
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: entries,
            payouts: payouts,
            slips: [],
            bank: lines
        )
        let payoutMatch = try #require(result.matches.first { $0.kind == .payoutToBank })
        #expect(payoutMatch.left == ["po_1Mvet0000000000B0314"])
        #expect(payoutMatch.right == ["000111222:MVC-CHK-20250317-BATCH-B0314"])
        #expect(payoutMatch.rule == .amountWindow)
        #expect(!result.findings.contains { $0.kind == .payoutDoesNotAddUp })
    }

    @Test func aBatchIdInTheBankTextMatchesTheProcessorPayout() throws {
        let settlement = try MappedCSV.settlements(
            ImportFiles.text(try ImportFiles.fixture("processor-deposits.csv")),
            source: "deposits.csv",
            mapping: try ImportFiles.mapping("processor-deposits.mapping.json")
        )
        let payouts = settlement.lines.matchingPayouts
        #expect(payouts.map(\.id) == ["DEP-20250317-01"])
        #expect(payouts.first?.references == ["B0314"] && payouts.first?.net == importMoney("1203.77"))
        // The chargeback has no payout yet: it waits for the file that names one.
        #expect(settlement.lines.compactMap(\.matchingEntry).count == 4)
        let bank = try BAI2.parse(
            ImportFiles.text(try ImportFiles.testTools("validators/examples/bai2/good-deposit.bai2")),
            source: "bank.bai2"
        )
        let result = Reconciler.reconcile(
            payments: [],
            batches: [],
            entries: settlement.lines.compactMap(\.matchingEntry),
            payouts: payouts,
            slips: [],
            bank: bank.lines.map(\.matchingLine)
        )
        let match = try #require(result.matches.first { $0.kind == .payoutToBank })
        #expect(match.rule == .id && match.right == ["000111222:B0314"])
    }
}
