import GRDB
import POSCore

extension Store {
    /// The file an import comes from: its name as given, the SHA-256 of its bytes, and the format it was read as.
    public struct ImportSource: Codable, Sendable, Equatable {
        public var name: String
        /// Lower-case hex SHA-256 of the file's bytes: the same file is imported once.
        public var digest: String
        /// `stripe`, `square`, `csv`, `bai2`, `ofx`.
        public var format: String

        public init(name: String, digest: String, format: String) {
            self.name = name
            self.digest = digest
            self.format = format
        }
    }

    /// What an import did.
    public struct ImportResult: Codable, Sendable, Equatable {
        public var file: String
        public var digest: String
        /// `settlement` or `bank`.
        public var kind: String
        public var format: String
        public var lines: Int
        /// Lines stored by this import.
        public var added: Int
        /// Lines whose id was already stored from another file (the same entry or bank line seen again).
        public var alreadyImported: Int
        /// True when this very file had been imported before: nothing was written, and the counts are the first
        /// import's.
        public var fileAlreadyImported: Bool
        public var importedBy: String
        public var importedAt: Int64
    }

    /// Stores a settlement file's lines in one transaction: all of them, or none.
    ///
    /// The same file (by digest) is imported once: importing it again writes nothing and says so. A line whose
    /// (processor, id) is already stored from another file is not stored again; if that earlier line differs in an
    /// amount, its type, payout or date, the whole import is refused, naming both files' lines. Journaled once per
    /// file; idempotent per command id.
    public func importSettlement(
        _ lines: [SettlementLine],
        from source: ImportSource,
        commandID: String,
        by clerk: Operator
    ) async throws -> ImportResult {
        try clerk.require(.exportData)
        try Self.validate(source)
        try Self.validate(lines, source: source)
        return try await importFile(
            kind: "settlement",
            source: source,
            count: lines.count,
            commandID: commandID,
            by: clerk
        ) { db, digest in
            var fresh: [SettlementLine] = []
            for line in lines {
                guard
                    let row = try Row.fetchOne(
                        cached: db,
                        sql: """
                            SELECT s.*, f.name AS fileName FROM settlementLine s JOIN importFile f ON f.digest = s.file
                            WHERE s.processor = ? AND s.id = ?
                            """,
                        arguments: [line.processor, line.id]
                    )
                else {
                    fresh.append(line)
                    continue
                }
                let stored = Self.settlementRecord(row)
                let same =
                    (stored.type, stored.gross, stored.fee, stored.net, stored.payoutID, stored.date)
                    == (line.type, line.gross, line.fee, line.net, line.payoutID, line.date)
                guard same else {
                    throw POSError.conflict(
                        "\(source.name) line \(line.line): \(line.processor) entry \(line.id) was imported from "
                            + "\(row["fileName"] as String) line \(stored.line) as \(Self.summary(stored)); "
                            + "this file says \(Self.summary(line))",
                        code: "import.entryChanged"
                    )
                }
            }
            return (
                fresh.count,
                { db in
                    for line in fresh { try Self.insert(line, file: digest, db) }
                }
            )
        }
    }

    /// Stores a bank statement's lines in one transaction: all of them, or none.
    ///
    /// The same file (by digest) is imported once: importing it again writes nothing and says so. A line whose
    /// (account, id) is already stored from another file is not stored again; if that earlier line has another
    /// amount or date, the whole import is refused, naming both files' lines. Journaled once per file; idempotent per
    /// command id.
    public func importBankStatement(
        _ lines: [BankLine],
        from source: ImportSource,
        commandID: String,
        by clerk: Operator
    ) async throws -> ImportResult {
        try clerk.require(.exportData)
        try Self.validate(source)
        try Self.validate(lines, source: source)
        return try await importFile(kind: "bank", source: source, count: lines.count, commandID: commandID, by: clerk) {
            db,
            digest in
            var fresh: [BankLine] = []
            for line in lines {
                guard
                    let row = try Row.fetchOne(
                        cached: db,
                        sql: """
                            SELECT b.*, f.name AS fileName FROM bankLine b JOIN importFile f ON f.digest = b.file
                            WHERE b.account = ? AND b.id = ?
                            """,
                        arguments: [line.account, line.id]
                    )
                else {
                    fresh.append(line)
                    continue
                }
                let stored = Self.bankRecord(row)
                guard stored.amount == line.amount, stored.date == line.date else {
                    throw POSError.conflict(
                        "\(source.name) line \(line.line): bank line \(line.id) of account \(line.account) was imported "
                            + "from \(row["fileName"] as String) line \(stored.line) as \(stored.amount) on \(stored.date); "
                            + "this file says \(line.amount) on \(line.date)",
                        code: "import.bankLineChanged"
                    )
                }
            }
            return (
                fresh.count,
                { db in
                    for line in fresh { try Self.insert(line, file: digest, db) }
                }
            )
        }
    }

