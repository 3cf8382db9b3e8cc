import ArgumentParser
import Foundation
import POSCore
import POSDevices
import POSServices
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
            let invoice = try await store.openInvoice(atTerminal: clerk.terminal)
            let operations = Operations(store: store, clerk: clerk, devices: .cli(store))
            switch try await operations.scan(
                code,
                invoice: invoice?.number,
                patient: patient,
                commandID: Output.newID()
            )
            {
            case .unknown:
                say("unknown barcode \(code): not in the catalog, nothing added")
            case .found(let item):
                say("barcode \(code) is \(item.code): no invoice is open at terminal \(clerk.terminal), nothing added")
            case .added(let item, let view, _):
                say("added \(item.code) \(item.name) to invoice \(view.number) (subtotal \(view.subtotal.formatted))")
            }
        } catch let error as POSError where error.code == "scan.patientRequired" {
            say("barcode \(code): say which patient with --patient, nothing added")
        } catch {
            say("barcode \(code) not added: \(error)")
        }
    }

    /// One line at once: whoever reads the output sees each scan as it happens.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
