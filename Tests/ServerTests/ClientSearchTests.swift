import Foundation
import HTTPTypes
import POSServer
import Testing

/// The desk finds a client by what the caller gives: part of a name, the phone however it is written, the client id
/// or a pet's name; an exact id or phone first; at most the limit asked for.
@Suite struct ClientSearchTests {
    @Test func clientsAreFoundByNamePhoneIdOrPet() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.test { api in
            let csr = try await api.signIn("CSR")
            let clients = [
                #"{"id": "C100", "name": "Maria Lopez", "phone": "(555) 010-4477", "pets": [{"id": "P1", "name": "Biscuit", "species": "Canine"}]}"#,
                #"{"id": "C101", "name": "Mario Lopez", "phone": "555-010-9999", "pets": []}"#,
                #"{"id": "C102", "name": "Ann Marsh", "phone": "555 777 1234", "pets": [{"id": "P2", "name": "Lopez", "species": "Feline"}]}"#,
            ]
            for client in clients {
                let saved = try await api.post("/api/clients", token: csr, json: client)
                #expect(saved.status == 200, "\(saved)")
            }
            func ids(_ query: String) async throws -> [String] {
                let reply = try await api.get("/api/clients?q=\(query)", token: csr)
                #expect(reply.status == 200, "\(query): \(reply)")
                return reply.array.compactMap {
                    (($0 as? [String: Any])?["client"] as? [String: Any])?["id"] as? String
                }
            }
            #expect(try await ids("5550104477") == ["C100"], "digits alone match a formatted phone")
            #expect(try await ids("010-9999") == ["C101"])
            #expect(try await ids("biscuit") == ["C100"], "a pet's name finds its owner")
            // Contained in a name or a pet's name (a cat called Lopez), by name.
            #expect(try await ids("lopez") == ["C102", "C100", "C101"])
            // Names that start with the text come before those that merely contain it.
            #expect(try await ids("mar") == ["C100", "C101", "C102"])
            #expect(try await ids("c101") == ["C101"], "an exact id comes first")
            #expect(try await ids("%25") == [], "a % is a character, not a wildcard")
            #expect(try await ids("zzz") == [])
            let limited = try await api.get("/api/clients?q=lopez&limit=1", token: csr)
            #expect(limited.array.count == 1)
            let bad = try await api.get("/api/clients?q=lopez&limit=0", token: csr)
            #expect(bad.status == 400 && bad.code == "clientSearch.limit", "\(bad)")
            let long = try await api.get("/api/clients?q=\(String(repeating: "a", count: 101))", token: csr)
            #expect(long.status == 400 && long.code == "clientSearch.tooLong", "\(long)")
            let all = try await api.get("/api/clients", token: csr)
            #expect(all.array.count >= 3, "without q every client is listed")
        }
    }
}
