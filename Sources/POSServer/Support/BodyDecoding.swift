import Foundation
import POSCore

/// Strict reading of request bodies: unknown fields are refused and every failure names the field, as the CLI's
/// request files are read (``RequestDecoder``).
enum Body {
    /// Decodes `data` as `T`, after putting the values the request's URL and headers carry into the object (the
    /// idempotency key as `id`, the invoice number of the path). A body that gives one of them differently is refused.
    static func decode<T: Decodable>(
        _ type: T.Type,
        from data: Data,
        injecting injected: [String: any Sendable] = [:]
    ) throws -> T {
        guard !injected.isEmpty,
            var object = (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any]
        else {
            return try RequestDecoder.decode(T.self, from: data, source: "body")
        }
        for (key, value) in injected.sorted(by: { $0.key < $1.key }) {
            if let given = object[key] {
                guard "\(given)" == "\(value)" else {
                    let from = key == "id" ? "the Idempotency-Key header" : "the path"
                    throw POSError.invalid(
                        field: "body, \(key)",
                        reason: "'\(given)' differs from \(from) ('\(value)')"
                    )
                }
            }
            object[key] = value
        }
        let merged = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try RequestDecoder.decode(T.self, from: merged, source: "body")
    }
}

/// A coding key for any field name.
struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(_ name: String) { stringValue = name }
}

extension Decoder {
    /// The body object's fields, after refusing any outside `allowed`.
    func fields(allowing allowed: Set<String>) throws -> KeyedDecodingContainer<FieldKey> {
        let object = try container(keyedBy: FieldKey.self)
        for key in object.allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: object.codingPath + [key], debugDescription: "unknown field")
            )
        }
        return object
    }
}

extension KeyedDecodingContainer where K == FieldKey {
    func required<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try decode(T.self, forKey: FieldKey(name))
    }

    func optional<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        try decodeIfPresent(T.self, forKey: FieldKey(name))
    }

    /// An amount given as a string such as "12.50" (never a JSON number: no amount passes through floating point).
    func money(_ name: String) throws -> Money {
        let text = try decode(String.self, forKey: FieldKey(name))
        guard let value = Money(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: FieldKey(name),
                in: self,
                debugDescription: "'\(text)' is not an amount such as 12.50"
            )
        }
        return value
    }

    func optionalMoney(_ name: String) throws -> Money? {
        contains(FieldKey(name)) ? try money(name) : nil
    }
}

/// `{"employee", "pin", "reason"}` of a manager's approval, or `{"employee", "pin"}` where the reason is elsewhere.
struct Approval: Decodable {
    var employee: String
    var pin: String
    var reason: String?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["employee", "pin", "reason"])
        employee = try object.required("employee")
        pin = try object.required("pin")
        reason = try object.optional("reason")
    }

    func request(reason fallback: String) -> ApprovalRequest {
        ApprovalRequest(employee: employee, pin: pin, reason: reason ?? fallback)
    }
}
