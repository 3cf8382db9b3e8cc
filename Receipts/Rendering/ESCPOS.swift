import Foundation

/// ESC/POS commands as bytes (Epson's command set, which most receipt printers follow).
public enum ESCPOS {
    static let esc: UInt8 = 0x1B
    static let gs: UInt8 = 0x1D
    static let lineFeed: UInt8 = 0x0A

    /// `ESC @`: clears styles and buffers left by an earlier job.
    public static let initialize: [UInt8] = [esc, 0x40]
    /// `ESC p 0 25 250`: a 50 ms pulse on drawer pin 2, off for 500 ms. Sent by the caller when cash changes hands,
    /// never by a layout, so a reprint does not open the drawer.
    public static let drawerKick: [UInt8] = [esc, 0x70, 0x00, 0x19, 0xFA]
    /// `GS V 66 3`: feeds 3 lines so the last printed line clears the cutter, then cuts partially.
    public static let feedAndCut: [UInt8] = [gs, 0x56, 0x42, 0x03]

    /// `ESC E n`.
    static func bold(_ on: Bool) -> [UInt8] { [esc, 0x45, on ? 1 : 0] }

    /// `GS ! n`: width multiplier in the high nibble, height in the low one.
    static func size(_ size: LineStyle.Size) -> [UInt8] {
        let value: UInt8 =
            switch size {
            case .normal: 0x00
            case .tall: 0x01
            case .double: 0x11
            }
        return [gs, 0x21, value]
    }

    /// `ESC a n`.
    static func align(_ alignment: LineStyle.Alignment) -> [UInt8] {
        let value: UInt8 =
            switch alignment {
            case .left: 0
            case .center: 1
            case .right: 2
            }
        return [esc, 0x61, value]
    }

    /// A CODE128 barcode in code set B: `GS h` height, `GS w` module width, `GS H 2` text below, then `GS k 73`.
    static func code128(_ data: String, moduleWidth: UInt8) -> [UInt8] {
        let payload: [UInt8] = [0x7B, 0x42] + Array(data.utf8)  // "{B" selects code set B
        return [gs, 0x68, 80] + [gs, 0x77, moduleWidth] + [gs, 0x48, 2]
            + [gs, 0x6B, 73, UInt8(payload.count)] + payload
    }

    /// The dots a CODE128-B barcode of `count` characters takes at one dot per module: start, data, check digit
    /// (11 modules each), stop (13), and the 10-module quiet zones.
    static func code128Dots(characters count: Int) -> Int { 11 * (count + 2) + 13 + 20 }

    /// Text as the printer's ASCII repertoire has it, one byte per character so columns stay where the layout put
    /// them: accents dropped (é → e), typographic punctuation made plain (— → -), anything else `?`.
    public static func printable(_ text: String) -> [UInt8] {
        text.map { character -> UInt8 in
            if let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F { return ascii }
            if let plain = punctuation[character] { return plain }
            // Canonical decomposition puts the base letter first: "é" is "e" + U+0301.
            if let base = String(character).decomposedStringWithCanonicalMapping.unicodeScalars.first,
                base.isASCII, base.properties.isAlphabetic
            {
                return UInt8(base.value)
            }
            return 0x3F
        }
    }

    private static let punctuation: [Character: UInt8] = [
        "\u{2014}": 0x2D, "\u{2013}": 0x2D, "\u{2010}": 0x2D, "\u{2011}": 0x2D, "\u{2212}": 0x2D,
        "\u{2018}": 0x27, "\u{2019}": 0x27, "\u{201A}": 0x27, "\u{2032}": 0x27,
        "\u{201C}": 0x22, "\u{201D}": 0x22, "\u{201E}": 0x22, "\u{2033}": 0x22,
        "\u{2026}": 0x2E, "\u{2022}": 0x2A, "\u{00B7}": 0x2A, "\u{00D7}": 0x78, "\u{00F7}": 0x2F,
        "\u{00A0}": 0x20, "\u{2009}": 0x20, "\u{202F}": 0x20, "\u{00B0}": 0x6F, "\u{2192}": 0x3E,
        "\u{20AC}": 0x45, "\u{00A3}": 0x4C, "\u{00DF}": 0x73, "\u{00E6}": 0x61, "\u{00C6}": 0x41,
        "\u{00F8}": 0x6F, "\u{00D8}": 0x4F, "\u{0131}": 0x69, "\u{0142}": 0x6C, "\u{0141}": 0x4C,
    ]
}
