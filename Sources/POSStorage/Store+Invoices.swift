import Foundation
import GRDB
import POSCore

extension Store {
    /// Opens an invoice at check-in, with the lines known so far. More lines may be added until checkout.
    public func openInvoice(
        client clientID: String,
        lines: [LineRequest],
        commandID: String,
        by clerk: Operator
    ) async throws -> InvoiceView {
        try clerk.require(.openInvoice)
        if !lines.isEmpty { try clerk.require(.addVisitLines) }
        struct Request: Encodable, Sendable {
            var client: String
            var lines: [LineRequest]
        }
        let at = now()
        return try await once(id: commandID, kind: "invoice.open", request: Request(client: clientID, lines: lines)) {
            db in
            let context = try self.context(
                client: clientID,
                clerk: clerk,
                at: at,
                openLines: [],
                approvers: [],
                itemCodes: lines.map(\.item),
                db
            )
            let inputs = try CheckoutPlanner.resolveLines(lines, context: context)
            try db.executeCached(
                sql: "INSERT INTO invoice (clientId, status, terminal, openedBy, openedAt) VALUES (?, 'open', ?, ?, ?)",
                arguments: [clientID, clerk.terminal, clerk.employee.id, at]
            )
            let number = db.lastInsertedRowID
            try Self.insertOpenLines(inputs, invoice: number, firstLine: 1, context: context, db)
            try self.journal(
                db,
                kind: "invoice.opened",
                by: clerk,
                subject: "invoice \(number)",
                at: at,
                payload: Request(client: clientID, lines: lines)
            )
            return try Self.invoiceView(number, db)
        }
    }

    /// Adds lines to an open invoice during the visit.
    public func addLines(
        _ lines: [LineRequest],
        invoice number: Int64,
        commandID: String,
        by clerk: Operator
    ) async throws -> InvoiceView {
        try clerk.require(.addVisitLines)
        guard !lines.isEmpty else { throw POSError.invalid(field: "lines", reason: "give at least one line") }
        struct Request: Encodable, Sendable {
            var invoice: Int64
            var lines: [LineRequest]
        }
        let at = now()
        return try await once(id: commandID, kind: "invoice.addLines", request: Request(invoice: number, lines: lines))
        { db in
            let (clientID, existing) = try Self.openInvoice(number, db)
            let context = try self.context(
                client: clientID,
                clerk: clerk,
                at: at,
                openLines: [],
                approvers: [],
                itemCodes: lines.map(\.item),
                db
            )
            let inputs = try CheckoutPlanner.resolveLines(lines, offset: existing.count, context: context)
            try Self.insertOpenLines(inputs, invoice: number, firstLine: existing.count + 1, context: context, db)
            try self.journal(
                db,
                kind: "invoice.linesAdded",
                by: clerk,
                subject: "invoice \(number)",
                at: at,
                payload: Request(invoice: number, lines: lines)
            )
            return try Self.invoiceView(number, db)
        }
    }

    /// Takes a line off an open invoice (a service not done, a product handed back before checkout); the lines after it
    /// move up one, so the invoice's lines stay numbered 1…n.
    public func removeLine(
        _ line: Int,
        invoice number: Int64,
        commandID: String,
        by clerk: Operator
    ) async throws
        -> InvoiceView
    {
        try clerk.require(.addVisitLines)
        struct Request: Encodable, Sendable {
            var invoice: Int64
            var line: Int
        }
        let at = now()
        let request = Request(invoice: number, line: line)
        return try await once(id: commandID, kind: "invoice.removeLine", request: request) { db in
            let (_, existing) = try Self.openInvoice(number, db)
            guard existing.indices.contains(line - 1) else {
                throw POSError.invalid(
                    field: "line",
                    reason: "invoice \(number) has lines 1 to \(existing.count), not \(line)",
                    code: "invoice.noSuchLine"
                )
            }
            let removed = existing[line - 1]
            try db.executeCached(
                sql: "DELETE FROM invoiceLine WHERE invoiceNumber = ? AND lineNumber = ?",
                arguments: [number, line]
            )
            // Renumbered through a high range: the key (invoice, line) never holds two rows at once.
            try db.executeCached(
                sql:
                    "UPDATE invoiceLine SET lineNumber = lineNumber + 1000000 WHERE invoiceNumber = ? AND lineNumber > ?",
                arguments: [number, line]
            )
            try db.executeCached(
                sql:
                    "UPDATE invoiceLine SET lineNumber = lineNumber - 1000001 WHERE invoiceNumber = ? AND lineNumber > 1000000",
                arguments: [number]
            )
            struct Entry: Encodable {
                var invoice: Int64
                var line: Int
                var patient: String
                var item: String
                var quantity: Quantity
            }
            try self.journal(
                db,
                kind: "invoice.lineRemoved",
                by: clerk,
                subject: "invoice \(number)",
                at: at,
                payload: Entry(
                    invoice: number,
                    line: line,
                    patient: removed.patientId,
                    item: removed.item.code,
                    quantity: removed.quantity
                )
            )
            return try Self.invoiceView(number, db)
        }
    }

