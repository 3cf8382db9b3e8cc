import Foundation
import POSCore
import POSStorage

/// `/invoices/{n}`: the lines grouped per pet, adding lines by search or scan, discounts with the manager's
/// approval prompt, and the tender screen (split tender, change due). A posted invoice shows its payments and the
/// print and reprint buttons.
enum InvoicePage {
    static func render(_ store: Store, _ session: Sessions.Session?, number: Int64) async throws -> HTML {
        let invoice = try await store.invoice(number)
        let record = try await store.client(invoice.client)
        let employees = try await store.employees().filter(\.active)
        let open = invoice.status == .open
        // Each pet remembers the provider of its last line; a pet without lines starts with the first veterinarian.
        let veterinarian = employees.first { $0.role == .veterinarian }?.id ?? session?.clerk.employee.id ?? ""
        let pets = record.patients.map { patient in
            (
                value: patient.id, label: "\(patient.name) (\(patient.species))",
                provider: invoice.lines.last { $0.patient == patient.id }?.provider ?? veterinarian
            )
        }
        let lastPet = invoice.lines.last?.patient ?? record.patients.first?.id
        let providers = (employees.filter { $0.role == .veterinarian } + employees.filter { $0.role != .veterinarian })
            .map { (value: $0.id, label: "\($0.name) (\($0.role.rawValue))") }
        let change = invoice.payments.map(\.change).sum()
        let content: HTML = """
            <h1>Invoice #\(invoice.number) · \(invoice.clientName) <span class="pill">\(invoice.status.rawValue)</span></h1>
            <div class="columns">
            <section aria-labelledby="lines-title">
            <h2 id="lines-title">Lines</h2>
            <div id="lines">\(grouped(invoice))</div>
            \(open ? addLineForm(pets: pets, selected: lastPet, providers: providers) : "")
            \(open ? cancelForm : "")
            </section>
            <section aria-labelledby="pay-title">
            <h2 id="pay-title">Total</h2>
            <dl class="totals">
            <dt>Subtotal</dt><dd class="money" id="subtotal">\(invoice.subtotal.display)</dd>
            <dt>Discounts</dt><dd class="money" id="discount-total">\(invoice.discountTotal.display)</dd>
            <dt>Tax</dt><dd class="money" id="tax-total">\(invoice.taxTotal.display)</dd>
            <dt>Total</dt><dd class="money" id="total" data-amount="\(invoice.total.description)">\(invoice.total.display)</dd>
            <dt>Balance due</dt><dd class="money" id="balance" data-amount="\(invoice.balanceDue.description)">\(invoice.balanceDue.display)</dd>
            <dt>Change due</dt><dd class="money big" id="change-due">\(change.display)</dd>
            </dl>
            <p id="quote-status" class="notice short" role="status" hidden></p>
            \(discounts(invoice))
            \(payments(invoice))
            \(open ? HTML(joining: [tenderForm, discountForm(record.patients.count, invoice: invoice)]) : posted(invoice))
            </section>
            </div>
            \(approvalDialog)
            """
        return Layout.page(
            "Invoice \(invoice.number)",
            session: session,
            name: "invoice",
            attributes: """
                data-invoice="\(invoice.number)" data-client="\(invoice.client)" data-status="\(invoice.status.rawValue)"
                """,
            content
        )
    }

