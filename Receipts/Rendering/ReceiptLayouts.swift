import Foundation

/// The receipts VetPOS prints, one layout file each in `Receipts/Layouts/`.
public enum ReceiptKind: String, CaseIterable, Hashable, Sendable {
    case sale
    case refund
    case accountPayment = "account-payment"
    case xReport = "x-report"
    case zReport = "z-report"
    case depositSlip = "deposit-slip"
    case estimate

    public var fileName: String { "\(rawValue).layout" }
}

/// A layout for every receipt kind.
public struct ReceiptLayouts: Hashable, Sendable {
    public var layouts: [ReceiptKind: ReceiptLayout]

    /// Every kind must have a layout: a missing one is a packaging mistake caught when the renderer is made.
    public init(_ layouts: [ReceiptKind: ReceiptLayout]) throws(ReceiptLayoutError) {
        for kind in ReceiptKind.allCases where layouts[kind] == nil {
            throw ReceiptLayoutError(LayoutLocation(file: kind.fileName, line: 0), "no layout for \(kind.rawValue)")
        }
        self.layouts = layouts
    }

    public subscript(kind: ReceiptKind) -> ReceiptLayout { layouts[kind]! }

    /// The layouts shipped in this module's `Layouts` resource folder.
    public static func bundled() throws(ReceiptLayoutError) -> ReceiptLayouts {
        guard let folder = Bundle.module.url(forResource: "Layouts", withExtension: nil) else {
            throw ReceiptLayoutError(LayoutLocation(file: "Layouts", line: 0), "the layout folder is not installed")
        }
        return try read(folder: folder)
    }

    /// Reads `<kind>.layout` for every kind and the partials in `partials/` that they `include`.
    public static func read(folder: URL) throws(ReceiptLayoutError) -> ReceiptLayouts {
        let partialFolder = folder.appendingPathComponent("partials")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: partialFolder.path)) ?? []
        var partials: [String: ReceiptLayout] = [:]
        for fileName in names.sorted() where fileName.hasSuffix(".layout") {
            let source = try text(of: partialFolder.appendingPathComponent(fileName), name: "partials/\(fileName)")
            partials[String(fileName.dropLast(".layout".count))] = try ReceiptLayout(
                name: "partials/\(fileName)",
                source: source
            )
        }
        var layouts: [ReceiptKind: ReceiptLayout] = [:]
        for kind in ReceiptKind.allCases {
            let source = try text(of: folder.appendingPathComponent(kind.fileName), name: kind.fileName)
            layouts[kind] = try ReceiptLayout(name: kind.fileName, source: source, partials: partials)
        }
        return try ReceiptLayouts(layouts)
    }

    private static func text(of url: URL, name: String) throws(ReceiptLayoutError) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ReceiptLayoutError(LayoutLocation(file: name, line: 0), "cannot read \(url.path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
