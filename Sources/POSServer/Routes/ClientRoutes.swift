import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSServices
import POSStorage

/// Clients (owners) and their pets, as the desk looks them up and adds them at check-in; the clinic's settings.
extension APIServer {
    static let clientRoutes: [Route] = [
        Route(
            .get,
            "/api/clients",
            .signedIn(anyOf: []),
            "The clients found by name, phone, id or pet name (?q=), or every client; with pets and account balance"
        ) { call in
            guard let text = call.request.query("q") else {
                if call.request.query("limit") != nil {
                    throw POSError.invalid(field: "query limit", reason: "goes with q", code: "clientSearch.limitAlone")
                }
                return try Reply.json(try await call.store.clients())
            }
            var limit = 20
            if let given = call.request.query("limit") {
                guard let number = Int(given), (1...Store.maximumSearchResults).contains(number) else {
                    throw POSError.invalid(
                        field: "query limit",
                        reason: "'\(given.prefix(20))' is not a number from 1 to \(Store.maximumSearchResults)",
                        code: "clientSearch.limit"
                    )
                }
                limit = number
            }
            do {
                return try Reply.json(try await call.store.searchClients(text, limit: limit))
            } catch let error as POSError {
                throw error.located(at: "query")
            }
        },
        Route(.get, "/api/clients/{id}", .signedIn(anyOf: []), "A client, their pets and account balance") { call in
            try Reply.json(try await call.store.client(call.context.text("id")))
        },
        Route(.post, "/api/clients", .signedIn(anyOf: [.manageClients]), "Add or update a client, with pets") {
            call in
            let body = try call.decode(ClientBody.self)
            let record = try await call.operations.saveClient(
                body.client,
                patients: body.patients,
                commandID: call.commandID
            )
            return try Reply.json(record)
        },
        Route(.get, "/api/settings", .signedIn(anyOf: []), "The clinic's settings") { call in
            try Reply.json(try await call.store.policy())
        },
    ]
}

/// `{"id", "name", "phone", "email", "staff", "shelter", "creditLimit": "500.00", "pets": [{"id", "name",
/// "species"}]}`; a credit limit approves charges to the account up to it.
struct ClientBody: Decodable {
    var client: Client
    var patients: [Patient]

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: [
            "id", "name", "phone", "email", "staff", "shelter", "creditLimit", "pets",
        ])
        let id: String = try object.required("id")
        let limit = try object.optionalMoney("creditLimit")
        if let limit, limit.isNegative {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: object.codingPath + [FieldKey("creditLimit")],
                    debugDescription: "must not be negative"
                )
            )
        }
        client = Client(
            id: id,
            name: try object.required("name"),
            phone: try object.optional("phone") ?? "",
            email: try object.optional("email") ?? "",
            isStaff: try object.optional("staff") ?? false,
            isShelter: try object.optional("shelter") ?? false,
            creditApproved: limit != nil,
            creditLimit: limit ?? .zero
        )
        patients = (try object.optional("pets", as: [PetBody].self) ?? []).map {
            Patient(id: $0.id, clientId: id, name: $0.name, species: $0.species)
        }
    }
}

struct PetBody: Decodable {
    var id: String
    var name: String
    var species: String

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["id", "name", "species"])
        id = try object.required("id")
        name = try object.required("name")
        species = try object.required("species")
    }
}
