import Foundation
import POSCore
import POSDevices
import POSReceipts
import POSServices
import POSStorage

/// The devices at the terminal a command runs at, as the clinic's settings describe them. Everything here runs
/// after the sale is committed and never fails it: a device problem is a warning on stderr, and the receipt stays on
/// the persistent print queue for `vetpos print retry`.
struct TerminalHardware {
    let terminal: String
    let devices: TerminalDevices
    let store: Store
    let policy: ClinicPolicy

    /// How long a command waits for its receipt to finish printing before it leaves it to the print queue.
    static let printWaitMilliseconds = 3000

    /// The terminal's hardware, or nil when none is configured (then nothing is printed or kicked).
    static func at(_ terminal: String, store: Store) async throws -> TerminalHardware? {
        let policy = try await store.policy()
        guard let devices = policy.terminals[terminal] else { return nil }
        return TerminalHardware(terminal: terminal, devices: devices, store: store, policy: policy)
    }

    /// A sale, payment or refund was committed: open the drawer if the rule allows, then queue and print the receipt.
    func committed(
        _ opening: DrawerOpening,
        receipt: (ReceiptRenderer) throws -> Receipt,
        kind: PrintJob.Kind,
        invoice: Int64,
        commandID: String,
        by clerk: Operator
    ) async {
        await kickDrawer(for: opening)
        guard let queue = devices.printerQueue else { return }
        do {
            let bytes = try receipt(try ReceiptRenderer(policy: policy)).escpos
            let job = try await store.enqueuePrint(
                PrintRequest(
                    terminal: terminal,
                    queue: queue,
                    kind: kind,
                    document: "invoice \(invoice)",
                    invoice: invoice,
                    bytes: bytes
                ),
                commandID: Self.derivedID("receipt", commandID),
                by: clerk
            )
            let report = await Self.deliver(
                store: store,
                queue: job.queue,
                waitingUpTo: Self.printWaitMilliseconds,
                quiet: true
            )
            if let reason = report?.blocked[job.queue], report?.waiting.contains(job.id) == true {
                Self.warn("the receipt for invoice \(invoice) waits in the print queue: \(reason)")
            } else if report?.inServer.contains(job.id) == true {
                Self.warn("the receipt for invoice \(invoice) is still printing (see `vetpos print queue`)")
            } else if report?.failed.contains(job.id) == true || report == nil {
                Self.warn("the receipt for invoice \(invoice) did not print (see `vetpos print queue`)")
            }
        } catch {
            Self.warn("the receipt for invoice \(invoice) was not queued: \(error)")
        }
    }

    /// Kicks the drawer when the rule allows this opening; reports the drawer's state where the device reports it.
    func kickDrawer(for opening: DrawerOpening) async {
        guard opening.opensDrawer else { return }
        let drawer: any CashDrawer
        switch devices.drawer {
        case .none: return
        case .usb: drawer = USBCashDrawer(usb: USBContext.shared)
        case .printer:
            guard let queue = devices.printerQueue else { return }
            drawer = PrinterKickDrawer(cups: CUPSClient.shared, queue: queue)
        }
        do throws(DeviceFailure) {
            try await drawer.kick()
            if let position = try await drawer.state() {
                Self.note("drawer \(terminal) is \(position.rawValue)")
            }
        } catch {
            Self.warn("the drawer at \(terminal) did not open: \(error.message)")
        }
    }

    /// Delivers the print queue; what waits or failed becomes warnings. Returns the pass's report.
    @discardableResult
    static func deliver(
        store: Store,
        queue: String?,
        waitingUpTo milliseconds: Int,
        quiet: Bool = false
    ) async -> PrintSpooler.Report? {
        let delivery = await ReceiptPrinting.deliver(
            store: store,
            printer: CUPSClient.shared,
            queue: queue,
            waitingUpTo: milliseconds
        )
        if !quiet || delivery.report == nil { for problem in delivery.warnings { warn(problem) } }
        return delivery.report
    }

    /// A command id for a follow-up of a command (its receipt), within the 64-character limit.
    static func derivedID(_ purpose: String, _ commandID: String) -> String {
        "\(purpose)-" + SHA256.hexDigest("\(purpose):\(commandID)").prefix(40)
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("vetpos: warning: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("vetpos: \(message)\n".utf8))
    }
}

extension TerminalHardware {
    /// A checkout was committed: the drawer for its cash, checks or change, and the sale receipt.
    func sold(_ view: InvoiceView, commandID: String, by clerk: Operator) async {
        await committed(
            .payments(view.payments.filter { $0.kind == .payment }),
            receipt: { try $0.sale(view) },
            kind: .sale,
            invoice: view.number,
            commandID: commandID,
            by: clerk
        )
    }
}
