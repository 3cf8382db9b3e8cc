import POSCore
import Testing

@Suite struct JournalChainTests {
    func chain(_ count: Int) -> [JournalEntry] {
        var entries: [JournalEntry] = []
        var previous = JournalChain.genesis
        for sequence in 1...Int64(count) {
            var entry = JournalEntry(
                sequence: sequence,
                atMillis: 1_700_000_000_000 + sequence,
                kind: "payment.received",
                employee: "CSR",
                terminal: "T1",
                subject: "payment \(sequence)",
                payload: #"{"amount":"\#(sequence).00"}"#,
                previousHash: previous,
                hash: ""
            )
            entry.hash = JournalChain.seal(entry)
            previous = entry.hash
            entries.append(entry)
        }
        return entries
    }

    func verify(_ entries: [JournalEntry]) -> JournalVerifier {
        var verifier = JournalVerifier()
        for entry in entries { verifier.check(entry) }
        return verifier
    }

    @Test func anIntactChainVerifies() {
        let result = verify(chain(50))
        #expect(result.problem == nil)
        #expect(result.count == 50)
    }

    @Test func anAlteredEntryIsFound() {
        var entries = chain(20)
        entries[7].payload = #"{"amount":"8000.00"}"#
        #expect(verify(entries).problem == "entry 8: contents do not match its hash (the entry was altered)")
    }

    @Test func aRemovedOrReorderedEntryIsFound() {
        var entries = chain(20)
        entries.remove(at: 5)
        #expect(verify(entries).problem == "entry 7: expected sequence 6 (an entry is missing or out of order)")
        var swapped = chain(20)
        swapped.swapAt(3, 4)
        #expect(verify(swapped).problem != nil)
    }

    @Test func aResealedForgeryBreaksTheNextLink() {
        var entries = chain(10)
        entries[4].payload = #"{"amount":"0.01"}"#
        entries[4].hash = JournalChain.seal(entries[4])
        #expect(verify(entries).problem == "entry 6: previous hash does not match entry 5")
    }

    @Test func fieldsCannotBeShiftedBetweenEachOther() {
        // Length prefixes: moving characters from one field to the next changes the hash.
        let a = JournalChain.hash(
            sequence: 1,
            atMillis: 1,
            kind: "ab",
            employee: "c",
            terminal: "t",
            subject: "s",
            payload: "p",
            previousHash: JournalChain.genesis
        )
        let b = JournalChain.hash(
            sequence: 1,
            atMillis: 1,
            kind: "a",
            employee: "bc",
            terminal: "t",
            subject: "s",
            payload: "p",
            previousHash: JournalChain.genesis
        )
        #expect(a != b)
    }
}
