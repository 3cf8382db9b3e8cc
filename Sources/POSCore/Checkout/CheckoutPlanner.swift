/// Everything a checkout is checked against, loaded by the store inside the checkout's own transaction.
public struct CheckoutContext: Sendable {
    public var clerk: Operator
    public var client: Client
    /// The client's own pets, by id.
    public var patients: [String: Patient]
    public var items: [String: CatalogItem]
    public var taxRates: [String: Int64]
    /// Providers and approvers named in the request, by id.
    public var employees: [String: Employee]
    /// Coupons named in the request, with whether each was already redeemed.
    public var coupons: [String: (coupon: Coupon, redeemed: Bool)]
    public var policy: ClinicPolicy
    /// What the client already owes on account.
    public var accountBalance: Money
    public var businessDate: BusinessDate
    /// Lines already on the open invoice being finished.
    public var openLines: [LineInput]
    /// Approvers whose PIN was checked for this request.
    public var verifiedApprovers: Set<String>

    public init(
        clerk: Operator,
        client: Client,
        patients: [String: Patient],
        items: [String: CatalogItem],
        taxRates: [String: Int64],
        employees: [String: Employee],
        coupons: [String: (coupon: Coupon, redeemed: Bool)],
        policy: ClinicPolicy,
        accountBalance: Money,
        businessDate: BusinessDate,
        openLines: [LineInput] = [],
        verifiedApprovers: Set<String>
    ) {
        self.clerk = clerk
        self.client = client
        self.patients = patients
        self.items = items
        self.taxRates = taxRates
        self.employees = employees
        self.coupons = coupons
        self.policy = policy
        self.accountBalance = accountBalance
        self.businessDate = businessDate
        self.openLines = openLines
        self.verifiedApprovers = verifiedApprovers
    }
}

/// A discount as it will be recorded: priced, and who gave and approved it.
public struct AppliedDiscount: Hashable, Sendable {
    public var priced: PricedDiscount
    public var appliedBy: String
    public var approvedBy: String?
    public var reason: String?
}

/// The checked, priced and tendered checkout, ready to be stored in one transaction.
public struct CheckoutPlan: Hashable, Sendable {
    public var invoice: PricedInvoice
    public var discounts: [AppliedDiscount]
    public var tender: TenderResult
    public var redeemedCoupons: [String]

    public var balanceDue: Money { invoice.total - tender.paid }
}

/// A checkout priced but not approved, tendered or stored: the discounted figures the desk shows before Finish.
public struct CheckoutQuote: Hashable, Sendable {
    public var invoice: PricedInvoice
    /// Indexes of the discounts that need a manager's approval, alone or together with the others.
    public var needsApproval: [Int]
}

public enum CheckoutPlanner {
    /// Turns lines typed at the desk into priceable lines, checking each reference.
    public static func resolveLines(
        _ requests: [LineRequest],
        field: String = "lines",
        offset: Int = 0,
        context: CheckoutContext
    ) throws(POSError) -> [LineInput] {
        var lines: [LineInput] = []
        for (index, line) in requests.enumerated() {
            let here = "\(field)[\(index + offset)]"
            guard context.patients[line.patient] != nil else {
                throw .invalid(
                    field: "\(here).patient",
                    reason: "'\(line.patient)' is not a pet of client \(context.client.id)"
                )
            }
            guard let item = context.items[line.item] else {
                throw .invalid(field: "\(here).item", reason: "unknown item code '\(line.item)'")
            }
            guard item.active else { throw .invalid(field: "\(here).item", reason: "item \(item.code) is not active") }
            guard let provider = context.employees[line.provider], provider.active else {
                throw .invalid(field: "\(here).provider", reason: "'\(line.provider)' is not an active employee")
            }
            guard provider.role != .bookkeeper else {
                throw .invalid(field: "\(here).provider", reason: "\(provider.id) is a bookkeeper and provides no care")
            }
            lines.append(
                LineInput(patientId: line.patient, item: item, quantity: line.quantity, providerId: provider.id)
            )
        }
        return lines
    }