    /// Cancels an open invoice (the client left, it was opened by mistake): it keeps its number and lines, leaves the
    /// open list and is never changed again. A posted invoice is refunded or voided instead.
    public func cancelInvoice(
        _ number: Int64,
        reason: String,
        commandID: String,
        by clerk: Operator
    ) async throws
        -> InvoiceView
    {
        try clerk.require(.openInvoice)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw POSError.invalid(
                field: "reason",
                reason: "say why the invoice is cancelled",
                code: "cancel.reasonRequired"
            )
        }
        try Identifier.validateText(reason, field: "reason")
        struct Request: Encodable, Sendable {
            var invoice: Int64
            var reason: String
        }
        let at = now()
        let request = Request(invoice: number, reason: reason)
        return try await once(id: commandID, kind: "invoice.cancel", request: request) { db in
            _ = try Self.openInvoice(number, db)
            try db.executeCached(
                sql: """
                    INSERT INTO invoiceCancel (invoiceNumber, reason, cancelledBy, terminal, cancelledAt)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [number, reason, clerk.employee.id, clerk.terminal, at]
            )
            try self.journal(
                db,
                kind: "invoice.cancelled",
                by: clerk,
                subject: "invoice \(number)",
                at: at,
                payload: request
            )
            return try Self.invoiceView(number, db)
        }
    }

    /// Checks out a visit in one transaction: the invoice, its lines, discounts, payments and journal entries are all
    /// stored, or nothing is. Replaying the same request id returns the first result.
    public func checkout(_ request: CheckoutRequest, by clerk: Operator) async throws -> InvoiceView {
        try clerk.require(.ringSales)
        let approvers = try await verifiedApprovers(request.discounts.compactMap(\.approval), source: clerk.source)
        let at = now()
        return try await once(id: request.id, kind: "checkout", request: request) { db in
            var openLines: [LineInput] = []
            if let number = request.invoice {
                let (owner, lines) = try Self.openInvoice(number, db)
                guard owner == request.client else {
                    throw POSError.invalid(
                        field: "invoice",
                        reason: "invoice \(number) belongs to client \(owner), not \(request.client)"
                    )
                }
                openLines = lines
            }
            let context = try self.context(
                client: request.client,
                clerk: clerk,
                at: at,
                openLines: openLines,
                approvers: approvers,
                itemCodes: request.lines.map(\.item),
                discountCodes: request.discounts.compactMap(\.couponCode),
                db
            )
            let plan = try CheckoutPlanner.plan(request, context: context)
            let number: Int64
            if let open = request.invoice {
                number = open
                try db.executeCached(sql: "DELETE FROM invoiceLine WHERE invoiceNumber = ?", arguments: [open])
            } else {
                try db.executeCached(
                    sql:
                        "INSERT INTO invoice (clientId, status, terminal, openedBy, openedAt) VALUES (?, 'open', ?, ?, ?)",
                    arguments: [request.client, clerk.terminal, clerk.employee.id, at]
                )
                number = db.lastInsertedRowID
            }
            try self.post(plan, invoice: number, context: context, at: at, db)
            let view = try Self.invoiceView(number, db)
            try self.journal(
                db,
                kind: "invoice.posted",
                by: clerk,
                subject: "invoice \(number)",
                at: at,
                payload: PostedSummary(view)
            )
            for payment in view.payments {
                try self.journal(
                    db,
                    kind: "payment.received",
                    by: clerk,
                    subject: "payment \(payment.number)",
                    at: at,
                    payload: JournaledPayment(payment, invoice: number)
                )
            }
            return view
        }
    }

    /// Prices an open invoice with the discounts the desk has pending, as checkout would, and stores nothing: no
    /// approval is checked (approvals given are ignored), no coupon redeemed. The discounts over the clerk's ceiling are
    /// reported in the quote, not refused.
    public func quote(
        invoice number: Int64,
        discounts: [DiscountRequest],
        by clerk: Operator
    ) async throws
        -> CheckoutQuote
    {
        try clerk.require(.ringSales)
        let at = now()
        let discounts = discounts.map {
            var discount = $0
            discount.approval = nil
            return discount
        }
        return try await read { db in
            let (owner, lines) = try Self.openInvoice(number, db)
            let context = try self.context(
                client: owner,
                clerk: clerk,
                at: at,
                openLines: lines,
                approvers: [],
                discountCodes: discounts.compactMap(\.couponCode),
                db
            )
            let request = CheckoutRequest(id: "quote", client: owner, invoice: number, lines: [], discounts: discounts)
            return try CheckoutPlanner.quote(request, context: context)
        }
    }

    /// A later payment toward a posted invoice's balance.
    public func pay(_ request: PaymentRequest, by clerk: Operator) async throws -> InvoiceView {
        try clerk.require(.takePayment)
        guard !request.payments.isEmpty else {
            throw POSError.invalid(field: "payments", reason: "give at least one payment")
        }
        let at = now()
        return try await once(id: request.id, kind: "payment", request: request) { db in
            let before = try Self.invoiceView(request.invoice, db)
            guard before.status != .open else {
                throw POSError.conflict(
                    "invoice \(request.invoice) is still open; check it out first",
                    code: "invoice.stillOpen"
                )
            }
            guard before.status != .void else {
                throw POSError.conflict("invoice \(request.invoice) is void", code: "invoice.void")
            }
            guard before.balanceDue.isPositive else {
                throw POSError.conflict(
                    "invoice \(request.invoice) has nothing left to pay",
                    code: "invoice.paidInFull"
                )
            }
            let context = try self.context(
                client: before.client,
                clerk: clerk,
                at: at,
                openLines: [],
                approvers: [],
                db
            )
            let tender = try Tendering.apply(
                request.payments,
                due: before.balanceDue,
                client: context.client,
                accountBalance: context.accountBalance
            )
            for draft in tender.payments {
                let number = try Self.insertPayment(
                    draft,
                    kind: .payment,
                    invoice: request.invoice,
                    context: context,
                    at: at,
                    db
                )
                try self.journal(
                    db,
                    kind: "payment.received",
                    by: clerk,
                    subject: "payment \(number)",
                    at: at,
                    // safe: the row was written in this same transaction
                    payload: JournaledPayment(try Self.paymentRecord(number, db)!.view, invoice: request.invoice)
                )
            }
            return try Self.invoiceView(request.invoice, db)
        }
    }

    /// Returns money for a payment, on its own tender unless a manager approves another; the invoice is credited
    /// by the same amount.
    public func refund(_ request: RefundRequest, by clerk: Operator) async throws -> InvoiceView {
        try clerk.require(.refund)
        let approvers = try await verifiedApprovers(request.approval.map { [$0] } ?? [], source: clerk.source)
        let at = now()
        return try await once(id: request.id, kind: "refund", request: request) { db in
            guard let original = try Self.paymentRecord(request.payment, db) else {
                throw POSError.notFound(what: "payment", id: String(request.payment))
            }
            if let invoice = original.invoice, try Self.isVoid(invoice, db) {
                throw POSError.conflict(
                    "invoice \(invoice) is void; its payments were already reversed",
                    code: "invoice.void"
                )
            }
            let returned =
                -(try Int64.fetchOne(
                    cached: db,
                    sql: "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE reverses = ?",
                    arguments: [request.payment]
                    // safe: an aggregate query always returns one row
                )!)
            let context = try self.context(
                client: original.client,
                clerk: clerk,
                at: at,
                openLines: [],
                approvers: approvers,
                db
            )
            let draft = try Refunds.plan(
                request,
                original: original,
                alreadyReturned: Money(minorUnits: returned),
                policy: context.policy,
                approvals: context.approvalContext
            )
            let record = PaymentDraft(
                tender: draft.tender,
                amount: -draft.amount,
                tendered: -draft.amount,
                change: .zero,
                check: nil,
                card: draft.card
            )
            let number = try Self.insertPayment(
                record,
                kind: .refund,
                invoice: original.invoice,
                reverses: original.number,
                reason: draft.reason,
                approvedBy: draft.approvedBy,
                context: context,
                at: at,
                db
            )
            try self.journal(
                db,
                kind: "payment.refunded",
                by: clerk,
                subject: "payment \(number)",
                at: at,
                // safe: the row was written in this same transaction
                payload: JournaledPayment(try Self.paymentRecord(number, db)!.view, invoice: original.invoice)
            )
            guard let invoice = original.invoice else {
                throw POSError.conflict("payment \(original.number) has no invoice", code: "payment.noInvoice")
            }
            return try Self.invoiceView(invoice, db)
        }
    }

    /// Voids a posted invoice on its own business day, reversing each of its payments.
    public func void(_ request: VoidRequest, by clerk: Operator) async throws -> InvoiceView {
        // Only someone who rings sales starts a void; a manager's approval then covers the rest.
        try clerk.require(.ringSales)
        let approvers = try await verifiedApprovers(request.approval.map { [$0] } ?? [], source: clerk.source)
        let at = now()
        return try await once(id: request.id, kind: "void", request: request) { db in
            let view = try Self.invoiceView(request.invoice, db)
            guard view.status != .open, let postedOn = view.businessDate else {
                throw POSError.conflict(
                    "invoice \(request.invoice) is open; nothing was posted to void",
                    code: "invoice.stillOpen"
                )
            }
            let context = try self.context(
                client: view.client,
                clerk: clerk,
                at: at,
                openLines: [],
                approvers: approvers,
                db
            )
            let approver = try Voids.check(
                request,
                postedOn: postedOn,
                today: context.businessDate,
                alreadyVoided: view.status == .void,
                hasRefunds: view.payments.contains { $0.kind == .refund },
                approvals: context.approvalContext
            )
            for payment in view.payments where payment.kind == .payment {
                guard let original = try Self.paymentRecord(payment.number, db) else { continue }
                let reversal = PaymentDraft(
                    tender: original.tender,
                    amount: -original.amount,
                    tendered: -original.amount,
                    change: .zero,
                    check: original.check,
                    card: original.card
                )
                let number = try Self.insertPayment(
                    reversal,
                    kind: .reversal,
                    invoice: request.invoice,
                    reverses: original.number,
                    reason: request.reason,
                    approvedBy: approver?.id,
                    context: context,
                    at: at,
                    db
                )
                try self.journal(
                    db,
                    kind: "payment.reversed",
                    by: clerk,
                    subject: "payment \(number)",
                    at: at,
                    // safe: the row was written in this same transaction
                    payload: JournaledPayment(try Self.paymentRecord(number, db)!.view, invoice: request.invoice)
                )
            }
            try db.executeCached(
                sql: """
                    INSERT INTO invoiceVoid (invoiceNumber, reason, employeeId, approvedBy, at, businessDate)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.invoice, request.reason, clerk.employee.id, approver?.id, at, context.businessDate.text,
                ]
            )
            try self.journal(
                db,
                kind: "invoice.voided",
                by: clerk,
                subject: "invoice \(request.invoice)",
                at: at,
                payload: request
            )
            return try Self.invoiceView(request.invoice, db)
        }
    }

    public func invoice(_ number: Int64) async throws -> InvoiceView {
        try await read { db in try Self.invoiceView(number, db) }
    }

    public func openInvoices() async throws -> [InvoiceView] {
        try await read { db in
            try Int64.fetchAll(
                cached: db,
                sql:
                    "SELECT number FROM invoice WHERE status = 'open' AND number NOT IN (SELECT invoiceNumber FROM invoiceCancel) ORDER BY number"
            ).map {
                try Self.invoiceView($0, db)
            }
        }
    }

    public func payment(_ number: Int64) async throws -> PaymentRecord {
        try await read { db in
            guard let record = try Self.paymentRecord(number, db) else {
                throw POSError.notFound(what: "payment", id: String(number))
            }
            return record
        }
    }

    // MARK: - Inside the transaction

    func context(
        client clientID: String,
        clerk: Operator,
        at: Int64,
        openLines: [LineInput],
        approvers: Set<String>,
        itemCodes: [String] = [],
        discountCodes: [String] = [],
        _ db: Database
    ) throws -> CheckoutContext {
        guard let record = try Self.clientRecord(clientID, db) else {
            throw POSError.notFound(what: "client", id: clientID)
        }
        let policy = try Self.policy(db)
        var coupons: [String: (coupon: Coupon, redeemed: Bool)] = [:]
        for code in discountCodes {
            guard let row = try Row.fetchOne(cached: db, sql: "SELECT * FROM coupon WHERE code = ?", arguments: [code])
            else {
                continue
            }
            let redeemed =
                try Row.fetchOne(
                    cached: db,
                    sql: "SELECT 1 FROM couponRedemption WHERE couponCode = ?",
                    arguments: [code]
                )
                != nil
            coupons[code] = (Self.coupon(row), redeemed)
        }
        // Only the items the request names: a clinic's catalog runs to thousands of items.
        var items: [String: CatalogItem] = [:]
        for code in Set(itemCodes) {
            if let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT * FROM catalogItem WHERE code = ?",
                arguments: [code]
            ) {
                items[code] = Self.catalogItem(row)
            }
        }
        var taxRates: [String: Int64] = [:]
        for row in try Row.fetchAll(cached: db, sql: "SELECT code, ratePPM FROM taxCategory") {
            taxRates[row["code"]] = row["ratePPM"]
        }
        var employees: [String: Employee] = [:]
        for row in try Row.fetchAll(cached: db, sql: "SELECT * FROM employee") {
            let employee = Self.employee(row)
            employees[employee.id] = employee
        }
        return CheckoutContext(
            clerk: clerk,
            client: record.client,
            patients: Dictionary(uniqueKeysWithValues: record.patients.map { ($0.id, $0) }),
            items: items,
            taxRates: taxRates,
            employees: employees,
            coupons: coupons,
            policy: policy,
            accountBalance: record.accountBalance,
            businessDate: try policy.calendar().businessDate(atMillis: at),
            openLines: openLines,
            verifiedApprovers: approvers
        )
    }

    /// The client and lines of an open invoice; refuses a posted one.
    static func openInvoice(_ number: Int64, _ db: Database) throws -> (client: String, lines: [LineInput]) {
        guard
            let row = try Row.fetchOne(
                cached: db,
                sql: "SELECT clientId, status FROM invoice WHERE number = ?",
                arguments: [number]
            )
        else {
            throw POSError.notFound(what: "invoice", id: String(number))
        }
        guard row["status"] == "open" else {
            throw POSError.conflict(
                "invoice \(number) is posted; posted invoices are never changed (refund or void instead)",
                code: "invoice.posted"
            )
        }
        if let reason = try String.fetchOne(
            cached: db,
            sql: "SELECT reason FROM invoiceCancel WHERE invoiceNumber = ?",
            arguments: [number]
        ) {
            throw POSError.conflict("invoice \(number) was cancelled (\(reason))", code: "invoice.cancelled")
        }
        // A line keeps the item as it was when it was added: a later price change or deactivation does not
        // reprice or drop what the visit already used.
        let lines = try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM invoiceLine WHERE invoiceNumber = ? ORDER BY lineNumber",
            arguments: [number]
        ).map { line in
            LineInput(
                patientId: line["patientId"],
                item: CatalogItem(
                    code: line["itemCode"],
                    name: line["description"],
                    // safe: the schema's CHECK constraint admits only these values
                    kind: ItemKind(rawValue: line["kind"])!,
                    unitPrice: Money(minorUnits: line["unitPrice"]),
                    taxCategory: line["taxCategory"]
                ),
                quantity: Quantity(thousandths: line["quantity"]),
                providerId: line["providerId"]
            )
        }
        return (row["clientId"], lines)
    }

    /// Open lines are stored at catalog price with no discount or tax yet; checkout prices them.
    static func insertOpenLines(
        _ inputs: [LineInput],
        invoice: Int64,
        firstLine: Int,
        context: CheckoutContext,
        _ db: Database
    ) throws {
        guard !inputs.isEmpty else { return }  // a check-in without a first line
        let priced = try Pricing.price(lines: inputs, discounts: []) { context.taxRates[$0] }
        for (offset, line) in priced.lines.enumerated() {
            var unpriced = line
            unpriced.tax = .zero
            try insertLine(unpriced, lineNumber: firstLine + offset, invoice: invoice, db)
        }
    }

    static func insertLine(_ line: PricedLine, lineNumber: Int, invoice: Int64, _ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO invoiceLine (invoiceNumber, lineNumber, patientId, itemCode, description, kind, taxCategory,
                    quantity, unitPrice, extended, discount, taxRatePPM, tax, providerId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                invoice, lineNumber, line.input.patientId, line.input.item.code, line.input.item.name,
                line.input.item.kind.rawValue, line.input.item.taxCategory, line.input.quantity.thousandths,
                line.input.item.unitPrice.minorUnits, line.extended.minorUnits, line.discount.minorUnits,
                line.taxRatePPM,
                line.tax.minorUnits, line.input.providerId,
            ]
        )
    }

    func post(_ plan: CheckoutPlan, invoice number: Int64, context: CheckoutContext, at: Int64, _ db: Database) throws {
        for line in plan.invoice.lines {
            try Self.insertLine(line, lineNumber: line.lineNumber, invoice: number, db)
        }
        for (index, discount) in plan.discounts.enumerated() {
            let spec = discount.priced.spec
            let method =
                switch spec.method {
                case .percent(let percent): percent.description
                case .amount(let amount): amount.description
                }
            try db.executeCached(
                sql: """
                    INSERT INTO invoiceDiscount (invoiceNumber, sequence, class, method, target, couponCode, base, amount,
                        appliedBy, approvedBy, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    number, index + 1, spec.discountClass.rawValue, method, spec.target.description, spec.couponCode,
                    discount.priced.base.minorUnits, discount.priced.amount.minorUnits, discount.appliedBy,
                    discount.approvedBy, discount.reason,
                ]
            )
            for (lineIndex, share) in discount.priced.allocations.enumerated() where share.isPositive {
                try db.executeCached(
                    sql: """
                        INSERT INTO discountAllocation (invoiceNumber, discountSequence, lineNumber, amount)
                        VALUES (?, ?, ?, ?)
                        """,
                    arguments: [number, index + 1, lineIndex + 1, share.minorUnits]
                )
            }
            if let code = spec.couponCode, let coupon = context.coupons[code]?.coupon {
                try db.executeCached(
                    sql: "INSERT INTO couponRedemption (couponCode, invoiceNumber, singleUse) VALUES (?, ?, ?)",
                    arguments: [code, number, coupon.singleUse]
                )
            }
        }
        let invoice = plan.invoice
        try db.executeCached(
            sql: """
                UPDATE invoice SET status = 'posted', postedBy = ?, postedAt = ?, businessDate = ?, subtotal = ?,
                    discountTotal = ?, taxTotal = ?, total = ?
                WHERE number = ?
                """,
            arguments: [
                context.clerk.employee.id, at, context.businessDate.text, invoice.subtotal.minorUnits,
                invoice.discountTotal.minorUnits, invoice.taxTotal.minorUnits, invoice.total.minorUnits, number,
            ]
        )
        for draft in plan.tender.payments {
            _ = try Self.insertPayment(draft, kind: .payment, invoice: number, context: context, at: at, db)
        }
    }

    static func insertPayment(
        _ draft: PaymentDraft,
        kind: PaymentKind,
        invoice: Int64?,
        reverses: Int64? = nil,
        reason: String? = nil,
        approvedBy: String? = nil,
        context: CheckoutContext,
        at: Int64,
        _ db: Database
    ) throws -> Int64 {
        // Every payment taken while this terminal's drawer is open belongs to that session; cash in or out, and a
        // check into or back out of the drawer, cannot happen without one.
        let drawer = try openDrawerSession(context.clerk.terminal, db)
        let touchesDrawer = draft.tender == .cash || (draft.tender == .check && kind != .refund)
        if touchesDrawer && drawer == nil {
            throw POSError.conflict(
                "no drawer is open at terminal \(context.clerk.terminal): open it with a count before taking "
                    + "\(draft.tender.rawValue)",
                code: "drawer.notOpen"
            )
        }
        try db.executeCached(
            sql: """
                INSERT INTO payment (invoiceNumber, clientId, kind, tender, amount, tendered, change, checkNumber, checkBank,
                    checkPayer, checkIdNumber, cardBrand, cardLast4, authCode, cardTerminal, reverses, reason, approvedBy,
                    employeeId, terminal, at, businessDate, drawerSession, drawerAfterEvent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                invoice, context.client.id, kind.rawValue, draft.tender.rawValue, draft.amount.minorUnits,
                draft.tendered.minorUnits, draft.change.minorUnits, draft.check?.number, draft.check?.bank,
                draft.check?.payer, draft.check?.idNumber, draft.card?.brand.rawValue, draft.card?.last4,
                draft.card?.authCode, draft.card?.terminalId, reverses, reason, approvedBy, context.clerk.employee.id,
                context.clerk.terminal, at, context.businessDate.text, drawer?.id, drawer?.lastEvent,
            ]
        )
        return db.lastInsertedRowID
    }

    static func paymentRecord(_ number: Int64, _ db: Database) throws -> PaymentRecord? {
        try Row.fetchOne(cached: db, sql: "SELECT * FROM payment WHERE number = ?", arguments: [number]).map(
            paymentRecord
        )
    }

    static func paymentRecord(_ row: Row) -> PaymentRecord {
        let checkNumber: String? = row["checkNumber"]
        let last4: String? = row["cardLast4"]
        return PaymentRecord(
            number: row["number"],
            invoice: row["invoiceNumber"],
            client: row["clientId"],
            // safe: the schema's CHECK constraint admits only these values
            kind: PaymentKind(rawValue: row["kind"])!,
            // safe: the schema's CHECK constraint admits only these values
            tender: Tender(rawValue: row["tender"])!,
            amount: Money(minorUnits: row["amount"]),
            tendered: Money(minorUnits: row["tendered"]),
            change: Money(minorUnits: row["change"]),
            check: checkNumber.map {
                CheckDetails(
                    number: $0,
                    bank: row["checkBank"],
                    payer: row["checkPayer"],
                    idNumber: row["checkIdNumber"]
                )
            },
            card: last4.map {
                CardDetails(
                    brand: CardBrand(rawValue: row["cardBrand"]) ?? .other,
                    last4: $0,
                    authCode: row["authCode"],
                    terminalId: row["cardTerminal"]
                )
            },
            reverses: row["reverses"],
            reason: row["reason"],
            approvedBy: row["approvedBy"],
            employee: row["employeeId"],
            terminal: row["terminal"],
            atMillis: row["at"],
            // safe: the schema's CHECK constraint admits only real dates
            businessDate: BusinessDate(row["businessDate"])!
        )
    }

    static func isVoid(_ invoice: Int64, _ db: Database) throws -> Bool {
        try Row.fetchOne(cached: db, sql: "SELECT 1 FROM invoiceVoid WHERE invoiceNumber = ?", arguments: [invoice])
            != nil
    }

    static func invoiceView(_ number: Int64, _ db: Database) throws -> InvoiceView {
        guard
            let row = try Row.fetchOne(
                cached: db,
                sql:
                    "SELECT i.*, c.name AS clientName FROM invoice i JOIN client c ON c.id = i.clientId WHERE i.number = ?",
                arguments: [number]
            )
        else {
            throw POSError.notFound(what: "invoice", id: String(number))
        }
        let lines = try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM invoiceLine WHERE invoiceNumber = ? ORDER BY lineNumber",
            arguments: [number]
        ).map { line -> InvoiceView.Line in
            let extended = Money(minorUnits: line["extended"])
            let discount = Money(minorUnits: line["discount"])
            let tax = Money(minorUnits: line["tax"])
            return InvoiceView.Line(
                line: line["lineNumber"],
                patient: line["patientId"],
                item: line["itemCode"],
                description: line["description"],
                // safe: the schema's CHECK constraint admits only these values
                kind: ItemKind(rawValue: line["kind"])!,
                quantity: Quantity(thousandths: line["quantity"]),
                unitPrice: Money(minorUnits: line["unitPrice"]),
                extended: extended,
                discount: discount,
                tax: tax,
                total: extended - discount + tax,
                provider: line["providerId"]
            )
        }
        var pets: [InvoiceView.Pet] = []
        for patientID in lines.map(\.patient) where !pets.contains(where: { $0.patient == patientID }) {
            let patient = try Row.fetchOne(
                cached: db,
                sql: "SELECT name, species FROM patient WHERE id = ?",
                arguments: [patientID]
            )
            pets.append(
                InvoiceView.Pet(
                    patient: patientID,
                    name: patient?["name"] ?? "",
                    species: patient?["species"] ?? "",
                    total: lines.filter { $0.patient == patientID }.map(\.total).sum()
                )
            )
        }
        let discounts = try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM invoiceDiscount WHERE invoiceNumber = ? ORDER BY sequence",
            arguments: [number]
        ).map {
            InvoiceView.Discount(
                // safe: the schema's CHECK constraint admits only these values
                discountClass: DiscountClass(rawValue: $0["class"])!,
                target: $0["target"],
                method: $0["method"],
                amount: Money(minorUnits: $0["amount"]),
                coupon: $0["couponCode"],
                appliedBy: $0["appliedBy"],
                approvedBy: $0["approvedBy"],
                reason: $0["reason"]
            )
        }
        let payments = try Row.fetchAll(
            cached: db,
            sql: "SELECT * FROM payment WHERE invoiceNumber = ? ORDER BY number",
            arguments: [number]
        ).map { paymentRecord($0).view }
        let voidReason = try String.fetchOne(
            cached: db,
            sql: "SELECT reason FROM invoiceVoid WHERE invoiceNumber = ?",
            arguments: [number]
        )
        let cancelReason = try String.fetchOne(
            cached: db,
            sql: "SELECT reason FROM invoiceCancel WHERE invoiceNumber = ?",
            arguments: [number]
        )
        let businessDate: String? = row["businessDate"]
        return InvoiceView(
            number: number,
            client: row["clientId"],
            clientName: row["clientName"],
            status: row["status"] == "open" ? .open : .posted,
            terminal: row["terminal"],
            openedBy: row["openedBy"],
            openedAt: row["openedAt"],
            postedAt: row["postedAt"],
            businessDate: businessDate.flatMap(BusinessDate.init),
            lines: lines,
            pets: pets,
            discounts: discounts,
            payments: payments,
            voidReason: voidReason,
            cancelReason: cancelReason
        )
    }
}

