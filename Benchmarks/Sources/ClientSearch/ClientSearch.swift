import CheckoutFixture
import Foundation
import POSCore
import POSStorage
import POSTestSupport

/// The desk's client search at clinic scale: seeds N generated clients (default 20,000, each with one or two pets)
/// through the Store, then times `Store.searchClients` for what a CSR types (part of a surname, a phone number in
/// another format, a pet's name, a client id) and prints one key=value line per query: the median and the slowest of
/// 30 runs in milliseconds, and how many clients were found.
///
///     swift run -c release ClientSearch [clients]
@main struct ClientSearch {
    static func main() async throws {
        let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
        let fixture = try await CheckoutFixture.make(label: "client-search")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let office = try await fixture.store.signIn(
            employee: "MGR",
            pin: TestClinic.pin("MGR"),
            terminal: "OFFICE"
        )
        let surnames = [
            "Lopez", "Smith", "Nguyen", "Okafor", "Kowalski", "Haddad", "Jensen", "Rossi", "Tanaka", "Brown",
        ]
        let pets = ["Biscuit", "Luna", "Max", "Pepper", "Mochi", "Rex", "Olive", "Ziggy", "Nala", "Juniper"]
        let seeding = ContinuousClock.now
        for index in 0..<count {
            let id = "G\(index)"
            let client = Client(
                id: id,
                name: "\(["Ann", "Ben", "Cara", "Dev", "Eli"][index % 5]) \(surnames[index % surnames.count])\(index)",
                phone: String(format: "(555) %03d-%04d", index / 10_000 % 1000, index % 10_000)
            )
            let patients = (0..<(1 + index % 2)).map {
                Patient(
                    id: "\(id)-P\($0)",
                    clientId: id,
                    name: "\(pets[(index + $0) % pets.count])\(index)",
                    species: "Canine"
                )
            }
            _ = try await fixture.store.saveClient(
                client,
                patients: patients,
                commandID: "bench-client-\(index)",
                by: office
            )
        }
        print("seeded=\(count) seconds=\(ContinuousClock.now - seeding)")
        let queries = ["lopez1234", "555-000-4321", "5550004321", "biscuit123", "G\(count / 2)", "ann", "zzz"]
        for query in queries {
            var times: [Double] = []
            var found = 0
            for _ in 0..<30 {
                let start = ContinuousClock.now
                found = try await fixture.store.searchClients(query).count
                let elapsed = ContinuousClock.now - start
                times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            times.sort()
            print(
                "query=\(query) found=\(found) median_ms=\(String(format: "%.2f", times[times.count / 2])) "
                    + "max_ms=\(String(format: "%.2f", times.last ?? 0))"
            )
        }
    }
}
