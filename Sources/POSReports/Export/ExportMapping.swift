import Foundation
import POSCore

/// The bookkeeper's accounts VetPOS posts a day to, one per kind of money.
public enum LedgerAccountKey: String, CaseIterable, Hashable, Sendable, Codable {
    // Where the takings went (debits on a normal day).
    case undepositedCash, undepositedChecks, cardClearing, careCreditReceivable, accountsReceivable
    // Contra-income and the drawer's own results.
    case discounts, salesReturns, cashOverShort, drawerPaidInOut
    // Income by category and the tax collected for the state (credits).
    case services, products, pharmacy, fees, salesTax

    /// The income account of a catalog category.
    public static func income(_ kind: ItemKind) -> LedgerAccountKey {
        switch kind {
        case .service: .services
        case .product: .products
        case .pharmacy: .pharmacy
        case .fee: .fees
        }
    }
}

/// An account of the bookkeeper's chart: the exact name their software knows it by, and its number.
public struct LedgerAccount: Hashable, Sendable {
    public var name: String
    public var number: String?

    public init(name: String, number: String?) {
        self.name = name
        self.number = number
    }
}

/// The account the bank-line formats (OFX, QBO, Xero CSV, plain CSV) describe: a "VetPOS deposits" account whose
/// lines are what each day's takings send to the bank (FORMATS.md §3.3).
public struct ExportBankAccount: Hashable, Sendable {
    /// The `<account>` part of every stable id (`RAH-CHK-20250314-CASH`).
    public var code: String
    public var bankID: String
    public var accountID: String
    /// `CHECKING`, `SAVINGS`, `MONEYMRKT` or `CREDITLINE`.
    public var accountType: String
    /// `<FI><ORG>` and `<FID>` of the OFX sign-on.
    public var org: String
    public var fid: String
    /// Intuit's bank id for `.qbo` files: the one the clinic's own bank uses. No default: a `.qbo` file is refused
    /// without it.
    public var intuBID: String?

    public init(
        code: String,
        bankID: String,
        accountID: String,
        accountType: String,
        org: String,
        fid: String,
        intuBID: String?
    ) {
        self.code = code
        self.bankID = bankID
        self.accountID = accountID
        self.accountType = accountType
        self.org = org
        self.fid = fid
        self.intuBID = intuBID
    }
}

/// Which account each kind of money goes to, the clinic's code in stable ids, and the bank-line account.
///
/// Read from a JSON file that overrides the default chart key by key:
///
/// ```json
/// {
///   "clinicCode": "RAH",
///   "accounts": { "services": { "name": "Income:Professional Services", "number": "4010" } },
///   "bank": { "code": "CHK", "bankId": "123456789", "accountId": "000111222", "intuBid": "3000" }
/// }
/// ```
///
/// Unknown keys are refused (a misspelt key would otherwise leave the default in place without a word).
public struct ExportMapping: Hashable, Sendable {
    public var accounts: [LedgerAccountKey: LedgerAccount]
    /// The `<clinic>` part of every stable id; nil: the initials of the clinic's name.
    public var clinicCode: String?
    public var bank: ExportBankAccount

    public init(accounts: [LedgerAccountKey: LedgerAccount], clinicCode: String?, bank: ExportBankAccount) {
        self.accounts = accounts
        self.clinicCode = clinicCode
        self.bank = bank
    }

    public func account(_ key: LedgerAccountKey) -> LedgerAccount {
        // safe: every key is in the default chart and a file can only replace entries, never remove them.
        accounts[key] ?? Self.standard.accounts[key]!
    }