    public static func plan(_ request: CheckoutRequest, context: CheckoutContext) throws(POSError) -> CheckoutPlan {
        let (invoice, redeemed) = try price(request, context: context)
        var applied: [AppliedDiscount] = []
        for (index, (request, priced)) in zip(request.discounts, invoice.discounts).enumerated() {
            let approver = try approve(request, priced: priced, field: "discounts[\(index)]", context: context)
            applied.append(
                AppliedDiscount(
                    priced: priced,
                    appliedBy: context.clerk.employee.id,
                    approvedBy: approver?.id,
                    reason: request.approval?.reason
                )
            )
        }
        try checkCombinedCeiling(request.discounts, applied: applied, invoice: invoice, context: context)
        if !request.payments.isEmpty { try context.clerk.require(.takePayment) }
        let tender = try Tendering.apply(
            request.payments,
            due: invoice.total,
            client: context.client,
            accountBalance: context.accountBalance
        )
        return CheckoutPlan(invoice: invoice, discounts: applied, tender: tender, redeemedCoupons: redeemed)
    }

    /// Prices a checkout without approving, tendering or storing anything: what the desk shows before Finish. Approvals
    /// in the request are ignored; the discounts a manager would have to approve (alone or together) are reported.
    public static func quote(_ request: CheckoutRequest, context: CheckoutContext) throws(POSError) -> CheckoutQuote {
        let (invoice, _) = try price(request, context: context)
        return CheckoutQuote(invoice: invoice, needsApproval: approvalsNeeded(invoice, context: context))
    }

    /// The discounts a manager must approve, by the rules checkout applies (one rule for both): each one over the
    /// clerk's ceiling on its own; and then, when the others (not coupons) come together to more than the ceiling,
    /// those others too.
    public static func approvalsNeeded(_ invoice: PricedInvoice, context: CheckoutContext) -> [Int] {
        let alone = invoice.discounts.indices.filter { exceedsCeiling(invoice.discounts[$0], context: context) }
        let rest = invoice.discounts.indices.filter {
            !alone.contains($0) && invoice.discounts[$0].spec.discountClass != .coupon
        }
        guard rest.count > 1, invoice.subtotal.isPositive else { return alone }
        let combined = PricedDiscount(
            spec: invoice.discounts[rest[0]].spec,
            base: invoice.subtotal,
            amount: rest.map { invoice.discounts[$0].amount }.sum(),
            allocations: []
        ).effectivePercent
        return combined > context.policy.ceiling(for: context.clerk.employee.role) ? (alone + rest).sorted() : alone
    }

    /// The lines (open ones first, then the request's) and discounts of a checkout, priced; and the coupons redeemed.
    static func price(
        _ request: CheckoutRequest,
        context: CheckoutContext
    ) throws(POSError) -> (invoice: PricedInvoice, redeemed: [String]) {
        try context.clerk.require(.ringSales)
        let lines = context.openLines + (try resolveLines(request.lines, context: context))
        var specs: [DiscountSpec] = []
        var redeemed: [String] = []
        for (index, discount) in request.discounts.enumerated() {
            let spec = try resolve(discount, field: "discounts[\(index)]", lines: lines, context: context)
            if let code = spec.couponCode {
                guard !redeemed.contains(code) else {
                    throw .invalid(field: "discounts[\(index)].code", reason: "coupon \(code) is used twice")
                }
                redeemed.append(code)
            }
            specs.append(spec)
        }
        return (try Pricing.price(lines: lines, discounts: specs) { context.taxRates[$0] }, redeemed)
    }

