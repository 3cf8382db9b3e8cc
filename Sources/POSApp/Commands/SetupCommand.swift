import ArgumentParser
import POSCore
import POSServices
import POSStorage

struct SetupCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Set up a new clinic: its name, time zone, tax categories and first manager (PIN from $VETPOS_PIN)."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The clinic's name, as printed on reports.") var clinic: String
    @Option(help: "IANA time zone; business days end at local midnight.") var timeZone = "America/Chicago"
    @Option(help: "The first manager's employee id.") var managerID: String
    @Option(help: "The first manager's name.") var managerName: String
    @Option(help: "A tax category as CODE:NAME:PERCENT, e.g. RETAIL:Retail sales tax:8.25 (repeatable).")
    var tax: [String] = []
    @Option(help: "This terminal's id.") var terminal = "FRONT-1"

    func execute() async throws {
        let categories = try tax.enumerated().map { index, text in
            try Self.taxCategory(text, field: "--tax #\(index + 1)")
        }
        let pin = try Secret.read(environment: "VETPOS_PIN", prompt: "New PIN for \(managerID): ")
        let store = try database.openStore(creating: true)
        let manager = try await store.setup(
            policy: ClinicPolicy(clinicName: clinic, timeZone: timeZone),
            taxCategories: categories,
            manager: Employee(id: managerID, name: managerName, role: .manager),
            pin: pin,
            terminal: terminal
        )
        print("Set up \(clinic) in \(store.path); manager \(manager.id) can now sign in.")
    }

    static func taxCategory(_ text: String, field: String) throws -> TaxCategory {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, Percent(parsing: parts[2]) != nil else {
            throw POSError.invalid(field: field, reason: "'\(text)' is not CODE:NAME:PERCENT")
        }
        return try BackOffice.taxCategory(code: parts[0], name: parts[1], percent: parts[2], field: field)
    }
}
