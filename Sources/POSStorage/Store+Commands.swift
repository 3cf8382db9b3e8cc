import Foundation
import GRDB
import POSCore
import Synchronization

extension Store {
    /// Runs a mutating command once per client-generated id.
    ///
    /// The first run stores its result with the id and a digest of the request, in the same transaction as its
    /// effects. A replay with the same request returns that result and writes nothing; the same id with a different
    /// request is refused, since it means two different things were sent under one id.
    func once<Result: Codable & Sendable>(
        id: String,
        kind: String,
        request: some Encodable & Sendable,
        _ body: @Sendable @escaping (Database) throws -> Result
    ) async throws -> Result {
        try Identifier.validateCommandID(id)
        let requestJSON = try CanonicalJSON.encode(request)
        try Self.refuseCardNumbers(in: requestJSON)
        let digest = SHA256.hexDigest(requestJSON)
        let at = now()
        return try await transaction { db in
            if let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT kind, digest, result FROM command WHERE id = ?",
                arguments: [id]
            ) {
                guard row["kind"] == kind, row["digest"] == digest else {
                    throw POSError.conflict(
                        "command id \(id) was already used for a different request",
                        code: "command.reused"
                    )
                }
                return try CanonicalJSON.decode(Result.self, row["result"])
            }
            let result = try body(db)
            try db.executeCached(
                sql: "INSERT INTO command (id, kind, digest, result, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, kind, digest, try CanonicalJSON.encode(result), at]
            )
            return result
        }
    }

    /// No command stores a card number, whatever field it was typed into (a reason, a note, a name, an address):
    /// every text of the request is checked before anything is written, and the first one found is named.
    static func refuseCardNumbers(in requestJSON: String) throws {
        guard let root = try? JSONSerialization.jsonObject(with: Data(requestJSON.utf8), options: [.fragmentsAllowed])
        else { return }
        // Iterative, so the request's nesting never matters.
        var pending: [(value: Any, path: String)] = [(root, "")]
        while let (value, path) = pending.popLast() {
            switch value {
            case let text as String:
                try CardNumberDetector.refuse(text, field: path.isEmpty ? "request" : path)
            case let object as [String: Any]:
                for (key, child) in object where !Self.checkedElsewhere(key) {
                    pending.append((child, path.isEmpty ? key : "\(path).\(key)"))
                }
            case let array as [Any]:
                for (index, child) in array.enumerated() { pending.append((child, "\(path)[\(index)]")) }
            default:
                continue
            }
        }
    }

    /// Fields with rules of their own: identifiers (letters, digits and `-._` only; client-generated ids may be
    /// long digit runs) and the card fields, whose own checks explain what belongs there.
    static func checkedElsewhere(_ key: String) -> Bool {
        key == "id" || key.hasSuffix("Id") || key.hasSuffix("ID") || key == "last4" || key == "authCode"
    }

    /// Whether a command id was already used (a replay will return its stored result).
    public func commandExists(_ id: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(cached: db, sql: "SELECT 1 FROM command WHERE id = ?", arguments: [id]) ?? false
        }
    }

    /// Appends one entry to the hash chain.
    func journal(
        _ db: Database,
        kind: String,
        by clerk: Operator,
        subject: String,
        at: Int64,
        payload: some Encodable
    ) throws {
        let last = try Row.fetchOne(
            cached: db,
            sql: "SELECT sequence, hash FROM journal ORDER BY sequence DESC LIMIT 1"
        )
        let sequence: Int64 = (last?["sequence"] ?? 0) + 1
        let previous: String = last?["hash"] ?? JournalChain.genesis
        let json = try CanonicalJSON.encode(payload)
        let hash = JournalChain.hash(
            sequence: sequence,
            atMillis: at,
            kind: kind,
            employee: clerk.employee.id,
            terminal: clerk.terminal,
            subject: subject,
            payload: json,
            previousHash: previous
        )
        try db.executeCached(
            sql: """
                INSERT INTO journal (sequence, at, kind, employee, terminal, subject, payload, previousHash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [sequence, at, kind, clerk.employee.id, clerk.terminal, subject, json, previous, hash]
        )
        // Written to the anchor file once the transaction commits (``transaction(_:)``).
        pendingHead.withLock { $0 = JournalAnchor(sequence: sequence, hash: hash, atMillis: at) }
    }

    static func journalEntry(_ row: Row) -> JournalEntry {
        JournalEntry(
            sequence: row["sequence"],
            atMillis: row["at"],
            kind: row["kind"],
            employee: row["employee"],
            terminal: row["terminal"],
            subject: row["subject"],
            payload: row["payload"],
            previousHash: row["previousHash"],
            hash: row["hash"]
        )
    }

    /// Recomputes the whole chain from the first entry.
    public func verifyJournal() async throws -> JournalVerifier {
        try await read { db in try Self.verifyJournal(db) }
    }

    static func verifyJournal(_ db: Database) throws -> JournalVerifier {
        var verifier = JournalVerifier()
        let cursor = try Row.fetchCursor(cached: db, sql: "SELECT * FROM journal ORDER BY sequence")
        while let row = try cursor.next() {
            verifier.check(journalEntry(row))
        }
        return verifier
    }

    /// The journal's entries, oldest first.
    public func journalEntries(limit: Int = 100, after sequence: Int64 = 0) async throws -> [JournalEntry] {
        try await read { db in
            try Row.fetchAll(
                cached: db,
                sql: "SELECT * FROM journal WHERE sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [sequence, limit]
            ).map {
                Store.journalEntry($0)
            }
        }
    }
}

extension Identifier {
    /// Command ids are generated by the client (a UUID, typically): 8–64 letters, digits and dashes.
    public static func validateCommandID(_ id: String) throws(POSError) {
        guard (8...64).contains(id.count),
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw .invalid(field: "id", reason: "a command id is 8 to 64 letters, digits, - or _ (a UUID, say)")
        }
    }
}
