/// Finds payment card numbers (PANs) in free text, so that none is ever stored: a clerk who types a card number into
/// a void reason, a note or a client's address is refused, since nothing in the database can be removed afterwards.
///
/// A card number is 13 to 19 digits, possibly grouped by single spaces or dashes (`4111 1111 1111 1111`,
/// `4111-1111-1111-1111`), starting with a card network's first digit (2 to 6: Mastercard, Amex, Diners, JCB, Visa,
/// Discover, UnionPay, Maestro), that passes the Luhn check. Phone numbers (10–11 digits), check numbers, amounts and
/// dates are shorter runs or are split by other characters; a pet's 15-digit ISO microchip starts with 8 or 9 (a
/// country or manufacturer code); so all of these pass. A 13+ digit reference that happens to look like a card is
/// refused too, which is the safe side for a desk.
public enum CardNumberDetector {
    public static let lengths = 13...19
    /// The first digits of card networks' numbers (ISO/IEC 7812 major industry identifiers 2 to 6).
    public static let networkDigits: ClosedRange<UInt8> = 2...6

    /// Whether `text` holds something that looks like a card number.
    public static func containsCardNumber(_ text: String) -> Bool {
        // A run is digit groups joined by single spaces or dashes; any other character ends it.
        var groups: [[UInt8]] = []
        var group: [UInt8] = []
        func endGroup() {
            if !group.isEmpty { groups.append(group) }
            group.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                group.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                if group.isEmpty {
                    // Two separators in a row end the run.
                    if hasCardNumber(groups) { return true }
                    groups.removeAll(keepingCapacity: true)
                } else {
                    endGroup()
                }
            default:
                endGroup()
                if hasCardNumber(groups) { return true }
                groups.removeAll(keepingCapacity: true)
            }
        }
        endGroup()
        return hasCardNumber(groups)
    }

    /// Whether consecutive groups of a run, taken whole, make a 13–19 digit number passing Luhn: the card number
    /// itself, also when a date or another number is written next to it (`4111 1111 1111 1111 12 27`).
    static func hasCardNumber(_ groups: [[UInt8]]) -> Bool {
        for first in groups.indices {
            var digits: [UInt8] = []
            for group in groups[first...] {
                digits += group
                if digits.count > lengths.upperBound { break }
                if lengths.contains(digits.count), networkDigits.contains(digits[0]), passesLuhn(digits[...]) {
                    return true
                }
            }
        }
        return false
    }

    /// The Luhn (mod 10) check every card number carries.
    public static func passesLuhn(_ digits: ArraySlice<UInt8>) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            let value = Int(digit)
            if offset % 2 == 1 {
                let doubled = value * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += value
            }
        }
        return sum % 10 == 0
    }

    /// `text` with every card number masked but its last 4 digits (`************1111`), for text VetPOS keeps but
    /// did not type: a bank's or processor's description of a line. Everything else is left as it was.
    public static func masked(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var runStart: Int?
        var groups: [[UInt8]] = []
        var group: [UInt8] = []
        func finishRun(at end: Int) {
            if !group.isEmpty { groups.append(group) }
            group.removeAll()
            if let start = runStart, hasCardNumber(groups) {
                var kept = 0
                for index in stride(from: end - 1, through: start, by: -1) where bytes[index].isASCIIDigit {
                    kept += 1
                    if kept > 4 { bytes[index] = UInt8(ascii: "*") }
                }
            }
            groups.removeAll()
            runStart = nil
        }
        for (index, byte) in Array(text.utf8).enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if runStart == nil { runStart = index }
                group.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                if group.isEmpty {
                    finishRun(at: index)
                } else {
                    groups.append(group)
                    group.removeAll()
                }
            default:
                finishRun(at: index)
            }
        }
        finishRun(at: bytes.count)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Refuses `text` when it holds a card number, naming the field.
    public static func refuse(_ text: String, field: String) throws(POSError) {
        guard containsCardNumber(text) else { return }
        throw .invalid(
            field: field,
            reason: "looks like a card number; card numbers are never stored (a card payment keeps only its last 4 "
                + "digits and auth code)"
        )
    }
}

extension UInt8 {
    fileprivate var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}
