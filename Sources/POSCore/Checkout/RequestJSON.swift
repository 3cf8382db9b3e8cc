import Foundation

// The JSON forms of the front desk's requests. Amounts are strings ("12.50") so no amount ever passes through
// floating point; unknown fields are refused so a typo or a card number cannot slip in unnoticed.

struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
    init(_ name: String) { self.stringValue = name }
}

typealias JSONObject = KeyedDecodingContainer<JSONKey>

extension Decoder {
    /// The object's container, after refusing fields outside `allowed`.
    func strictObject(allowing allowed: Set<String>) throws -> JSONObject {
        let object = try container(keyedBy: JSONKey.self)
        for key in object.allKeys where !allowed.contains(key.stringValue) {
            let lowered = key.stringValue.lowercased()
            let reason =
                lowered.contains("card") || lowered == "pan" || lowered.contains("cvv") || lowered.contains("expir")
                ? "card numbers, security codes and expiry dates are never accepted; give last4 and authCode"
                : "unknown field"
            throw DecodingError.dataCorrupted(.init(codingPath: object.codingPath + [key], debugDescription: reason))
        }
        return object
    }
}

extension KeyedDecodingContainer where K == JSONKey {
    func string(_ name: String) throws -> String { try decode(String.self, forKey: JSONKey(name)) }
    func optionalString(_ name: String) throws -> String? { try decodeIfPresent(String.self, forKey: JSONKey(name)) }

    func money(_ name: String) throws -> Money { try parsed(name, as: "an amount such as 12.50", Money.init(parsing:)) }

    func optionalMoney(_ name: String) throws -> Money? {
        contains(JSONKey(name)) ? try money(name) : nil
    }

    /// Quantities and percents may be JSON integers or decimal strings.
    func decimal<T>(_ name: String, as what: String, _ parse: (String) -> T?) throws -> T {
        if let whole = try? decode(Int64.self, forKey: JSONKey(name)), let value = parse(String(whole)) {
            return value
        }
        return try parsed(name, as: what, parse)
    }

    func parsed<T>(_ name: String, as what: String, _ parse: (String) -> T?) throws -> T {
        let key = JSONKey(name)
        guard let text = try? decode(String.self, forKey: key) else {
            if !contains(key) {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
            }
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "must be a string holding \(what)"
            )
        }
        guard let value = parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "'\(text)' is not \(what)")
        }
        return value
    }

    func enumValue<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T
    where T.RawValue == String {
        let text = try string(name)
        guard let value = T(rawValue: text) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: JSONKey(name),
                in: self,
                debugDescription: "'\(text)' is not one of \(choices)"
            )
        }
        return value
    }
}

extension CheckoutRequest: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: ["id", "client", "invoice", "lines", "discounts", "payments"])
        id = try object.string("id")
        client = try object.string("client")
        invoice = try object.decodeIfPresent(Int64.self, forKey: JSONKey("invoice"))
        lines = try object.decodeIfPresent([LineRequest].self, forKey: JSONKey("lines")) ?? []
        discounts = try object.decodeIfPresent([DiscountRequest].self, forKey: JSONKey("discounts")) ?? []
        payments = try object.decodeIfPresent([PaymentInput].self, forKey: JSONKey("payments")) ?? []
    }
}

extension LineRequest: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: ["patient", "item", "quantity", "provider"])
        patient = try object.string("patient")
        item = try object.string("item")
        quantity =
            object.contains(JSONKey("quantity"))
            ? try object.decimal("quantity", as: "a quantity with at most 3 decimals", Quantity.init(parsing:))
            : .units(1)
        provider = try object.string("provider")
    }
}