    /// One section per pet (`data-pet`), its lines and its total.
    static func grouped(_ invoice: InvoiceView) -> HTML {
        if invoice.lines.isEmpty { return "<p class=\"muted\" id=\"no-lines\">No lines yet.</p>" }
        let sections = invoice.pets.map { pet -> HTML in
            let open = invoice.status == .open
            let rows = invoice.lines.filter { $0.patient == pet.patient }.map { line -> HTML in
                let remove: HTML =
                    open
                    ? """
                    <td><button type="button" class="quiet remove-line" data-line="\(line.line)" \
                    aria-label="Remove line \(line.line), \(line.description)">✕</button></td>
                    """
                    : ""
                return """
                    <tr data-line="\(line.line)"><td class="num">\(line.line)</td><td>\(line.item)</td><td>\(line.description)</td>
                    <td class="num">\(line.quantity.description)</td><td class="money">\(line.unitPrice.display)</td>
                    <td class="money">\(line.discount == .zero ? "" : "−" + line.discount.display)</td>
                    <td class="money">\(line.total.display)</td><td>\(line.provider)</td>\(remove)</tr>
                    """
            }
            return """
                <section class="pet" data-pet="\(pet.patient)">
                <h3>\(pet.name) <small>\(pet.species)</small> <span class="money">\(pet.total.display)</span></h3>
                <table><thead><tr><th>#</th><th>Item</th><th>Description</th><th>Qty</th><th>Price</th><th>Discount</th><th>Total</th><th>By</th>\(invoice.status == .open ? HTML("<th></th>") : HTML.empty)</tr></thead>
                <tbody>\(rows)</tbody></table>
                </section>
                """
        }
        return HTML(joining: sections)
    }

    static func addLineForm(
        pets: [(value: String, label: String, provider: String)],
        selected: String?,
        providers: [(value: String, label: String)]
    ) -> HTML {
        let options = HTML(
            joining: pets.map { pet in
                """
                <option value="\(pet.value)" data-provider="\(pet.provider)"\(pet.value == selected ? HTML.selected : HTML.empty)>\(pet.label)</option>
                """
            }
        )
        let provider = pets.first { $0.value == selected }?.provider
        return """
            <form id="line-form" class="card" data-action="add-line" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <div class="row">
            <div><label for="pet">Pet</label><select id="pet" name="patient">\(options)</select></div>
            <div><label for="provider">Provider</label><select id="provider" name="provider">\(HTML.options(providers, selected: provider))</select></div>
            <div class="small"><label for="quantity">Qty</label><input id="quantity" name="quantity" value="1" inputmode="decimal"></div>
            </div>
            <label for="line-search">Search or scan</label>
            <input id="line-search" name="item" autocomplete="off" placeholder="code, name or barcode — Enter to add">
            <ul id="search-results" class="choices" aria-live="polite"></ul>
            <button id="add-line" type="submit" class="primary">Add line</button>
            </form>
            """
    }

    /// Cancelling the whole open invoice, with a reason (it keeps its number; nothing was paid yet).
    static let cancelForm: HTML = """
        <form id="cancel-form" class="card" data-action="cancel-invoice" novalidate>
        <div class="form-error" role="alert" hidden></div>
        <label for="cancel-reason">Cancel this invoice</label>
        <input id="cancel-reason" name="reason" placeholder="Why (client left, opened by mistake…)">
        <button id="cancel-invoice" type="submit">Cancel invoice</button>
        </form>
        """

