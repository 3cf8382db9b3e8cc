import POSStorage
import Testing

@Suite struct DurabilityTests {
    /// An acknowledged checkout must survive a power cut: WAL with synchronous=FULL on the connection that writes.
    @Test func theWriterSyncsEveryCommit() async throws {
        let f = try await StoreFixture.make()
        let settings = try await f.store.durability()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)
    }
}
