import ArgumentParser

/// `vetpos`: the front desk's point of sale and cash reconciliation, from the command line.
public struct VetPOSCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vetpos",
        abstract: "Point of sale and cash reconciliation for a veterinary hospital's front desk.",
        subcommands: [
            DemoCommand.self, SetupCommand.self, CheckoutCommand.self, InvoiceCommand.self, RefundCommand.self,
            CatalogCommand.self, CouponCommand.self, ClientCommand.self, EmployeeCommand.self, ReportCommand.self,
            JournalCommand.self, BackupCommand.self, RestoreCommand.self, StatusCommand.self, DrawerCommand.self,
            SettingsCommand.self, ExportCommand.self,
            DepositCommand.self, BatchCommand.self, ImportCommand.self, ReconcileCommand.self, ServeCommand.self,
            TLSCommand.self,
            DevicesCommand.self, PrintTestCommand.self, ReprintCommand.self, PrintCommand.self, ScanCommand.self,
            AuditCommand.self,
        ]
    )

    public init() {}
}