    /// A discount: its class, then what it applies to, chosen from lists (the whole invoice, a kind of item, one item
    /// of the invoice, or one line), never typed.
    static func discountForm(_ petCount: Int, invoice: InvoiceView) -> HTML {
        let pets = Dictionary(invoice.pets.map { ($0.patient, $0.name) }, uniquingKeysWith: { first, _ in first })
        var scopes: [(value: String, label: String)] = [
            ("", "Whole invoice"), ("service", "Services"), ("product", "Products"), ("pharmacy", "Pharmacy"),
            ("fee", "Fees"),
        ]
        var seen: Set<String> = []
        for line in invoice.lines where seen.insert(line.item).inserted {
            scopes.append((value: "item:\(line.item)", label: "Every \(line.description)"))
        }
        let lines: [(value: String, label: String)] =
            [("", "—")]
            + invoice.lines.map {
                (value: String($0.line), label: "\($0.line) · \($0.description) (\(pets[$0.patient] ?? $0.patient))")
            }
        let kinds: [(value: String, label: String)] = [
            ("multiplePets", "Multiple pets"), ("employee", "Employee"), ("shelter", "Shelter / rescue"),
            ("coupon", "Coupon"), ("complimentaryExam", "Complimentary exam"),
        ]
        return """
            <form id="discount-form" class="card" data-action="discount" novalidate>
            <h3>Discounts</h3>
            <div class="form-error" role="alert" hidden></div>
            <div class="row">
            <div><label for="discount-kind">Kind</label><select id="discount-kind" name="class">\(HTML.options(kinds, selected: petCount > 1 ? "multiplePets" : "employee"))</select></div>
            <div class="small"><label for="discount-percent">Percent</label><input id="discount-percent" name="percent" inputmode="decimal"></div>
            <div class="small"><label for="discount-amount">or amount</label><input id="discount-amount" name="amount" inputmode="decimal"></div>
            </div>
            <div class="row">
            <div><label for="discount-scope">On</label><select id="discount-scope" name="scope">\(HTML.options(scopes))</select></div>
            <div><label for="discount-line">or one line</label><select id="discount-line" name="line">\(HTML.options(lines))</select></div>
            <div><label for="discount-code">Coupon code</label><input id="discount-code" name="code"></div>
            </div>
            <ul id="pending-discounts" class="pending"></ul>
            <button id="apply-discount" type="submit">Apply discount</button>
            </form>
            """
    }

    static let tenderForm: HTML = """
        <form id="tender-form" class="card" data-action="tender" novalidate>
        <h3>Tender</h3>
        <div class="form-error" role="alert" hidden></div>
        <div class="row">
        <div><label for="tender-kind">Tender</label><select id="tender-kind" name="tender">
        <option value="cash">Cash</option><option value="credit">Credit card</option><option value="debit">Debit card</option>
        <option value="check">Check</option><option value="careCredit">CareCredit</option><option value="account">Charge to account</option>
        </select></div>
        <div><label for="tender-amount">Amount</label><input id="tender-amount" name="amount" inputmode="decimal"></div>
        </div>
        <ul class="choices" id="quick-cash" aria-label="Quick amounts"></ul>
        <fieldset class="row card-fields" hidden>
        <legend>Card slip</legend>
        <div class="small"><label for="card-last4">Last 4</label><input id="card-last4" name="last4" inputmode="numeric" maxlength="4"></div>
        <div class="small"><label for="card-auth">Auth code</label><input id="card-auth" name="authCode"></div>
        <div><label for="card-brand">Brand</label><select id="card-brand" name="brand">
        <option value="visa">Visa</option><option value="mastercard">Mastercard</option><option value="amex">Amex</option>
        <option value="discover">Discover</option><option value="careCredit">CareCredit</option><option value="other">Other</option>
        </select></div>
        <div><label for="card-terminal">Card reader</label><input id="card-terminal" name="terminalId" value="PAX-1"></div>
        </fieldset>
        <fieldset class="row check-fields" hidden>
        <legend>Check</legend>
        <div class="small"><label for="check-number">Number</label><input id="check-number" name="number" inputmode="numeric"></div>
        <div><label for="check-bank">Bank</label><input id="check-bank" name="bank"></div>
        <div><label for="check-payer">Payer</label><input id="check-payer" name="payer"></div>
        <div><label for="check-id">ID number</label><input id="check-id" name="idNumber"></div>
        </fieldset>
        <ul id="pending-tenders" class="pending"></ul>
        <p>Tendered <b id="tendered" class="money">$0.00</b> · still to pay <b id="remaining" class="money"></b></p>
        <div class="row">
        <button id="add-tender" type="submit">Add tender</button>
        <button id="finish" type="button" class="primary">Finish sale</button>
        </div>
        </form>
        """