    /// The clinic code of stable ids: the configured one, else the initials of the clinic's name (`Riverside Animal
    /// Hospital` → `RAH`), else `VETPOS`.
    public func clinicCode(for clinic: String) -> String {
        if let clinicCode { return clinicCode }
        let initials = ExportText.ascii(clinic).split(separator: " ").compactMap { word in
            word.first { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
        let code = String(initials.prefix(8)).uppercased()
        return code.count >= 2 ? code : "VETPOS"
    }

    /// A chart for a small-animal practice: income by category with contra-income for discounts and returns,
    /// undeposited funds by tender, clearing accounts for cards and CareCredit. Names use hledger's `Type:Name`
    /// hierarchy; a QuickBooks company file maps them to its own names with `--mapping`.
    public static let standard = ExportMapping(
        accounts: [
            .undepositedCash: LedgerAccount(name: "Assets:Undeposited Funds:Cash", number: "1210"),
            .undepositedChecks: LedgerAccount(name: "Assets:Undeposited Funds:Checks", number: "1220"),
            .cardClearing: LedgerAccount(name: "Assets:Card Clearing", number: "1230"),
            .careCreditReceivable: LedgerAccount(name: "Assets:CareCredit Receivable", number: "1240"),
            .drawerPaidInOut: LedgerAccount(name: "Assets:Petty Cash Clearing", number: "1250"),
            .accountsReceivable: LedgerAccount(name: "Assets:Accounts Receivable", number: "1100"),
            .salesTax: LedgerAccount(name: "Liabilities:Sales Tax Payable", number: "2200"),
            .services: LedgerAccount(name: "Income:Professional Services", number: "4010"),
            .products: LedgerAccount(name: "Income:Retail Products", number: "4020"),
            .pharmacy: LedgerAccount(name: "Income:Pharmacy", number: "4030"),
            .fees: LedgerAccount(name: "Income:Fees", number: "4040"),
            .discounts: LedgerAccount(name: "Income:Discounts Given", number: "4900"),
            .salesReturns: LedgerAccount(name: "Income:Sales Returns", number: "4910"),
            .cashOverShort: LedgerAccount(name: "Expenses:Cash Over and Short", number: "6810"),
        ],
        clinicCode: nil,
        bank: ExportBankAccount(
            code: "CHK",
            bankID: "000000000",
            accountID: "VETPOSDEPOSITS",
            accountType: "CHECKING",
            org: "VetPOS",
            fid: "VETPOS",
            intuBID: nil
        )
    )
}

// MARK: - Reading a mapping file

extension ExportMapping {
    static let accountFields: Set<String> = ["name", "number"]
    static let bankFields: [String] = ["code", "bankId", "accountId", "accountType", "org", "fid", "intuBid"]
    static let topFields: [String] = ["clinicCode", "accounts", "bank"]
    static let accountTypes: Set<String> = ["CHECKING", "SAVINGS", "MONEYMRKT", "CREDITLINE"]

    /// The default chart with the file's entries in place of the defaults. `source` names the file in messages:
    /// `mapping.json: accounts.servics: unknown account …`.
    public static func read(
        _ data: Data,
        source: String,
        base: ExportMapping = .standard
    ) throws(POSError) -> ExportMapping {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .invalid(field: source, reason: "not valid JSON (\(String(describing: error).prefix(120)))")
        }
        guard let top = object as? [String: Any] else {
            throw .invalid(field: source, reason: "must be a JSON object with clinicCode, accounts and bank")
        }
        var mapping = base
        for key in top.keys.sorted() where !topFields.contains(key) {
            throw .invalid(
                field: "\(source): \(key)",
                reason: "unknown key (known: \(topFields.joined(separator: ", ")))"
            )
        }
        if let value = top["clinicCode"] {
            let code = try string(value, field: "\(source): clinicCode")
            try checkCode(code, field: "\(source): clinicCode")
            mapping.clinicCode = code
        }
        if let value = top["accounts"] {
            guard let accounts = value as? [String: Any] else {
                throw .invalid(field: "\(source): accounts", reason: "must be an object keyed by account")
            }
            for name in accounts.keys.sorted() {
                let field = "\(source): accounts.\(name)"
                guard let key = LedgerAccountKey(rawValue: name) else {
                    throw .invalid(
                        field: field,
                        reason:
                            "unknown account (known: \(LedgerAccountKey.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                guard let entry = accounts[name] as? [String: Any] else {
                    throw .invalid(field: field, reason: "must be an object with name and number")
                }
                for extra in entry.keys.sorted() where !accountFields.contains(extra) {
                    throw .invalid(field: "\(field).\(extra)", reason: "unknown key (known: name, number)")
                }
                var account = mapping.account(key)
                if let value = entry["name"] {
                    account.name = try string(value, field: "\(field).name")
                    try checkAccountName(account.name, field: "\(field).name")
                }
                if let value = entry["number"] {
                    if value is NSNull {
                        account.number = nil
                    } else {
                        let number = try string(value, field: "\(field).number")
                        guard (1...7).contains(number.count),
                            number.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) })
                        else {
                            throw .invalid(
                                field: "\(field).number",
                                reason: "an account number is 1 to 7 letters or digits"
                            )
                        }
                        account.number = number
                    }
                }
                mapping.accounts[key] = account
            }
        }
        if let value = top["bank"] {
            guard let bank = value as? [String: Any] else {
                throw .invalid(field: "\(source): bank", reason: "must be an object")
            }
            for extra in bank.keys.sorted() where !bankFields.contains(extra) {
                throw .invalid(
                    field: "\(source): bank.\(extra)",
                    reason: "unknown key (known: \(bankFields.joined(separator: ", ")))"
                )
            }
            func text(_ key: String) throws(POSError) -> String? {
                guard let value = bank[key] else { return nil }
                return try string(value, field: "\(source): bank.\(key)")
            }
            if let code = try text("code") {
                try checkCode(code, field: "\(source): bank.code")
                mapping.bank.code = code
            }
            if let id = try text("bankId") {
                guard (1...9).contains(id.count), id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw .invalid(
                        field: "\(source): bank.bankId",
                        reason: "a bank id (routing number) is 1 to 9 digits"
                    )
                }
                mapping.bank.bankID = id
            }
            if let id = try text("accountId") {
                guard (1...22).contains(id.count),
                    id.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "-") })
                else {
                    throw .invalid(
                        field: "\(source): bank.accountId",
                        reason: "an account id is 1 to 22 letters, digits or dashes"
                    )
                }
                mapping.bank.accountID = id
            }
            if let type = try text("accountType") {
                guard accountTypes.contains(type) else {
                    throw .invalid(
                        field: "\(source): bank.accountType",
                        reason: "one of \(accountTypes.sorted().joined(separator: ", "))"
                    )
                }
                mapping.bank.accountType = type
            }
            for (key, path) in [("org", \ExportBankAccount.org), ("fid", \ExportBankAccount.fid)] {
                guard let value = try text(key) else { continue }
                guard (1...32).contains(value.count), value.allSatisfy({ $0.isASCII && !$0.isNewline }),
                    !value.contains(where: { "<>&".contains($0) || $0 == "\t" })
                else {
                    throw .invalid(
                        field: "\(source): bank.\(key)",
                        reason: "1 to 32 ASCII characters without < > & or control characters"
                    )
                }
                mapping.bank[keyPath: path] = value
            }
            if let bid = try text("intuBid") {
                guard (1...9).contains(bid.count), bid.allSatisfy({ $0.isASCII && $0.isNumber }), Int(bid) != 0 else {
                    throw .invalid(
                        field: "\(source): bank.intuBid",
                        reason: "your bank's QuickBooks id (INTU.BID), digits and not 0"
                    )
                }
                mapping.bank.intuBID = bid
            }
        }
        try mapping.checkDistinctNames(source: source)
        return mapping
    }

    private static func string(_ value: Any, field: String) throws(POSError) -> String {
        guard let text = value as? String else { throw .invalid(field: field, reason: "must be a string") }
        return text
    }

    private static func checkCode(_ code: String, field: String) throws(POSError) {
        guard (2...8).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
            throw .invalid(field: field, reason: "2 to 8 capital letters or digits (it starts every stable id)")
        }
    }

    /// An account name must survive every format unchanged: no control characters (a TAB shifts IIF columns), no
    /// `;` (a journal comment), no two spaces in a row (ends a journal account name), no leading or trailing space,
    /// no empty `:` segment.
    static func checkAccountName(_ name: String, field: String) throws(POSError) {
        guard !name.isEmpty, name.count <= 159 else {
            throw .invalid(field: field, reason: "an account name is 1 to 159 characters")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid(field: field, reason: "control characters (TAB, line breaks) are not allowed")
        }
        if name.contains(";") { throw .invalid(field: field, reason: "';' starts a comment in journals") }
        if name.contains("  ") {
            throw .invalid(field: field, reason: "two spaces in a row end a journal account name")
        }
        if name.first == " " || name.last == " " {
            throw .invalid(field: field, reason: "no leading or trailing space")
        }
        if name.split(separator: ":", omittingEmptySubsequences: false).contains(where: { $0.isEmpty }) {
            throw .invalid(field: field, reason: "an empty part between ':' separators")
        }
    }

    /// Two kinds of money may share an account, but one name cannot carry two numbers.
    func checkDistinctNames(source: String) throws(POSError) {
        var numbers: [String: (LedgerAccountKey, String?)] = [:]
        for key in LedgerAccountKey.allCases {
            let account = account(key)
            if let (other, number) = numbers[account.name], number != account.number {
                throw .invalid(
                    field: "\(source): accounts.\(key.rawValue)",
                    reason: "'\(account.name)' is also \(other.rawValue) with another number"
                )
            }
            numbers[account.name] = (key, account.number)
        }
    }
}
