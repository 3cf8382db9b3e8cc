/// The devices at one terminal (front-desk station): its receipt printer queue, how its cash drawer opens, and
/// whether it has a barcode scanner. Stored in ``ClinicPolicy/terminals`` by terminal id.
public struct TerminalDevices: Hashable, Sendable, Codable {
    public enum DrawerConnection: String, Hashable, Sendable, Codable, CaseIterable {
        /// No drawer is driven: the cashier opens it with the key.
        case none
        /// The drawer hangs on the printer's kick port: ESC p through the printer queue.
        case printer
        /// A USB drawer interface, driven through libusb.
        case usb
    }

    /// The CUPS queue of the receipt printer; nil: this terminal does not print.
    public var printerQueue: String?
    public var drawer: DrawerConnection
    public var scanner: Bool

    public init(printerQueue: String? = nil, drawer: DrawerConnection = .none, scanner: Bool = false) {
        self.printerQueue = printerQueue
        self.drawer = drawer
        self.scanner = scanner
    }

    public func validate(terminal: String) throws(POSError) {
        try Identifier.validate(terminal, field: "terminal")
        if let printerQueue {
            // CUPS queue names: printable, no space, slash or hash (lpadmin(8)).
            guard !printerQueue.isEmpty, printerQueue.count <= 127,
                printerQueue.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != "#" && $0 != "\\" })
            else {
                throw .invalid(field: "printer queue", reason: "'\(printerQueue)' is not a CUPS queue name")
            }
        }
        if drawer == .printer, printerQueue == nil {
            throw .invalid(field: "drawer", reason: "a drawer on the printer's kick port needs a printer queue")
        }
    }
}
