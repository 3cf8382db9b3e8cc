import ArgumentParser
import Foundation
import POSCore
import POSDevices
import POSStorage

struct ScanCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Read the USB barcode scanner: each scanned UPC/EAN adds its item to this terminal's open invoice.",
        discussion: """
            Runs until stopped, or until --count barcodes were read or --seconds passed. Unknown codes are reported and \
            never guessed. Unplugging the scanner is reported, and reading resumes when it is plugged back in.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Option(help: "The patient the scanned items are for (default: the invoice's last line's patient).")
    var patient: String?
    @Option(help: "Stop after this many barcodes.") var count: Int?
    @Option(help: "Stop after this many seconds.") var seconds: Int?

    func execute() async throws {
        let store = try database.openStore()
        let clerk = try await signIn.signIn(store)
        try clerk.require(.addVisitLines)
        if let devices = try await store.policy().terminals[clerk.terminal], !devices.scanner {
            throw POSError.conflict("terminal \(clerk.terminal) has its scanner turned off in the settings")
        }
        let scanner = USBBarcodeScanner(usb: USBContext.shared)
        let clock = ContinuousClock()
        let deadline = seconds.map { clock.now.advanced(by: .seconds($0)) }
        var read = 0
        say("Scanning at terminal \(clerk.terminal).")
        while count.map({ read < $0 }) ?? true {
            if let deadline, clock.now >= deadline { break }
            let event: ScannerEvent?
            do throws(DeviceFailure) {
                event = try await scanner.next(timeoutMilliseconds: 500)
            } catch {
                throw POSError.conflict("the scanner failed: \(error.message)")
            }
            switch event {
            case nil: continue
            case .disconnected: say("scanner disconnected")
            case .reconnected: say("scanner reconnected")
            case .scanned(let code):
                read += 1
                await add(code, store: store, clerk: clerk)
            }
        }
    }

    /// One scanned code: looked up exactly, added to the open invoice, or reported. Never ends the session.
    private func add(_ code: String, store: Store, clerk: Operator) async {
        do {
            guard let item = try await store.item(barcode: code) else {
                say("unknown barcode \(code): not in the catalog, nothing added")
                return
            }
            guard let invoice = try await store.openInvoice(atTerminal: clerk.terminal) else {
                say("barcode \(code) is \(item.code): no invoice is open at terminal \(clerk.terminal), nothing added")
                return
            }
            guard let pet = patient ?? invoice.lines.last?.patient ?? invoice.pets.first?.patient else {
                say("barcode \(code) is \(item.code): say which patient with --patient, nothing added")
                return
            }
            let view = try await store.addLines(
                [LineRequest(patient: pet, item: item.code, provider: clerk.employee.id)],
                invoice: invoice.number,
                commandID: Output.newID(),
                by: clerk
            )
            say("added \(item.code) \(item.name) to invoice \(view.number) (subtotal \(view.subtotal.formatted))")
        } catch {
            say("barcode \(code) not added: \(error)")
        }
    }

    /// One line at once: whoever reads the output sees each scan as it happens.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
