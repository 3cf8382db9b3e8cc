import Foundation
import GRDB
import POSCore

extension Store {
    /// A client with their pets and what they owe on account.
    public struct ClientRecord: Codable, Sendable, Equatable {
        public var client: Client
        public var patients: [Patient]
        public var accountBalance: Money
    }

    /// Adds a client or updates one, with their pets. Pets are never removed (their history stays).
    public func saveClient(
        _ client: Client,
        patients: [Patient],
        commandID: String,
        by clerk: Operator
    ) async throws -> ClientRecord {
        try clerk.require(.manageClients)
        try client.validate()
        for (index, patient) in patients.enumerated() {
            do {
                try patient.validate()
            } catch {
                throw POSError.invalid(field: "patients[\(index)]", reason: error.description)
            }
            guard patient.clientId == client.id else {
                throw POSError.invalid(field: "patients[\(index)].clientId", reason: "must be \(client.id)")
            }
        }
        let at = now()
        struct Request: Codable, Sendable {
            var client: Client
            var patients: [Patient]
        }
        let request = Request(client: client, patients: patients)
        return try await once(id: commandID, kind: "client.save", request: request) { db in
            try db.executeCached(
                sql: """
                    INSERT INTO client (id, name, phone, email, isStaff, isShelter, creditApproved, creditLimit)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email,
                        isStaff = excluded.isStaff, isShelter = excluded.isShelter,
                        creditApproved = excluded.creditApproved, creditLimit = excluded.creditLimit
                    """,
                arguments: [
                    client.id, client.name, client.phone, client.email, client.isStaff, client.isShelter,
                    client.creditApproved, client.creditLimit.minorUnits,
                ]
            )
            for patient in patients {
                if let owner = try String.fetchOne(
                    cached: db,
                    sql: "SELECT clientId FROM patient WHERE id = ?",
                    arguments: [patient.id]
                ),
                    owner != client.id
                {
                    throw POSError.conflict(
                        "patient \(patient.id) belongs to client \(owner)",
                        code: "patient.otherClient"
                    )
                }
                try db.executeCached(
                    sql: """
                        INSERT INTO patient (id, clientId, name, species) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET name = excluded.name, species = excluded.species
                        """,
                    arguments: [patient.id, client.id, patient.name, patient.species]
                )
            }
            // Credit terms decide who may charge to an account, so changes to them are journaled.
            try self.journal(
                db,
                kind: "client.saved",
                by: clerk,
                subject: "client \(client.id)",
                at: at,
                payload: request
            )
            // safe: the row was written in this same transaction
            return try Self.clientRecord(client.id, db)!
        }
    }

    public func client(_ id: String) async throws -> ClientRecord {
        try await read { db in
            guard let record = try Self.clientRecord(id, db) else { throw POSError.notFound(what: "client", id: id) }
            return record
        }
    }

    /// The most clients one search returns.
    public static let maximumSearchResults = 50

    /// Clients found by what a person at the desk types: part of the name, the phone number (digits alone match
    /// however it was written), the client id or a pet's name. An exact id or phone comes first, then names that start
    /// with the text, then the rest, by name; at most `limit` (1–50).
    public func searchClients(_ text: String, limit: Int = 20) async throws -> [ClientRecord] {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return [] }
        guard query.count <= 100 else {
            throw POSError.invalid(field: "q", reason: "at most 100 characters", code: "clientSearch.tooLong")
        }
        let count = min(max(limit, 1), Self.maximumSearchResults)
        // LIKE with the user's %, _ and \ taken literally.
        let escaped = query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let digits = query.filter(\.isNumber)
        let phone = digits.count >= 3 && query.allSatisfy { $0.isNumber || " -().+".contains($0) } ? digits : ""
        return try await read { db in
            try String.fetchAll(
                cached: db,
                sql: """
                    SELECT c.id FROM client c
                    WHERE c.name LIKE '%' || :text || '%' ESCAPE '\\' OR c.id LIKE '%' || :text || '%' ESCAPE '\\'
                       OR (:phone <> '' AND replace(replace(replace(replace(replace(c.phone, '-', ''), ' ', ''), '(', ''),
                           ')', ''), '+', '') LIKE '%' || :phone || '%')
                       OR EXISTS (SELECT 1 FROM patient p WHERE p.clientId = c.id
                                  AND p.name LIKE '%' || :text || '%' ESCAPE '\\')
                    ORDER BY (c.id = :exact COLLATE NOCASE) DESC,
                             (:phone <> '' AND replace(replace(replace(replace(replace(c.phone, '-', ''), ' ', ''), '(',
                                 ''), ')', ''), '+', '') = :phone) DESC,
                             (c.name LIKE :text || '%' ESCAPE '\\') DESC, c.name, c.id
                    LIMIT :limit
                    """,
                arguments: ["text": escaped, "phone": phone, "exact": query, "limit": count]
            ).compactMap { try Self.clientRecord($0, db) }
        }
    }

    public func clients() async throws -> [ClientRecord] {
        try await read { db in
            try String.fetchAll(cached: db, sql: "SELECT id FROM client ORDER BY id").compactMap {
                try Self.clientRecord($0, db)
            }
        }
    }

    static func clientRecord(_ id: String, _ db: Database) throws -> ClientRecord? {
        guard let row = try Row.fetchOne(cached: db, sql: "SELECT * FROM client WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let client = Client(
            id: row["id"],
            name: row["name"],
            phone: row["phone"],
            email: row["email"],
            isStaff: row["isStaff"],
            isShelter: row["isShelter"],
            creditApproved: row["creditApproved"],
            creditLimit: Money(minorUnits: row["creditLimit"])
        )
        let patients = try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM patient WHERE clientId = ? ORDER BY id",
            arguments: [id]
        ).map {
            Patient(id: $0["id"], clientId: $0["clientId"], name: $0["name"], species: $0["species"])
        }
        return ClientRecord(client: client, patients: patients, accountBalance: try accountBalance(id, db))
    }

    /// Charges to the account less refunds back to it. (Payments on account arrive with the A/R work.)
    static func accountBalance(_ clientID: String, _ db: Database) throws -> Money {
        Money(
            minorUnits: try Int64.fetchOne(
                cached: db,
                sql: "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE clientId = ? AND tender = 'account'",
                arguments: [clientID]
                // safe: an aggregate query always returns one row
            )!
        )
    }
}
