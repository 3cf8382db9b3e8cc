import ArgumentParser
import Foundation
import POSCore
import POSServices
import POSStorage

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "The clinic's settings: show them, or change the drawer rules (a manager's job).",
        subcommands: [Show.self, Drawer.self, Devices.self]
    )

    struct Show: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Print the clinic's settings as JSON.")
        @OptionGroup var database: DatabaseOptions

        func execute() async throws {
            print(try Output.json(try await database.openStore().policy()))
        }
    }

    struct Drawer: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Replace the drawer rules from a JSON file: denominations, float target and minimum, tolerance, "
                + "paid-in/out reasons, verification and blind counting (the `drawer` object of `settings show`)."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The drawer rules as JSON, or - for standard input.") var file: String
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let (data, source) = try Output.read(file)
            let drawer = try RequestDecoder.decode(DrawerPolicy.self, from: data, source: source)
            let store = try database.openStore()
            let clerk = try await signIn.signIn(store)
            _ = try await BackOffice.setDrawerRules(drawer, store: store, commandID: id, by: clerk)
            print(
                "Drawer rules updated: float \(drawer.floatTarget.formatted), tolerance \(drawer.tolerance.formatted)."
            )
        }
    }

    struct Devices: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Set a terminal's devices: its receipt printer's CUPS queue, how its drawer opens, its scanner."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(name: .customLong("for"), help: "The terminal to set (default: this terminal).") var target: String?
        @Option(help: "The receipt printer's CUPS queue, or 'none'.") var printer: String
        @Option(help: "How the drawer opens: printer (kick port), usb or none.") var drawer: String = "none"
        @Flag(inversion: .prefixedNo, help: "Whether the terminal has a USB barcode scanner.") var scanner = false
        @Flag(help: "Remove the terminal's devices instead.") var remove = false
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let connection = try BackOffice.drawerConnection(drawer, field: "--drawer")
            let store = try database.openStore()
            let clerk = try await signIn.signIn(store)
            let terminal = target ?? clerk.terminal
            let devices = TerminalDevices(
                printerQueue: printer == "none" ? nil : printer,
                drawer: connection,
                scanner: scanner
            )
            _ = try await BackOffice.setTerminalDevices(
                remove ? nil : devices,
                terminal: terminal,
                store: store,
                commandID: id,
                by: clerk
            )
            print(
                remove
                    ? "Terminal \(terminal) has no devices."
                    : "Terminal \(terminal): printer \(devices.printerQueue ?? "none"), drawer \(connection.rawValue), "
                        + "scanner \(scanner ? "on" : "off")."
            )
        }
    }
}