    static func discounts(_ invoice: InvoiceView) -> HTML {
        guard !invoice.discounts.isEmpty else { return "" }
        let items = invoice.discounts.map { discount -> HTML in
            """
            <li>\(discount.discountClass.rawValue) \(discount.method) on \(discount.target): −\(discount.amount.display)\(discount.approvedBy.map { " (approved by \($0))" } ?? "")</li>
            """
        }
        return "<h3>Discounts</h3><ul id=\"discounts\">\(items)</ul>"
    }

    static func payments(_ invoice: InvoiceView) -> HTML {
        guard !invoice.payments.isEmpty else { return "" }
        let items = invoice.payments.map { payment -> HTML in
            let card = payment.cardLast4.map { " ····\($0)" } ?? ""
            return """
                <li>\(payment.tender.rawValue)\(card) \(payment.amount.display)\(payment.change == .zero ? "" : " (tendered \(payment.tendered.display), change \(payment.change.display))")</li>
                """
        }
        return "<h3>Payments</h3><ul id=\"payments\">\(items)</ul>"
    }

    /// After the sale, on the invoice's page: a later payment while something is due, a refund of any payment (to
    /// its own tender; a manager's PIN above the clinic's limit), and a void on the day it was posted.
    static func afterSale(_ invoice: InvoiceView) -> HTML {
        guard invoice.status != .void else {
            return "<p id=\"voided\" class=\"notice short\">Voided: \(invoice.voidReason ?? "")</p>"
        }
        let refundable = invoice.payments.filter { $0.kind == .payment }
        let choices = refundable.map { payment -> HTML in
            let card = payment.cardLast4.map { " ····\($0)" } ?? ""
            return
                "<option value=\"\(payment.number)\">\(payment.tender.rawValue)\(card) \(payment.amount.display)</option>"
        }
        let pay: HTML =
            invoice.balanceDue.isPositive
            ? """
            <form id="pay-form" class="card" data-action="pay" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <h3>Take a payment</h3>
            <div class="row">
            <div><label for="pay-tender">Tender</label><select id="pay-tender" name="tender">
            <option value="cash">Cash</option><option value="credit">Credit card</option><option value="debit">Debit card</option>
            <option value="account">Charge to account</option></select></div>
            <div><label for="pay-amount">Amount</label><input id="pay-amount" name="amount" inputmode="decimal" \
            value="\(invoice.balanceDue.description)"></div>
            </div>
            <div class="row pay-card" hidden>
            <div><label for="pay-last4">Last 4</label><input id="pay-last4" name="last4" inputmode="numeric" maxlength="4"></div>
            <div><label for="pay-auth">Auth code</label><input id="pay-auth" name="authCode" autocapitalize="characters"></div>
            <div><label for="pay-brand">Brand</label><select id="pay-brand" name="brand"><option value="visa">Visa</option>
            <option value="mastercard">Mastercard</option><option value="amex">Amex</option><option value="discover">Discover</option>
            <option value="other">Other</option></select></div>
            <div><label for="pay-terminal">Card reader</label><input id="pay-terminal" name="terminalId" value="PAX-1"></div>
            </div>
            <button id="take-payment" type="submit" class="primary">Take payment</button>
            </form>
            """
            : ""
        let refund: HTML =
            refundable.isEmpty
            ? ""
            : """
            <form id="refund-form" class="card" data-action="refund" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <h3>Refund</h3>
            <div class="row">
            <div><label for="refund-payment">Payment</label><select id="refund-payment" name="payment">\(HTML(joining: choices))</select></div>
            <div><label for="refund-amount">Amount</label><input id="refund-amount" name="amount" inputmode="decimal"></div>
            </div>
            <label for="refund-reason">Reason</label><input id="refund-reason" name="reason">
            <div class="row">
            <div><label for="refund-approver">Manager (above the limit)</label><input id="refund-approver" name="employee" autocapitalize="characters"></div>
            <div><label for="refund-pin">Manager's PIN</label><input id="refund-pin" name="pin" type="password" inputmode="numeric"></div>
            </div>
            <button id="refund" type="submit">Refund to the same tender</button>
            </form>
            """
        let void: HTML = """
            <form id="void-form" class="card" data-action="void" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <h3>Void (the day it was posted)</h3>
            <label for="void-reason">Reason</label><input id="void-reason" name="reason">
            <div class="row">
            <div><label for="void-approver">Manager</label><input id="void-approver" name="employee" autocapitalize="characters"></div>
            <div><label for="void-pin">Manager's PIN</label><input id="void-pin" name="pin" type="password" inputmode="numeric"></div>
            </div>
            <button id="void" type="submit">Void invoice</button>
            </form>
            """
        return HTML(joining: [pay, refund, void])
    }