/// What the journal keeps of a posted invoice.
/// A payment as the journal keeps it: the invoice's payment view plus the invoice it belongs to (entries written
/// before the invoice was added lack it; `journal verify` then finds the invoice from the checkout's entries).
struct JournaledPayment: Encodable {
    var payment: InvoiceView.Payment
    var invoice: Int64?

    init(_ payment: InvoiceView.Payment, invoice: Int64?) {
        self.payment = payment
        self.invoice = invoice
    }

    enum CodingKeys: String, CodingKey { case invoice }

    func encode(to encoder: any Encoder) throws {
        try payment.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(invoice, forKey: .invoice)
    }
}

struct PostedSummary: Encodable {
    var client: String
    var lines: Int
    var subtotal: Money
    var discountTotal: Money
    var taxTotal: Money
    var total: Money
    var discounts: [InvoiceView.Discount]

    init(_ view: InvoiceView) {
        client = view.client
        lines = view.lines.count
        subtotal = view.subtotal
        discountTotal = view.discountTotal
        taxTotal = view.taxTotal
        total = view.total
        discounts = view.discounts
    }
}

extension PaymentRecord {
    /// The payment as invoices show it and the journal keeps it: card last 4 and check number only.
    public var view: InvoiceView.Payment {
        InvoiceView.Payment(
            number: number,
            kind: kind,
            tender: tender,
            amount: amount,
            tendered: tendered,
            change: change,
            checkNumber: check?.number,
            cardBrand: card?.brand,
            cardLast4: card?.last4,
            authCode: card?.authCode,
            reverses: reverses,
            reason: reason,
            employee: employee,
            at: atMillis
        )
    }
}
