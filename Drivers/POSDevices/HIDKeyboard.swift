/// Decodes 8-byte HID boot-keyboard reports, `[modifiers, 0, key, 0, 0, 0, 0, 0]`, as a US-layout scanner types
/// them: one key-down report per character, then an all-zero key-up report; Enter ends a barcode.
public struct HIDKeyboardDecoder: Sendable {
    private var text = ""

    public init() {}

    /// Feeds one report; returns the barcode when the report is Enter.
    public mutating func feed(_ report: [UInt8]) -> String? {
        guard report.count >= 3 else { return nil }
        let key = report[2]
        if key == 0x28 {
            defer { text = "" }
            return text
        }
        if let character = Self.character(key: key, shifted: report[0] & 0x22 != 0) { text.append(character) }
        return nil
    }

    private static let plain = Array("1234567890\n\u{0}\u{0}\t -=[]\\\u{0};'`,./")
    private static let shifted = Array("!@#$%^&*()\n\u{0}\u{0}\t _+{}|\u{0}:\"~<>?")

    /// Usage → character; 0x02 and 0x20 are the left and right Shift modifiers.
    static func character(key: UInt8, shifted isShifted: Bool) -> Character? {
        switch key {
        case 0x04...0x1D:
            let base = isShifted ? UInt8(ascii: "A") : UInt8(ascii: "a")
            return Character(Unicode.Scalar(base + key - 0x04))
        case 0x1E...0x38:
            let character = (isShifted ? shifted : plain)[Int(key - 0x1E)]
            return character == "\u{0}" || character == "\n" ? nil : character
        default:
            return nil
        }
    }
}