    static func posted(_ invoice: InvoiceView) -> HTML {
        if let reason = invoice.cancelReason {
            return """
                <p id="cancelled" class="notice short">Cancelled before checkout: \(reason)</p>
                <a class="button" href="/desk">Back to the desk</a>
                """
        }
        let printing: HTML = """
            <div class="row">
            <button id="print" type="button" class="primary" data-call="print">Print receipt</button>
            <button id="reprint" type="button" data-call="reprint">Reprint</button>
            <a id="receipt-link" class="button" href="/invoices/\(invoice.number)/receipt">Printable receipt</a>
            <a class="button" href="/desk">Back to the desk</a>
            </div>
            <p id="print-status" class="notice" aria-live="polite" hidden></p>
            """
        return HTML(joining: [printing, afterSale(invoice)])
    }

    static let approvalDialog: HTML = """
        <dialog id="approval" aria-labelledby="approval-title">
        <form id="approval-form" method="dialog" novalidate>
        <h2 id="approval-title">Manager approval</h2>
        <p id="approval-message" class="notice"></p>
        <div class="form-error" role="alert" hidden></div>
        <label for="approver">Manager ID</label><input id="approver" name="employee" autocapitalize="characters" required>
        <label for="approver-pin">PIN</label><input id="approver-pin" name="pin" type="password" inputmode="numeric" autocomplete="off" required>
        <label for="approval-reason">Reason</label><input id="approval-reason" name="reason" required>
        <div class="row">
        <button id="approve" type="submit" value="approve" class="primary">Approve</button>
        <button id="approval-cancel" type="button">Cancel</button>
        </div>
        </form>
        </dialog>
        """
}

/// `/invoices/{n}/receipt`: the invoice as a printable receipt (the browser's print dialog; `?copy=1` marks a
/// reprint).
enum ReceiptPage {
    static func render(_ store: Store, _ session: Sessions.Session?, number: Int64) async throws -> HTML {
        let invoice = try await store.invoice(number)
        let policy = try await store.policy()
        return Layout.page(
            "Receipt \(invoice.number)",
            session: session,
            name: "receipt",
            attributes: "data-print=\"1\"",
            """
            <article class="receipt" id="receipt">
            <h1>\(policy.clinicName)</h1>
            <p>Invoice #\(invoice.number) · \(invoice.clientName) · \(invoice.businessDate?.description ?? "open")</p>
            \(InvoicePage.grouped(invoice))
            \(InvoicePage.discounts(invoice))
            <dl class="totals">
            <dt>Subtotal</dt><dd>\(invoice.subtotal.display)</dd><dt>Discounts</dt><dd>\(invoice.discountTotal.display)</dd>
            <dt>Tax</dt><dd>\(invoice.taxTotal.display)</dd><dt>Total</dt><dd>\(invoice.total.display)</dd>
            <dt>Paid</dt><dd>\(invoice.paid.display)</dd><dt>Balance</dt><dd>\(invoice.balanceDue.display)</dd>
            </dl>
            \(InvoicePage.payments(invoice))
            </article>
            <p class="no-print"><button id="print-now" type="button" class="primary">Print</button>
            <a class="button" href="/invoices/\(invoice.number)">Back to the invoice</a></p>
            """
        )
    }
}
