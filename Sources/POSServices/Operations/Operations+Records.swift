import Foundation
import POSCore
import POSStorage

/// The clinic's records: clients and their pets, staff, tax categories and coupons. (Catalog files, employee changes,
/// the drawer rules and devices of the settings and backups are in ``BackOffice``.)
extension Operations {
    /// Adds or updates a client, with their pets.
    public func saveClient(_ client: Client, patients: [Patient], commandID: String) async throws -> Store.ClientRecord
    {
        try await store.saveClient(client, patients: patients, commandID: commandID, by: clerk)
    }

    /// Adds an employee with their PIN (stored salted and slow-hashed, never itself).
    public func addEmployee(_ employee: Employee, pin: String, commandID: String) async throws -> Employee {
        try await store.addEmployee(employee, pin: pin, commandID: commandID, by: clerk)
    }

    /// Adds a tax category or changes its rate.
    public func setTaxCategory(_ category: TaxCategory, commandID: String) async throws -> TaxCategory {
        try await store.setTaxCategory(category, commandID: commandID, by: clerk)
    }

    /// Issues a coupon.
    public func addCoupon(_ coupon: Coupon, commandID: String) async throws -> Coupon {
        try await store.addCoupon(coupon, commandID: commandID, by: clerk)
    }
}
