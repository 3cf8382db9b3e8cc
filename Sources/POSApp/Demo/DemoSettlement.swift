import Foundation
import POSCore
import POSReports
import POSServices
import POSStorage

extension DemoMorning {
    /// The days after: the processor's settlement file and the bank statement, as the demo writes them for its own
    /// day (a 2.9 % + $0.30 fee on each card sale, paid out the next business day; the deposit credited the next
    /// business day), imported like any file and matched.
    func settleAndReconcile(day: BusinessDate, folder: URL) async throws {
        let manager = who(.manager)
        let batches = try await store.cardBatchDay(day, viewer: manager).batches
        let nextBusinessDay = Self.nextBusinessDay(after: day)
        var stripe = [
            "balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,"
                + "description,automatic_payout_id,automatic_payout_effective_at_utc,card_brand,"
                + "payment_metadata[vetpos_payment_id]"
        ]
        var bank = ["Posting Date,Reference,Description,Check Number,Credit,Debit"]
        let utc = try BusinessCalendar(timeZoneIdentifier: "UTC")
        for batch in batches {
            let payout = "po_\(batch.id.filter { $0.isLetter || $0.isNumber })"
            var net = Money.zero
            for payment in batch.payments where payment.tender != .careCredit {
                let isSale = payment.amount.isPositive
                // Integer fee: 2.9 % rounded half up, plus 30 cents per sale; refunds carry no fee.
                let fee =
                    isSale
                    ? Money(minorUnits: mulDiv(payment.amount.minorUnits, 29, 1000, rounding: .halfAwayFromZero) + 30)
                    : .zero
                net += payment.amount - fee
                let created =
                    "\(utc.businessDate(atMillis: payment.atMillis)) \(utc.timeOfDay(atMillis: payment.atMillis)):00"
                stripe.append(
                    [
                        "txn_demo_\(payment.number)", created, "\(nextBusinessDay) 00:00:00", "usd",
                        payment.amount.description, fee.description, (payment.amount - fee).description,
                        isSale ? "charge" : "refund",
                        isSale ? "ch_demo_\(payment.number)" : "re_demo_\(payment.number)",
                        isSale ? "Visit payment" : "Refund", payout, "\(nextBusinessDay) 00:00:00",
                        payment.brand.rawValue,
                        "P\(payment.number)",
                    ].joined(separator: ",")
                )
            }
            if net.isPositive {
                bank.append("\(Self.us(nextBusinessDay)),BK-\(payout),STRIPE TRANSFER \(payout),,\(net.description),")
            }
        }
        for deposit in try await store.depositDay(day, viewer: manager).deposits {
            bank.append(
                "\(Self.us(nextBusinessDay)),BK-\(deposit.id),BRANCH DEPOSIT \(deposit.id),,\(deposit.total.description),"
            )
        }
        bank.append("\(Self.us(nextBusinessDay)),BK-FEE-\(day.text),MONTHLY ACCOUNT FEE,,,12.00")
        let mapping = """
            {
              "kind": "bank",
              "name": "Riverside Bank checking download",
              "account": "000123456",
              "dateFormat": "MM/DD/YYYY",
              "sign": "credit-debit-columns",
              "columns": {
                "date": "Posting Date",
                "reference": "Reference",
                "description": "Description",
                "checkNumber": "Check Number",
                "credit": "Credit",
                "debit": "Debit"
              }
            }

            """
        let settlementFile = folder.appendingPathComponent("demo-stripe-\(day).csv")
        let bankFile = folder.appendingPathComponent("demo-bank-\(day).csv")
        let mappingFile = folder.appendingPathComponent("demo-bank.mapping.json")
        try Data((stripe.joined(separator: "\n") + "\n").utf8).write(to: settlementFile, options: .atomic)
        try Data((bank.joined(separator: "\n") + "\n").utf8).write(to: bankFile, options: .atomic)
        try Data(mapping.utf8).write(to: mappingFile, options: .atomic)

        // Imported exactly as `vetpos import` does: parsed strictly, stored once.
        let settlementData = try Data(contentsOf: settlementFile)
        let parsed = try StripeCSV.parse(
            String(decoding: settlementData, as: UTF8.self),
            source: settlementFile.lastPathComponent,
            calendar: calendar
        )
        _ = try await store.importSettlement(
            parsed.lines,
            from: Store.ImportSource(
                name: settlementFile.lastPathComponent,
                digest: SHA256.hexDigest(settlementData),
                format: "stripe"
            ),
            commandID: nextID("import-settlement"),
            by: manager
        )
        let bankData = try Data(contentsOf: bankFile)
        let statement = try MappedCSV.bankStatement(
            String(decoding: bankData, as: UTF8.self),
            source: bankFile.lastPathComponent,
            mapping: try CSVMapping.parse(Data(mapping.utf8), source: mappingFile.lastPathComponent)
        )
        _ = try await store.importBankStatement(
            statement.lines,
            from: Store.ImportSource(
                name: bankFile.lastPathComponent,
                digest: SHA256.hexDigest(bankData),
                format: "csv"
            ),
            commandID: nextID("import-bank"),
            by: manager
        )
        print("")
        print("Wrote and imported \(settlementFile.path) and \(bankFile.path).")
        print("")
        let matching = try await DepositReports.batchMatching(day, store, viewer: manager)
        print(matching.text(calendar: calendar), terminator: "")
        print("")
        // Through the day the credits arrived, so the bank's own debits of that day are listed too.
        let outcome = try await ReconciliationReports.reconcile(
            store,
            viewer: manager,
            from: day,
            through: nextBusinessDay
        )
        print(outcome.text, terminator: "")
    }

    static func nextBusinessDay(after day: BusinessDate) -> BusinessDate {
        var next = day.adding(days: 1)
        while [1, 7].contains(weekday(next)) { next = next.adding(days: 1) }
        return next
    }

    static func weekday(_ day: BusinessDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        // safe: the demo's own constants
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = day.parts
        return calendar.component(
            .weekday,
            // safe: the demo's own constants
            from: calendar.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day))!
        )
    }

    /// MM/DD/YYYY, as US bank downloads write dates.
    static func us(_ day: BusinessDate) -> String {
        let parts = day.text.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }
}
