// What a request's digest is computed from: every field but PINs, so a replayed request is recognised without the
// store ever keeping a value from which a PIN could be recovered.

extension CheckoutRequest: Encodable {
    enum Keys: String, CodingKey { case id, client, invoice, lines, discounts, payments }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(client, forKey: .client)
        try container.encodeIfPresent(invoice, forKey: .invoice)
        try container.encode(lines, forKey: .lines)
        try container.encode(discounts, forKey: .discounts)
        try container.encode(payments, forKey: .payments)
    }
}

extension LineRequest: Encodable {
    enum Keys: String, CodingKey { case patient, item, quantity, provider }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(patient, forKey: .patient)
        try container.encode(item, forKey: .item)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(provider, forKey: .provider)
    }
}

extension DiscountRequest: Encodable {
    enum Keys: String, CodingKey {
        case discountClass = "class"
        case percent, amount, line, scope, code, approval
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(discountClass, forKey: .discountClass)
        switch method {
        case .percent(let percent)?: try container.encode(percent, forKey: .percent)
        case .amount(let amount)?: try container.encode(amount, forKey: .amount)
        case nil: break
        }
        switch target {
        case .line(let number)?: try container.encode(number, forKey: .line)
        case .invoice(let scope)?: try container.encode(scope.description, forKey: .scope)
        case nil: break
        }
        try container.encodeIfPresent(couponCode, forKey: .code)
        try container.encodeIfPresent(approval, forKey: .approval)
    }
}

extension ApprovalRequest: Encodable {
    enum Keys: String, CodingKey { case employee, reason }
    /// The PIN is left out on purpose.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(employee, forKey: .employee)
        try container.encode(reason, forKey: .reason)
    }
}

extension PaymentInput: Encodable {
    enum Keys: String, CodingKey { case tender, amount, check, card }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(tender, forKey: .tender)
        try container.encode(amount, forKey: .amount)
        try container.encodeIfPresent(check, forKey: .check)
        try container.encodeIfPresent(card, forKey: .card)
    }
}

extension RefundRequest: Encodable {
    enum Keys: String, CodingKey { case id, payment, amount, tender, card, reason, approval }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(payment, forKey: .payment)
        try container.encode(amount, forKey: .amount)
        try container.encodeIfPresent(tender, forKey: .tender)
        try container.encodeIfPresent(card, forKey: .card)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(approval, forKey: .approval)
    }
}

extension VoidRequest: Encodable {
    enum Keys: String, CodingKey { case id, invoice, reason, approval }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(invoice, forKey: .invoice)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(approval, forKey: .approval)
    }
}

extension PaymentRequest: Encodable {
    enum Keys: String, CodingKey { case id, invoice, payments }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(invoice, forKey: .invoice)
        try container.encode(payments, forKey: .payments)
    }
}