    static func resolve(
        _ discount: DiscountRequest,
        field: String,
        lines: [LineInput],
        context: CheckoutContext
    ) throws(POSError) -> DiscountSpec {
        try context.clerk.require(.applyDiscount)
        let client = context.client
        switch discount.discountClass {
        case .employee:
            guard client.isStaff else {
                throw .invalid(field: "\(field).class", reason: "client \(client.id) is not a staff account")
            }
        case .shelter:
            guard client.isShelter else {
                throw .invalid(field: "\(field).class", reason: "client \(client.id) is not a shelter or rescue")
            }
        case .multiplePets:
            guard Set(lines.map(\.patientId)).count >= 2 else {
                throw .invalid(
                    field: "\(field).class",
                    reason: "a multiple-pets discount needs at least two pets on the invoice"
                )
            }
            if case .line = discount.target {
                throw .invalid(
                    field: "\(field).line",
                    reason: "a multiple-pets discount applies to the invoice, not one line"
                )
            }
        case .complimentaryExam:
            guard case .line(let number) = discount.target else {
                throw .invalid(field: "\(field).line", reason: "a complimentary exam names the exam's line")
            }
            guard lines.indices.contains(number - 1) else {
                throw .invalid(field: "\(field).line", reason: "there is no line \(number) on this invoice")
            }
            guard lines[number - 1].item.kind == .service else {
                throw .invalid(field: "\(field).line", reason: "line \(number) is not a service")
            }
            return DiscountSpec(
                discountClass: .complimentaryExam,
                method: discount.method ?? .percent(Percent(basisPoints: 10_000)),
                target: .line(number)
            )
        case .coupon:
            guard let code = discount.couponCode else {
                throw .invalid(field: "\(field).code", reason: "a coupon discount needs the coupon's code")
            }
            guard discount.method == nil else {
                throw .invalid(field: field, reason: "a coupon's value comes from the coupon, not the request")
            }
            guard let (coupon, used) = context.coupons[code] else {
                throw .invalid(field: "\(field).code", reason: "unknown coupon '\(code)'")
            }
            guard context.businessDate.text <= coupon.expiresOn else {
                throw .invalid(field: "\(field).code", reason: "coupon \(code) expired on \(coupon.expiresOn)")
            }
            guard !(coupon.singleUse && used) else {
                throw .invalid(field: "\(field).code", reason: "coupon \(code) was already redeemed")
            }
            let target = discount.target ?? .invoice(DiscountScope(text: coupon.scope) ?? .all)
            guard let method = coupon.method else {
                throw .invalid(field: "\(field).code", reason: "coupon \(code) has no value", code: "coupon.noValue")
            }
            return DiscountSpec(discountClass: .coupon, method: method, target: target, couponCode: code)
        }
        guard discount.couponCode == nil else {
            throw .invalid(field: "\(field).code", reason: "only a coupon discount takes a code")
        }
        guard let method = discount.method else {
            throw .invalid(field: field, reason: "give a percent or an amount")
        }
        return DiscountSpec(
            discountClass: discount.discountClass,
            method: method,
            target: discount.target ?? .invoice(.all)
        )
    }

    /// Discounts within the clerk's ceiling one by one must stay within it together too: ten stacked 10 % discounts
    /// are not a 10 % discount. Unapproved, non-coupon discounts are measured together against the invoice subtotal.
    static func checkCombinedCeiling(
        _ requests: [DiscountRequest],
        applied: [AppliedDiscount],
        invoice: PricedInvoice,
        context: CheckoutContext
    ) throws(POSError) {
        let unapproved = applied.filter { $0.approvedBy == nil && $0.priced.spec.discountClass != .coupon }
        guard unapproved.count > 1, invoice.subtotal.isPositive else { return }
        let combined = PricedDiscount(
            spec: unapproved[0].priced.spec,
            base: invoice.subtotal,
            amount: unapproved.map(\.priced.amount).sum(),
            allocations: []
        ).effectivePercent
        let ceiling = context.policy.ceiling(for: context.clerk.employee.role)
        guard combined <= ceiling else {
            throw .approvalRequired(
                field: "discounts",
                reason: "together the discounts come to \(combined) of the invoice, over the \(ceiling) ceiling of a "
                    + "\(context.clerk.employee.role.rawValue); a manager's approval on them is required",
                code: "discounts.overCeiling"
            )
        }
    }

