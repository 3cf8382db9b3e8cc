import ArgumentParser
import POSCore
import POSServices
import POSStorage

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Add, update and list clients (owners) and their pets.",
        subcommands: [Save.self, Show.self, List.self]
    )

    struct Save: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Add or update a client, with pets.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "The client's id.") var id: String
        @Option(help: "The client's name.") var name: String
        @Option var phone = ""
        @Option var email = ""
        @Flag(help: "A staff member's own account (employee discount).") var staff = false
        @Flag(help: "A shelter or rescue (shelter discount).") var shelter = false
        @Option(help: "Approve charges to the account up to this limit, e.g. 500.00.") var creditLimit: String?
        @Option(help: "A pet as ID:NAME:SPECIES (repeatable).") var pet: [String] = []
        @Option(help: "A client-generated id for this command (default: a new UUID).") var commandID = Output.newID()

        func execute() async throws {
            let limit = try creditLimit.map {
                guard let value = Money(parsing: $0), !value.isNegative else {
                    throw POSError.invalid(field: "--credit-limit", reason: "'\($0)' is not an amount")
                }
                return value
            }
            let client = Client(
                id: id,
                name: name,
                phone: phone,
                email: email,
                isStaff: staff,
                isShelter: shelter,
                creditApproved: limit != nil,
                creditLimit: limit ?? .zero
            )
            let patients = try pet.enumerated().map { index, text in
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else {
                    throw POSError.invalid(field: "--pet #\(index + 1)", reason: "'\(text)' is not ID:NAME:SPECIES")
                }
                return Patient(id: parts[0], clientId: id, name: parts[1], species: parts[2])
            }
            let operations = try await signIn.operations(try database.openStore())
            let record = try await operations.saveClient(client, patients: patients, commandID: commandID)
            print(try Output.json(record))
        }
    }

    struct Show: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Print a client, their pets and account balance.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: String

        func execute() async throws {
            print(try Output.json(try await database.openStore().client(id)))
        }
    }

    struct List: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "List clients.")
        @OptionGroup var database: DatabaseOptions

        func execute() async throws {
            for record in try await database.openStore().clients() {
                let pets = record.patients.map { "\($0.name) (\($0.species))" }.joined(separator: ", ")
                print("\(record.client.id)\t\(record.client.name)\t\(pets)\tbalance \(record.accountBalance)")
            }
        }
    }
}

struct EmployeeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "employees",
        abstract: "Add, change and list staff (a manager's job). New PINs come from $VETPOS_NEW_PIN or a prompt.",
        subcommands: [Add.self, Update.self, List.self]
    )

    struct Add: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Add an employee with a PIN.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option var id: String
        @Option var name: String
        @Option(help: "csr, technician, veterinarian, manager or bookkeeper.") var role: Role
        @Option(help: "A client-generated id for this command (default: a new UUID).") var commandID = Output.newID()

        func execute() async throws {
            let operations = try await signIn.operations(try database.openStore())
            let pin = try Secret.read(environment: "VETPOS_NEW_PIN", prompt: "New PIN for \(id): ")
            let employee = try await operations.addEmployee(
                Employee(id: id, name: name, role: role),
                pin: pin,
                commandID: commandID
            )
            print("Added \(employee.id) \(employee.name) (\(employee.role.rawValue)).")
        }
    }

    struct Update: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Change an employee's name, role, status or PIN.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option var id: String
        @Option var name: String?
        @Option var role: Role?
        @Flag(inversion: .prefixedEnableDisable, help: "Whether the employee may sign in.") var active: Bool?
        @Flag(help: "Set a new PIN (from $VETPOS_NEW_PIN or a prompt).") var newPIN = false
        @Option(help: "A client-generated id for this command (default: a new UUID).") var commandID = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            let clerk = try await signIn.signIn(store)
            let pin = newPIN ? try Secret.read(environment: "VETPOS_NEW_PIN", prompt: "New PIN for \(id): ") : nil
            let updated = try await BackOffice.updateEmployee(
                id,
                name: name,
                role: role,
                active: active,
                newPIN: pin,
                store: store,
                commandID: commandID,
                by: clerk
            )
            print(
                "Updated \(updated.id) \(updated.name) (\(updated.role.rawValue), \(updated.active ? "active" : "inactive"))."
            )
        }
    }

    struct List: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "List employees (never their PINs).")
        @OptionGroup var database: DatabaseOptions

        func execute() async throws {
            for employee in try await database.openStore().employees() {
                print(
                    "\(employee.id)\t\(employee.name)\t\(employee.role.rawValue)\t\(employee.active ? "active" : "inactive")"
                )
            }
        }
    }
}

extension Role: ExpressibleByArgument {}
