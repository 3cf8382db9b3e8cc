import Foundation
import POSCore
import POSDevices
import POSReceipts
import POSStorage

/// The devices at one terminal, as the clinic's settings describe them, and what a committed command does with them:
/// the drawer kicked when ``DrawerOpening`` allows, the receipt queued and printed. Shared by the CLI's commands and
/// the server's routes. Everything here runs after the command is committed and never fails it: a device problem is
/// a warning (`say`), and a receipt stays on the persistent print queue for a retry. The caller skips a replayed
/// command (the store returns its first result), so a replay never kicks or prints again.
public struct TerminalHardware: Sendable {
    /// What the devices did, in words for the desk: a warning is a device problem, a note is the drawer's state.
    public enum Message: Sendable, Equatable {
        case warning(String)
        case note(String)
    }

    public let terminal: String
    public let devices: TerminalDevices
    public let store: Store
    public let policy: ClinicPolicy
    /// The print server the printer and a drawer on its kick port go through (CUPS; a fake in tests).
    public let printer: any ReceiptPrinter
    public let usb: USBContext
    /// Where the warnings and notes go: standard error for the CLI, the log for the server.
    public let say: @Sendable (Message) -> Void

    /// How long a command waits for its receipt to finish printing before it leaves it to the print queue.
    public static let printWaitMilliseconds = 3000

    /// The terminal's hardware, or nil when none is configured (then nothing is printed or kicked).
    public static func at(
        _ terminal: String,
        store: Store,
        printer: any ReceiptPrinter = CUPSClient.shared,
        usb: USBContext = .shared,
        say: @escaping @Sendable (Message) -> Void
    ) async throws -> TerminalHardware? {
        let policy = try await store.policy()
        guard let devices = policy.terminals[terminal] else { return nil }
        return TerminalHardware(
            terminal: terminal,
            devices: devices,
            store: store,
            policy: policy,
            printer: printer,
            usb: usb,
            say: say
        )
    }

    /// A sale, payment or refund was committed: open the drawer if the rule allows, then queue and print the receipt.
    public func committed(
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
            let delivery = await ReceiptPrinting.deliver(
                store: store,
                printer: printer,
                queue: job.queue,
                waitingUpTo: Self.printWaitMilliseconds
            )
            let report = delivery.report
            if report == nil { for problem in delivery.warnings { say(.warning(problem)) } }
            if let reason = report?.blocked[job.queue], report?.waiting.contains(job.id) == true {
                say(.warning("the receipt for invoice \(invoice) waits in the print queue: \(reason)"))
            } else if report?.inServer.contains(job.id) == true {
                say(.warning("the receipt for invoice \(invoice) is still printing (see `vetpos print queue`)"))
            } else if report?.failed.contains(job.id) == true || report == nil {
                say(.warning("the receipt for invoice \(invoice) did not print (see `vetpos print queue`)"))
            }
        } catch {
            say(.warning("the receipt for invoice \(invoice) was not queued: \(error)"))
        }
    }

    /// A checkout was committed: the drawer for its cash, checks or change, and the sale receipt.
    public func sold(_ view: InvoiceView, commandID: String, by clerk: Operator) async {
        await committed(
            .sale(view),
            receipt: { try $0.sale(view) },
            kind: .sale,
            invoice: view.number,
            commandID: commandID,
            by: clerk
        )
    }

    /// The terminal's drawer as its settings connect it; nil when it has none that can be driven.
    public var drawer: (any CashDrawer)? {
        switch devices.drawer {
        case .none: nil
        case .usb: USBCashDrawer(usb: usb)
        case .printer: devices.printerQueue.map { PrinterKickDrawer(printer: printer, queue: $0) }
        }
    }

    /// Kicks the drawer when the rule allows this opening; notes the drawer's state where the device reports it.
    public func kickDrawer(for opening: DrawerOpening) async {
        guard opening.opensDrawer, let drawer else { return }
        do throws(DeviceFailure) {
            try await drawer.kick()
            if let position = try await drawer.state() {
                say(.note("drawer \(terminal) is \(position.rawValue)"))
            }
        } catch {
            say(.warning("the drawer at \(terminal) did not open: \(error.message)"))
        }
    }

    /// A command id for a follow-up of a command (its receipt), within the 64-character limit.
    public static func derivedID(_ purpose: String, _ commandID: String) -> String {
        "\(purpose)-" + SHA256.hexDigest("\(purpose):\(commandID)").prefix(40)
    }
}

extension DrawerOpening {
    /// A checkout: the payments it took.
    public static func sale(_ view: InvoiceView) -> DrawerOpening {
        .payments(view.payments.filter { $0.kind == .payment })
    }

    /// A refund just recorded: the newest refund on the invoice, on its tender; nil when the invoice has none.
    public static func refund(_ view: InvoiceView) -> (opening: DrawerOpening, refund: InvoiceView.Payment)? {
        guard let refund = view.payments.filter({ $0.kind == .refund }).max(by: { $0.number < $1.number }) else {
            return nil
        }
        return (.payment(tenders: [refund.tender], change: .zero), refund)
    }
}