    /// Returns the approving manager when the discount exceeds the clerk's ceiling, or nil when none is needed.
    static func approve(
        _ discount: DiscountRequest,
        priced: PricedDiscount,
        field: String,
        context: CheckoutContext
    ) throws(POSError) -> Employee? {
        let clerk = context.clerk.employee
        let effective = effectivePercent(priced)
        let needsApproval = exceedsCeiling(priced, context: context)
        guard needsApproval else {
            // An approval given where none was needed is still recorded, so reports show who signed off.
            guard let approval = discount.approval else { return nil }
            return try approver(approval, field: field, effective: effective, context: context)
        }
        guard let approval = discount.approval else {
            throw .approvalRequired(
                field: field,
                reason: "a \(effective) discount exceeds the \(context.policy.ceiling(for: clerk.role)) ceiling of a "
                    + "\(clerk.role.rawValue); a manager's PIN and a reason are required",
                code: "discount.overCeiling"
            )
        }
        return try approver(approval, field: field, effective: effective, context: context)
    }

    /// A percent discount is the percent asked for: rounding its amount to the cent can add up to half a cent
    /// (10% of $86.99 is $8.70), which must not push a discount at the ceiling over it. An amount is held to its
    /// exact share of the base, rounded up.
    static func effectivePercent(_ priced: PricedDiscount) -> Percent {
        switch priced.spec.method {
        case .percent(let percent): percent
        case .amount: priced.effectivePercent
        }
    }

    /// Whether the discount, alone, is over the clerk's ceiling (a coupon never is: its value is the clinic's).
    static func exceedsCeiling(_ priced: PricedDiscount, context: CheckoutContext) -> Bool {
        priced.spec.discountClass != .coupon
            && effectivePercent(priced) > context.policy.ceiling(for: context.clerk.employee.role)
    }

    static func approver(
        _ approval: ApprovalRequest,
        field: String,
        effective: Percent,
        context: CheckoutContext
    ) throws(POSError) -> Employee {
        let manager = try Approvals.check(
            approval,
            for: .approveDiscount,
            field: "\(field).approval",
            context: context.approvalContext
        )
        guard effective <= context.policy.ceiling(for: manager.role) else {
            throw .approvalRequired(
                field: "\(field).approval",
                reason:
                    "a \(effective) discount exceeds the approver's own \(context.policy.ceiling(for: manager.role)) ceiling",
                code: "discount.overApproverCeiling"
            )
        }
        return manager
    }
}

extension CheckoutContext {
    public var approvalContext: ApprovalContext {
        ApprovalContext(clerk: clerk, employees: employees, verifiedApprovers: verifiedApprovers)
    }
}

/// Who may sign off, and whose PIN was checked.
public struct ApprovalContext: Sendable {
    public var clerk: Operator
    public var employees: [String: Employee]
    public var verifiedApprovers: Set<String>

    public init(clerk: Operator, employees: [String: Employee], verifiedApprovers: Set<String>) {
        self.clerk = clerk
        self.employees = employees
        self.verifiedApprovers = verifiedApprovers
    }
}

public enum Approvals {
    /// Checks a manager's sign-off: a real, active employee other than the clerk, with the permission, whose PIN was
    /// verified, giving a reason.
    public static func check(
        _ approval: ApprovalRequest,
        for permission: Permission,
        field: String,
        context: ApprovalContext
    ) throws(POSError) -> Employee {
        guard let approver = context.employees[approval.employee], approver.active,
            context.verifiedApprovers.contains(approver.id)
        else {
            throw .authenticationFailed(employee: approval.employee)
        }
        guard approver.id != context.clerk.employee.id else {
            let what =
                switch permission {
                case .approveRefund: "refund"
                case .voidInvoice: "void"
                default: "discount"
                }
            throw .approvalRequired(
                field: field,
                reason: "employees cannot approve their own \(what)",
                code: "approval.ownAction"
            )
        }
        guard approver.role.may(permission) else {
            throw .approvalRequired(
                field: field,
                reason: "\(approver.id) (\(approver.role.rawValue)) may not \(permission.rawValue)",
                code: "approval.notPermitted"
            )
        }
        guard !approval.reason.trimmingASCIIWhitespace().isEmpty else {
            throw .approvalRequired(
                field: "\(field).reason",
                reason: "an approval needs a reason",
                code: "approval.reasonRequired"
            )
        }
        try Identifier.validateText(approval.reason, field: "\(field).reason")
        return approver
    }
}