    /// The files imported so far, oldest first.
    public func importedFiles() async throws -> [ImportResult] {
        try await read { db in
            try Row.fetchAll(cached: db, sql: "SELECT * FROM importFile ORDER BY importedAt, digest").map {
                Self.importResult($0, alreadyImported: false)
            }
        }
    }

    /// Stored settlement lines, by processor, payout and business date (each filter optional), in date order.
    public func settlementLines(
        processor: String? = nil,
        payoutID: String? = nil,
        from: BusinessDate? = nil,
        through: BusinessDate? = nil
    ) async throws -> [SettlementLine] {
        try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT * FROM settlementLine
                    WHERE (?1 IS NULL OR processor = ?1) AND (?2 IS NULL OR payoutId = ?2)
                      AND (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date <= ?4)
                    ORDER BY date, processor, id
                    """,
                arguments: [processor, payoutID, from?.text, through?.text]
            ).map(Self.settlementRecord)
        }
    }

    /// Stored bank lines, by account and booking date (each filter optional), in date order.
    public func bankLines(
        account: String? = nil,
        from: BusinessDate? = nil,
        through: BusinessDate? = nil
    ) async throws -> [BankLine] {
        try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: """
                    SELECT * FROM bankLine
                    WHERE (?1 IS NULL OR account = ?1) AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3)
                    ORDER BY date, account, id
                    """,
                arguments: [account, from?.text, through?.text]
            ).map(Self.bankRecord)
        }
    }

    // MARK: - The one import transaction

    /// Runs an import once per command id and once per file digest. `plan` looks at the stored lines (refusing
    /// conflicts) and answers how many lines are new and how to store them; the file's row goes in first, since the
    /// lines point at it.
    private func importFile(
        kind: String,
        source: ImportSource,
        count: Int,
        commandID: String,
        by clerk: Operator,
        plan: @Sendable @escaping (Database, String) throws -> (added: Int, store: (Database) throws -> Void)
    ) async throws -> ImportResult {
        try Identifier.validateCommandID(commandID)
        // The same file again under a new command id: say so without writing anything, not even the command.
        if !(try await commandExists(commandID)), let earlier = try await importedFile(source.digest) {
            return earlier
        }
        struct Request: Encodable, Sendable {
            var kind: String
            var source: ImportSource
            var lines: Int
        }
        struct Journal: Encodable {
            var kind: String
            var file: String
            var digest: String
            var format: String
            var lines: Int
            var added: Int
            var alreadyImported: Int
        }
        let at = now()
        return try await once(
            id: commandID,
            kind: "import.\(kind)",
            request: Request(kind: kind, source: source, lines: count)
        ) { db in
            if let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT * FROM importFile WHERE digest = ?",
                arguments: [source.digest]
            ) {
                return Self.importResult(row, alreadyImported: true)
            }
            let (added, store) = try plan(db, source.digest)
            let result = ImportResult(
                file: source.name,
                digest: source.digest,
                kind: kind,
                format: source.format,
                lines: count,
                added: added,
                alreadyImported: count - added,
                fileAlreadyImported: false,
                importedBy: clerk.employee.id,
                importedAt: at
            )
            try db.executeCached(
                sql: """
                    INSERT INTO importFile (digest, kind, format, name, lineCount, added, alreadyImported, importedBy,
                        importedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    source.digest, kind, source.format, source.name, count, added, count - added, clerk.employee.id, at,
                ]
            )
            try store(db)
            try self.journal(
                db,
                kind: "import.\(kind)",
                by: clerk,
                subject: "file \(source.digest.prefix(16))",
                at: at,
                payload: Journal(
                    kind: kind,
                    file: source.name,
                    digest: source.digest,
                    format: source.format,
                    lines: count,
                    added: added,
                    alreadyImported: count - added
                )
            )
            return result
        }
    }

    private func importedFile(_ digest: String) async throws -> ImportResult? {
        try await read { db in
            try Row.fetchOne(cached: db, sql: "SELECT * FROM importFile WHERE digest = ?", arguments: [digest]).map {
                Self.importResult($0, alreadyImported: true)
            }
        }
    }

    // MARK: - Rows

    private static func importResult(_ row: Row, alreadyImported: Bool) -> ImportResult {
        ImportResult(
            file: row["name"],
            digest: row["digest"],
            kind: row["kind"],
            format: row["format"],
            lines: row["lineCount"],
            added: row["added"],
            alreadyImported: row["alreadyImported"],
            fileAlreadyImported: alreadyImported,
            importedBy: row["importedBy"],
            importedAt: row["importedAt"]
        )
    }

    private static func insert(_ line: SettlementLine, file: String, _ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO settlementLine (processor, id, file, sourceLine, type, category, payoutId, batchReference,
                    traceId, date, availableOn, payoutDate, currency, gross, fee, net, cardBrand, cardLast4, sourceId,
                    paymentReference, description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                line.processor, line.id, file, line.line, line.type.rawValue, line.category, line.payoutID,
                line.batchReference,
                line.traceID, line.date.text, line.availableOn?.text, line.payoutDate?.text, line.currency,
                line.gross.minorUnits, line.fee.minorUnits, line.net.minorUnits, line.cardBrand?.rawValue,
                line.cardLast4,
                // A processor's or bank's text is kept for display, never a card number in it.
                line.sourceID, line.paymentReference, CardNumberDetector.masked(line.description),
            ]
        )
    }

    private static func insert(_ line: BankLine, file: String, _ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO bankLine (account, id, file, sourceLine, idDerived, date, valueDate, amount, currency, type,
                    reference, checkNumber, description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                line.account, line.id, file, line.line, line.idDerived, line.date.text, line.valueDate?.text,
                line.amount.minorUnits, line.currency, line.type, line.reference, line.checkNumber,
                CardNumberDetector.masked(line.description),
            ]
        )
    }

    static func settlementRecord(_ row: Row) -> SettlementLine {
        SettlementLine(
            processor: row["processor"],
            id: row["id"],
            payoutID: row["payoutId"],
            batchReference: row["batchReference"],
            traceID: row["traceId"],
            // safe: the schema's CHECK constraint admits only real dates
            date: BusinessDate(row["date"])!,
            availableOn: (row["availableOn"] as String?).flatMap(BusinessDate.init),
            payoutDate: (row["payoutDate"] as String?).flatMap(BusinessDate.init),
            // safe: the schema's CHECK constraint admits only these values
            type: SettlementLineType(rawValue: row["type"])!,
            category: row["category"],
            gross: Money(minorUnits: row["gross"]),
            fee: Money(minorUnits: row["fee"]),
            net: Money(minorUnits: row["net"]),
            currency: row["currency"],
            cardBrand: (row["cardBrand"] as String?).flatMap(CardBrand.init(rawValue:)),
            cardLast4: row["cardLast4"],
            sourceID: row["sourceId"],
            paymentReference: row["paymentReference"],
            description: row["description"],
            line: row["sourceLine"]
        )
    }

    static func bankRecord(_ row: Row) -> BankLine {
        BankLine(
            account: row["account"],
            id: row["id"],
            idDerived: row["idDerived"],
            // safe: the schema's CHECK constraint admits only real dates
            date: BusinessDate(row["date"])!,
            valueDate: (row["valueDate"] as String?).flatMap(BusinessDate.init),
            amount: Money(minorUnits: row["amount"]),
            currency: row["currency"],
            type: row["type"],
            reference: row["reference"],
            checkNumber: row["checkNumber"],
            description: row["description"],
            line: row["sourceLine"]
        )
    }

    private static func summary(_ line: SettlementLine) -> String {
        "\(line.type.rawValue) gross \(line.gross) fee \(line.fee) net \(line.net) on \(line.date)"
            + (line.payoutID.map { " in payout \($0)" } ?? "")
    }

    // MARK: - Validation (the parsers check all of this too; the store does not rely on them)

    private static func validate(_ source: ImportSource) throws(POSError) {
        guard source.digest.count == 64, source.digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw .invalid(field: "digest", reason: "'\(source.digest)' is not a lower-case SHA-256 in hex")
        }
        try Identifier.validateText(source.name, field: "file name", maxLength: 255)
        try Identifier.validate(source.format, field: "format")
    }

    private static func validate(_ lines: [SettlementLine], source: ImportSource) throws(POSError) {
        var seen: [String: Int] = [:]
        for line in lines {
            let at = "\(source.name) line \(line.line)"
            guard line.line > 0 else {
                throw .invalid(field: at, reason: "line numbers start at 1", code: "import.badLineNumber")
            }
            try Identifier.validate(line.processor, field: "\(at), processor")
            try checkID(line.id, field: "\(at), id")
            let key = line.processor + "\u{1F}" + line.id
            if let first = seen[key] {
                throw .invalid(
                    field: "\(at), id",
                    reason: "'\(line.id)' is already on line \(first)",
                    code: "import.duplicateId"
                )
            }
            seen[key] = line.line
            try checkCurrency(line.currency, field: "\(at), currency")
            guard line.gross - line.fee == line.net else {
                throw .invalid(
                    field: "\(at), net",
                    reason: "gross \(line.gross) − fee \(line.fee) = \(line.gross - line.fee), but net is \(line.net)",
                    code: "import.netMismatch"
                )
            }
            let wrongSign: String? =
                switch line.type {
                case .charge where !line.gross.isPositive: "a charge must be positive"
                case .refund where !line.gross.isNegative && line.category != "refund_failure":
                    "a refund must be negative"
                case .chargeback where line.gross == .zero: "a chargeback must not be zero"
                case .payout where line.net == .zero: "a payout must not be zero"
                default: nil
                }
            if let wrongSign {
                throw .invalid(field: "\(at), gross", reason: "\(line.gross): \(wrongSign)", code: "import.wrongSign")
            }
            if let last4 = line.cardLast4, last4.count != 4 || !last4.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw .invalid(field: "\(at), card last 4", reason: "'\(last4)' is not 4 digits")
            }
            for (value, name) in [(line.payoutID, "payout"), (line.batchReference, "batch"), (line.sourceID, "source")]
            {
                if let value { try checkID(value, field: "\(at), \(name)") }
            }
        }
    }

    private static func validate(_ lines: [BankLine], source: ImportSource) throws(POSError) {
        var seen: [String: Int] = [:]
        for line in lines {
            let at = "\(source.name) line \(line.line)"
            guard line.line > 0 else {
                throw .invalid(field: at, reason: "line numbers start at 1", code: "import.badLineNumber")
            }
            try checkID(line.account, field: "\(at), account")
            try checkID(line.id, field: "\(at), id")
            let key = line.account + "\u{1F}" + line.id
            if let first = seen[key] {
                throw .invalid(
                    field: "\(at), id",
                    reason: "'\(line.id)' of account \(line.account) is already on line \(first)",
                    code: "import.duplicateId"
                )
            }
            seen[key] = line.line
            try checkCurrency(line.currency, field: "\(at), currency")
            guard !line.type.isEmpty else { throw .invalid(field: "\(at), type", reason: "is empty") }
        }
    }

    private static func checkID(_ value: String, field: String) throws(POSError) {
        guard !value.isEmpty, value.count <= 255,
            !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalid(field: field, reason: "'\(value)' is not an id (1–255 characters, no control characters)")
        }
    }

    private static func checkCurrency(_ value: String, field: String) throws(POSError) {
        guard value.count == 3, value.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalid(field: field, reason: "'\(value)' is not an ISO 4217 code such as USD")
        }
    }
}