extension DiscountRequest: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: [
            "class", "percent", "amount", "line", "scope", "code", "approval",
        ])
        discountClass = try object.enumValue("class", DiscountClass.self)
        switch (object.contains(JSONKey("percent")), object.contains(JSONKey("amount"))) {
        case (true, true):
            throw DecodingError.dataCorruptedError(
                forKey: JSONKey("amount"),
                in: object,
                debugDescription: "give either percent or amount, not both"
            )
        case (true, false):
            method = .percent(try object.decimal("percent", as: "a percent such as 10 or 12.5", Percent.init(parsing:)))
        case (false, true): method = .amount(try object.money("amount"))
        case (false, false): method = nil
        }
        if let line = try object.decodeIfPresent(Int.self, forKey: JSONKey("line")) {
            guard !object.contains(JSONKey("scope")) else {
                throw DecodingError.dataCorruptedError(
                    forKey: JSONKey("scope"),
                    in: object,
                    debugDescription: "give either line or scope, not both"
                )
            }
            target = .line(line)
        } else if object.contains(JSONKey("scope")) {
            target = .invoice(
                try object.parsed(
                    "scope",
                    as: "all, service, product, pharmacy, fee or item:CODE",
                    DiscountScope.init(text:)
                )
            )
        } else {
            target = nil
        }
        couponCode = try object.optionalString("code")
        approval = try object.decodeIfPresent(ApprovalRequest.self, forKey: JSONKey("approval"))
    }
}

extension ApprovalRequest: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: ["employee", "pin", "reason"])
        employee = try object.string("employee")
        pin = try object.string("pin")
        reason = try object.string("reason")
    }
}

extension PaymentInput: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: [
            "tender", "amount", "number", "bank", "payer", "idNumber", "brand", "last4", "authCode", "terminalId",
        ])
        tender = try object.enumValue("tender", Tender.self)
        amount = try object.money("amount")
        let checkFields = ["number", "bank", "payer", "idNumber"].filter { object.contains(JSONKey($0)) }
        let cardFields = ["brand", "last4", "authCode", "terminalId"].filter { object.contains(JSONKey($0)) }
        check =
            checkFields.isEmpty
            ? nil
            : CheckDetails(
                number: try object.optionalString("number") ?? "",
                bank: try object.optionalString("bank") ?? "",
                payer: try object.optionalString("payer") ?? "",
                idNumber: try object.optionalString("idNumber") ?? ""
            )
        card =
            cardFields.isEmpty
            ? nil
            : CardDetails(
                brand: object.contains(JSONKey("brand"))
                    ? try object.enumValue("brand", CardBrand.self) : (tender == .careCredit ? .careCredit : .other),
                last4: try object.optionalString("last4") ?? "",
                authCode: try object.optionalString("authCode") ?? "",
                terminalId: try object.optionalString("terminalId") ?? ""
            )
    }
}

extension RefundRequest: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: [
            "id", "payment", "amount", "tender", "reason", "approval", "brand", "last4", "authCode", "terminalId",
        ])
        id = try object.string("id")
        payment = try object.decode(Int64.self, forKey: JSONKey("payment"))
        amount = try object.money("amount")
        tender = object.contains(JSONKey("tender")) ? try object.enumValue("tender", Tender.self) : nil
        card =
            object.contains(JSONKey("last4"))
            ? CardDetails(
                brand: try object.enumValue("brand", CardBrand.self),
                last4: try object.string("last4"),
                authCode: try object.string("authCode"),
                terminalId: try object.string("terminalId")
            ) : nil
        reason = try object.string("reason")
        approval = try object.decodeIfPresent(ApprovalRequest.self, forKey: JSONKey("approval"))
    }
}

/// Decodes a request and turns any decoding failure into one line naming the field, such as
/// `checkout.json, payments[1].amount: '12.345' is not an amount such as 12.50`.
public enum RequestDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(POSError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw describe(error, source: source)
        } catch {
            throw .invalid(field: source, reason: "\(error)")
        }
    }

    static func describe(_ error: DecodingError, source: String) -> POSError {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = source
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text == source ? ", " : ".") + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(field: path(context.codingPath + [key]), reason: "is required")
        case .typeMismatch(let type, let context):
            return .invalid(field: path(context.codingPath), reason: "has the wrong type (expected \(type))")
        case .valueNotFound(_, let context):
            return .invalid(field: path(context.codingPath), reason: "must not be null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return .invalid(field: source, reason: "is not valid JSON" + (underlying.map { " (\($0))" } ?? ""))
            }
            return .invalid(field: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return .invalid(field: source, reason: "\(error)")
        }
    }
}

extension PaymentRequest: Decodable {
    public init(from decoder: any Decoder) throws {
        let object = try decoder.strictObject(allowing: ["id", "invoice", "payments"])
        id = try object.string("id")
        invoice = try object.decode(Int64.self, forKey: JSONKey("invoice"))
        payments = try object.decode([PaymentInput].self, forKey: JSONKey("payments"))
    }
}
