/// What the clinic prints on every receipt besides its name: address, phone, footer, and the paper's width.
public struct ReceiptSettings: Hashable, Sendable, Codable {
    /// The widths receipt printers offer: 58 mm paper (32 columns), 80 mm in font B or narrow margins (42), 80 mm (48).
    public static let supportedColumns = [32, 42, 48]

    public var addressLines: [String]
    public var phone: String
    /// Lines printed at the bottom of every receipt (returns policy, thanks, the clinic's website).
    public var footer: [String]
    /// Characters per line in the printer's normal font: 32, 42 or 48.
    public var columns: Int

    public init(addressLines: [String] = [], phone: String = "", footer: [String] = [], columns: Int = 48) {
        self.addressLines = addressLines
        self.phone = phone
        self.footer = footer
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey { case addressLines, phone, footer, columns }

    // Every field may be missing, so a clinic that only set its phone number still decodes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addressLines = try container.decodeIfPresent([String].self, forKey: .addressLines) ?? []
        phone = try container.decodeIfPresent(String.self, forKey: .phone) ?? ""
        footer = try container.decodeIfPresent([String].self, forKey: .footer) ?? []
        columns = try container.decodeIfPresent(Int.self, forKey: .columns) ?? 48
    }

    public func validate() throws(POSError) {
        guard Self.supportedColumns.contains(columns) else {
            throw .invalid(field: "receipt.columns", reason: "must be 32, 42 or 48")
        }
        for (index, line) in addressLines.enumerated() {
            try Identifier.validateText(line, field: "receipt.addressLines[\(index)]")
        }
        if !phone.isEmpty { try Identifier.validateText(phone, field: "receipt.phone") }
        for (index, line) in footer.enumerated() {
            if !line.isEmpty { try Identifier.validateText(line, field: "receipt.footer[\(index)]") }
        }
    }
}
