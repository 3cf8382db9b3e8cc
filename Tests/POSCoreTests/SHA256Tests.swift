import POSCore
import Testing

@Suite struct SHA256Tests {
    // FIPS 180-4 / NIST CSRC example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                + "mnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func nistVectors(input: String, expected: String) {
        #expect(SHA256.hexDigest(input) == expected)
        #expect(SHA256.hexDigest(Array(input.utf8)) == expected)
        #expect(SHA256.digest(input.utf8).count == 32)
    }

    @Test func oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)) == expected)
        // Also through the streaming path, in pieces that straddle block boundaries.
        var hasher = SHA256Hasher()
        let piece = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(piece[...]) }
        #expect(hex(hasher.finalize()) == expected)
    }

    @Test func randomChunkingMatchesOneShot() {
        var rng = SplitMix64(seed: 0x5EED)
        let input = (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let expected = SHA256.digest(input)
        // Chunk sizes sit on and around the padding (55, 56) and block (63, 64, 65) boundaries.
        let sizes = [0, 1, 54, 55, 56, 57, 63, 64, 65, 127, 128, 129]
        for _ in 0..<200 {
            var hasher = SHA256Hasher()
            var offset = 0
            while offset < input.count {
                let size = min(sizes.randomElement(using: &rng)!, input.count - offset)
                hasher.update(input[offset..<(offset + size)])
                offset += size
            }
            #expect(hasher.finalize() == expected)
        }
        // Each boundary size used uniformly, with total lengths that end on and around the same boundaries.
        for size in sizes where size > 0 {
            for total in [55, 56, 63, 64, 65, 119, 120, 128, 1_000] {
                var hasher = SHA256Hasher()
                var offset = 0
                while offset < total {
                    let end = min(offset + size, total)
                    hasher.update(input[offset..<end])
                    offset = end
                }
                #expect(hasher.finalize() == SHA256.digest(input[..<total]), "size \(size), total \(total)")
            }
        }
    }

    @Test func oneShotAgreesWithByteByByte() {
        let pattern = (0..<130).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var digests = Set<[UInt8]>()
        for length in 0...130 {
            let bytes = pattern[..<length]
            var hasher = SHA256Hasher()
            for byte in bytes { hasher.update(CollectionOfOne(byte)) }
            let oneShot = SHA256.digest(bytes)
            #expect(hasher.finalize() == oneShot, "length \(length)")
            digests.insert(oneShot)
        }
        #expect(digests.count == 131)
    }

    @Test func nonContiguousAndStringInputsMatchBytes() {
        let text = "Invoice #1042 — 3× Rimadyl 75 mg, €12.50 ✓"
        let bytes = Array(text.utf8)
        #expect(SHA256.hexDigest(text) == SHA256.hexDigest(bytes))
        // A lazily mapped collection has no contiguous storage, so it takes the staged path (>256 bytes).
        let long = (0..<1_000).map { UInt8(truncatingIfNeeded: $0) }
        #expect(SHA256.digest(long.lazy.map { $0 }) == SHA256.digest(long))
        var hasher = SHA256Hasher()
        hasher.update("Invoice #1042 — ")
        hasher.update(Array("3× Rimadyl 75 mg, ".utf8))
        hasher.update("€12.50 ✓")
        #expect(hasher.finalize() == SHA256.digest(bytes))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// Deterministic generator so a failing chunking is reproducible.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
