import POSReceipts
import Testing

/// Reads ESC/POS bytes back the way a printer would, for the commands the receipts use, and refuses any other.
struct ESCPOSDecoder {
    enum Alignment: UInt8 {
        case left = 0
        case center = 1
        case right = 2
    }

    struct Line: Equatable {
        var text: String
        var alignment: Alignment
        var bold: Bool
        /// `GS !` value: 0x00 normal, 0x01 double height, 0x11 double width and height.
        var size: UInt8
        var barcode: Bool

        var widthFactor: Int { size & 0xF0 == 0x10 ? 2 : 1 }
    }

    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    var lines: [Line] = []
    var initialized = false
    var cuts = 0
    var barcodes: [(data: String, height: UInt8, moduleWidth: UInt8, textBelow: Bool)] = []

    init(_ bytes: [UInt8]) throws {
        var alignment = Alignment.left
        var bold = false
        var size: UInt8 = 0
        var height: UInt8 = 162
        var moduleWidth: UInt8 = 3
        var textBelow = false
        var text: [UInt8] = []
        var index = 0
        func take() throws -> UInt8 {
            guard index < bytes.count else { throw DecodeError(description: "truncated command at the end") }
            defer { index += 1 }
            return bytes[index]
        }
        while index < bytes.count {
            let byte = try take()
            switch byte {
            case 0x0A:
                lines.append(
                    Line(
                        text: String(decoding: text, as: UTF8.self),
                        alignment: alignment,
                        bold: bold,
                        size: size,
                        barcode: false
                    )
                )
                text = []
            case 0x1B:
                switch try take() {
                case 0x40:
                    guard index == 2 else { throw DecodeError(description: "ESC @ in the middle of the receipt") }
                    initialized = true
                case 0x45: bold = try take() == 1
                case 0x61:
                    guard let value = Alignment(rawValue: try take()) else {
                        throw DecodeError(description: "bad ESC a")
                    }
                    alignment = value
                case let other: throw DecodeError(description: "unexpected ESC \(other)")
                }
            case 0x1D:
                switch try take() {
                case 0x21: size = try take()
                case 0x68: height = try take()
                case 0x77: moduleWidth = try take()
                case 0x48: textBelow = try take() == 2
                case 0x6B:
                    guard try take() == 73 else { throw DecodeError(description: "barcode is not CODE128") }
                    let count = Int(try take())
                    var payload: [UInt8] = []
                    for _ in 0..<count { payload.append(try take()) }
                    guard payload.starts(with: [0x7B, 0x42]) else {
                        throw DecodeError(description: "CODE128 data does not select code set B")
                    }
                    let data = String(decoding: payload.dropFirst(2), as: UTF8.self)
                    barcodes.append((data, height, moduleWidth, textBelow))
                    lines.append(Line(text: data, alignment: alignment, bold: bold, size: size, barcode: true))
                case 0x56:
                    guard try take() == 0x42 else { throw DecodeError(description: "not a feed-and-cut GS V") }
                    _ = try take()
                    cuts += 1
                case let other: throw DecodeError(description: "unexpected GS \(other)")
                }
            case 0x20..<0x7F:
                text.append(byte)
            default:
                throw DecodeError(description: "byte \(byte) is neither a command nor printable ASCII")
            }
        }
        guard text.isEmpty else { throw DecodeError(description: "text after the last line feed") }
    }

    /// The line as it lands on paper, `columns` wide: aligned, double-width characters letter-spaced like the plain
    /// text rendering.
    static func paper(_ line: Line, columns: Int) -> String {
        let width = line.text.count * (line.barcode ? 1 : line.widthFactor)
        let leading =
            switch line.alignment {
            case .left: 0
            case .center: max(0, (columns - width) / 2)
            case .right: max(0, columns - width)
            }
        let shown =
            line.widthFactor == 2 && !line.barcode ? line.text.map(String.init).joined(separator: " ") : line.text
        return String(repeating: " ", count: leading) + shown
    }
}
