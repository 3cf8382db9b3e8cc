import GRDB
import POSCore

extension Store {
    public struct CatalogImportResult: Codable, Sendable, Equatable {
        public var added: Int
        public var updated: Int
        public var unchanged: Int
    }

    /// Adds or updates every item of a parsed catalog file in one transaction: all rows, or none.
    /// Items missing from the file are left as they are (deactivate them with `active=false`).
    public func importCatalog(
        _ items: [CatalogItem],
        commandID: String,
        by clerk: Operator
    ) async throws -> CatalogImportResult {
        try clerk.require(.manageCatalog)
        for item in items { try item.validate(field: "item \(item.code)") }
        let at = now()
        return try await once(id: commandID, kind: "catalog.import", request: items) { db in
            var result = CatalogImportResult(added: 0, updated: 0, unchanged: 0)
            for item in items {
                guard
                    try Row.fetchOne(
                        cached: db,
                        sql: "SELECT 1 FROM taxCategory WHERE code = ?",
                        arguments: [item.taxCategory]
                    )
                        != nil
                else {
                    throw POSError.invalid(
                        field: "item \(item.code), tax category",
                        reason: "unknown tax category '\(item.taxCategory)'"
                    )
                }
                if let barcode = item.barcode,
                    let other = try String.fetchOne(
                        cached: db,
                        sql: "SELECT code FROM catalogItem WHERE barcode = ? AND code <> ?",
                        arguments: [barcode, item.code]
                    )
                {
                    throw POSError.invalid(
                        field: "item \(item.code), barcode",
                        reason: "'\(barcode)' already belongs to item \(other)"
                    )
                }
                let existing = try Row.fetchOne(
                    cached: db,
                    sql: "SELECT * FROM catalogItem WHERE code = ?",
                    arguments: [item.code]
                )
                .map(Self.catalogItem)
                switch existing {
                case nil: result.added += 1
                case item?: result.unchanged += 1
                default: result.updated += 1
                }
                if existing != item {
                    try db.executeCached(
                        sql: """
                            INSERT INTO catalogItem (code, name, kind, unitPrice, taxCategory, barcode, active)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                                unitPrice = excluded.unitPrice, taxCategory = excluded.taxCategory,
                                barcode = excluded.barcode, active = excluded.active
                            """,
                        arguments: [
                            item.code, item.name, item.kind.rawValue, item.unitPrice.minorUnits, item.taxCategory,
                            item.barcode, item.active,
                        ]
                    )
                    // Price changes move money on later invoices, so each one is journaled.
                    try self.journal(
                        db,
                        kind: "catalog.item",
                        by: clerk,
                        subject: "item \(item.code)",
                        at: at,
                        payload: item
                    )
                }
            }
            return result
        }
    }

    public func catalog() async throws -> [CatalogItem] {
        try await read { db in
            try Row.fetchAll(cached: db, sql: "SELECT * FROM catalogItem ORDER BY code").map(Self.catalogItem)
        }
    }

    /// The active item with this UPC/EAN, for the scanner.
    public func item(barcode: String) async throws -> CatalogItem? {
        try await read { db in
            try Row.fetchOne(
                cached: db,
                sql: "SELECT * FROM catalogItem WHERE barcode = ? AND active = 1",
                arguments: [barcode]
            )
            .map(Self.catalogItem)
        }
    }

    public func taxCategories() async throws -> [TaxCategory] {
        try await read { db in
            try Row.fetchAll(cached: db, sql: "SELECT * FROM taxCategory ORDER BY code").map {
                TaxCategory(code: $0["code"], name: $0["name"], ratePPM: $0["ratePPM"])
            }
        }
    }

    public func setTaxCategory(
        _ category: TaxCategory,
        commandID: String,
        by clerk: Operator
    ) async throws -> TaxCategory {
        try clerk.require(.manageSettings)
        try category.validate()
        let at = now()
        return try await once(id: commandID, kind: "taxCategory.set", request: category) { db in
            try Self.upsert(category, db)
            try self.journal(
                db,
                kind: "taxCategory.set",
                by: clerk,
                subject: "tax \(category.code)",
                at: at,
                payload: category
            )
            return category
        }
    }

    public func addCoupon(_ coupon: Coupon, commandID: String, by clerk: Operator) async throws -> Coupon {
        try clerk.require(.manageCatalog)
        try coupon.validate()
        let at = now()
        return try await once(id: commandID, kind: "coupon.add", request: coupon) { db in
            guard
                try Row.fetchOne(cached: db, sql: "SELECT 1 FROM coupon WHERE code = ?", arguments: [coupon.code])
                    == nil
            else {
                throw POSError.conflict("coupon \(coupon.code) already exists", code: "coupon.alreadyExists")
            }
            try db.executeCached(
                sql: """
                    INSERT INTO coupon (code, description, percentBP, amount, scope, expiresOn, singleUse)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    coupon.code, coupon.description, coupon.percent?.basisPoints, coupon.amount?.minorUnits,
                    coupon.scope,
                    coupon.expiresOn, coupon.singleUse,
                ]
            )
            try self.journal(
                db,
                kind: "coupon.added",
                by: clerk,
                subject: "coupon \(coupon.code)",
                at: at,
                payload: coupon
            )
            return coupon
        }
    }

    public func coupons() async throws -> [Coupon] {
        try await read { db in try Row.fetchAll(cached: db, sql: "SELECT * FROM coupon ORDER BY code").map(Self.coupon)
        }
    }

    static func coupon(_ row: Row) -> Coupon {
        Coupon(
            code: row["code"],
            description: row["description"],
            percent: (row["percentBP"] as Int64?).map(Percent.init(basisPoints:)),
            amount: (row["amount"] as Int64?).map(Money.init(minorUnits:)),
            scope: row["scope"],
            expiresOn: row["expiresOn"],
            singleUse: row["singleUse"]
        )
    }

    static func catalogItem(_ row: Row) -> CatalogItem {
        CatalogItem(
            code: row["code"],
            name: row["name"],
            // safe: the schema's CHECK constraint admits only these values
            kind: ItemKind(rawValue: row["kind"])!,
            unitPrice: Money(minorUnits: row["unitPrice"]),
            taxCategory: row["taxCategory"],
            barcode: row["barcode"],
            active: row["active"]
        )
    }
}
