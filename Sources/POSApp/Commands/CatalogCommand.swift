import ArgumentParser
import Foundation
import POSCore
import POSServices
import POSStorage

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Import and export the catalog as CSV (code,name,kind,price,tax_category,barcode,active).",
        subcommands: [Import.self, Export.self, TaxCategories.self]
    )

    struct Import: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Add or update items from a CSV file: every row, or none if any row is wrong."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The CSV file, or - for standard input.") var file: String
        @Option(help: "A client-generated id for this command (default: derived from the file's contents).")
        var id: String?

        func execute() async throws {
            let (data, source) = try Output.read(file)
            let rows = try BackOffice.parseCatalog(data, source: source)
            let store = try database.openStore()
            let clerk = try await signIn.signIn(store)
            // The same file imported twice is one command: the second import changes nothing.
            let commandID = id ?? BackOffice.catalogCommandID(data)
            let result = try await BackOffice.importCatalog(
                rows,
                source: source,
                store: store,
                commandID: commandID,
                by: clerk
            )
            print(
                result.alreadyImported
                    ? "\(source): already imported (command \(commandID)); nothing changed"
                    : "\(source): \(result.items) items — \(result.added) added, \(result.updated) updated, "
                        + "\(result.unchanged) unchanged"
            )
        }
    }

    struct Export: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Write the catalog as CSV.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .shortAndLong, help: "The output file (default: standard output).") var output: String?

        func execute() async throws {
            let csv = CatalogCSV.format(try await database.openStore().catalog())
            if let output {
                try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                print(csv, terminator: "")
            }
        }
    }

    struct TaxCategories: VetPOSCommandBody {
        static let configuration = CommandConfiguration(commandName: "tax", abstract: "List or set tax categories.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "Set a category as CODE:NAME:PERCENT.") var set: String?
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let store = try database.openStore()
            if let set {
                let category = try SetupCommand.taxCategory(set, field: "--set")
                _ = try await signIn.operations(store).setTaxCategory(category, commandID: id)
            }
            for rate in try await store.taxCategories().map(BackOffice.TaxRate.init) {
                print("\(rate.code)\t\(rate.name)\t\(rate.percent)")
            }
        }
    }
}

struct CouponCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coupons",
        abstract: "Issue and list coupons.",
        subcommands: [Add.self, List.self]
    )

    struct Add: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Issue a coupon.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "The code clients bring.") var code: String
        @Option(help: "What it is for.") var description: String
        @Option(help: "Percent off, e.g. 10.") var percent: String?
        @Option(help: "Amount off, e.g. 15.00.") var amount: String?
        @Option(help: "all, service, product, pharmacy, fee or item:CODE.") var scope = "all"
        @Option(help: "Last valid day, YYYY-MM-DD.") var expires: String
        @Flag(help: "Redeemable once only.") var singleUse = false
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let coupon = try BackOffice.coupon(
                code: code,
                description: description,
                percent: percent,
                amount: amount,
                scope: scope,
                expires: expires,
                singleUse: singleUse,
                fields: ("--percent", "--amount")
            )
            let operations = try await signIn.operations(try database.openStore())
            print(try Output.json(try await operations.addCoupon(coupon, commandID: id)))
        }
    }

    struct List: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "List coupons.")
        @OptionGroup var database: DatabaseOptions

        func execute() async throws {
            print(try Output.json(try await database.openStore().coupons()))
        }
    }
}
