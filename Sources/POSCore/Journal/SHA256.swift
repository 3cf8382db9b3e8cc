/// SHA-256 (FIPS 180-4) in pure Swift, so the journal's hash chain needs no platform crypto library.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest as 64 lowercase hex characters.
    public static func hexDigest(_ bytes: some Collection<UInt8>) -> String {
        hex(digest(bytes))
    }

    /// Convenience: UTF-8 bytes of the string.
    public static func hexDigest(_ text: String) -> String {
        var hasher = SHA256Hasher()
        hasher.update(text)
        return hex(hasher.finalize())
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: [UInt8]) -> String {
        let digits = hexDigits
        return String(unsafeUninitializedCapacity: digest.count * 2) { out in
            for (i, byte) in digest.enumerated() {
                out[2 * i] = digits[Int(byte >> 4)]
                out[2 * i + 1] = digits[Int(byte & 0x0F)]
            }
            return digest.count * 2
        }
    }

    /// Round constants: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    fileprivate static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The eight working hash words H0...H7.
    fileprivate struct State: Sendable {
        // Initial values: first 32 bits of the fractional parts of the square roots of the first 8 primes.
        var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
        var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }

    /// Runs the compression function over `blocks` consecutive 64-byte blocks starting at `base`.
    /// The working variables stay in locals across blocks; the schedule lives in a stack buffer.
    fileprivate static func compress(_ state: inout State, _ base: UnsafeRawPointer, blocks: Int) {
        var h0 = state.h0
        var h1 = state.h1
        var h2 = state.h2
        var h3 = state.h3
        var h4 = state.h4
        var h5 = state.h5
        var h6 = state.h6
        var h7 = state.h7
        roundConstants.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for block in 0..<blocks {
                    let p = base + block &* 64
                    // Message words are big-endian; the input pointer need not be 4-byte aligned.
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t &- 15]
                        let y = w[t &- 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                        w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
                    }
                    var a = h0
                    var b = h1
                    var c = h2
                    var d = h3
                    var e = h4
                    var f = h5
                    var g = h6
                    var h = h7
                    for t in 0..<64 {
                        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ maj
                        h = g
                        g = f
                        f = e
                        e = d &+ t1
                        d = c
                        c = b
                        b = a
                        a = t1 &+ t2
                    }
                    h0 &+= a
                    h1 &+= b
                    h2 &+= c
                    h3 &+= d
                    h4 &+= e
                    h5 &+= f
                    h6 &+= g
                    h7 &+= h
                }
            }
        }
        state = State(h0: h0, h1: h1, h2: h2, h3: h3, h4: h4, h5: h5, h6: h6, h7: h7)
    }
}

/// Incremental SHA-256: feed input in any number of pieces, then `finalize()` once.
/// The digest depends only on the concatenated bytes, never on how they were split.
public struct SHA256Hasher: Sendable {
    private var state = SHA256.State()
    /// Fixed 64-byte storage for a partial block carried between `update` calls.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// How many bytes of `pending` are filled (always < 64 between calls).
    private var pendingCount = 0
    /// Total message length in bytes; FIPS 180-4 appends it modulo 2^64 bits.
    private var length: UInt64 = 0

    public init() {}

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(raw: UnsafeRawBufferPointer($0)) }
        guard done == nil else { return }
        // Non-contiguous collections are staged through a stack chunk so the block path stays pointer-based.
        var iterator = bytes.makeIterator()
        withUnsafeTemporaryAllocation(byteCount: 256, alignment: 8) { chunk in
            while true {
                var filled = 0
                while filled < chunk.count, let byte = iterator.next() {
                    chunk[filled] = byte
                    filled &+= 1
                }
                if filled > 0 { update(raw: UnsafeRawBufferPointer(rebasing: chunk[..<filled])) }
                if filled < chunk.count { return }
            }
        }
    }

    /// Appends the UTF-8 bytes of `text` to the message.
    public mutating func update(_ text: String) {
        var text = text  // withUTF8 may make the string native (contiguous) in place, hence the copy.
        text.withUTF8 { update(raw: UnsafeRawBufferPointer($0)) }
    }

    /// Pads the message and returns the 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        let bitLength = length &* 8
        // 0x80, zeros up to 56 mod 64, then the 64-bit big-endian bit length: 9...72 bytes in all.
        let padCount = pendingCount < 56 ? 64 - pendingCount : 128 - pendingCount
        withUnsafeTemporaryAllocation(byteCount: 72, alignment: 8) { pad in
            pad.initializeMemory(as: UInt8.self, repeating: 0)
            pad[0] = 0x80
            pad.storeBytes(of: bitLength.bigEndian, toByteOffset: padCount &- 8, as: UInt64.self)
            update(raw: UnsafeRawBufferPointer(rebasing: pad[..<padCount]))
        }
        let s = state
        return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            let raw = UnsafeMutableRawBufferPointer(out)
            for (i, word) in [s.h0, s.h1, s.h2, s.h3, s.h4, s.h5, s.h6, s.h7].enumerated() {
                raw.storeBytes(of: word.bigEndian, toByteOffset: i &* 4, as: UInt32.self)
            }
            count = 32
        }
    }

    private mutating func update(raw input: UnsafeRawBufferPointer) {
        guard var next = input.baseAddress, !input.isEmpty else { return }
        var remaining = input.count
        length &+= UInt64(remaining)
        var used = pendingCount

        // Top up a carried partial block first; compress it once full.
        if used > 0 {
            let take = min(64 &- used, remaining)
            let from = next
            withUnsafeMutableBytes(of: &pending) { block in
                // safe: the buffer is a fixed, non-empty block
                block.baseAddress!.advanced(by: used).copyMemory(from: from, byteCount: take)
            }
            used &+= take
            next += take
            remaining &-= take
            if used < 64 {
                pendingCount = used
                return
            }
            var s = state
            // safe: the buffer is a fixed, non-empty block
            withUnsafeBytes(of: &pending) { SHA256.compress(&s, $0.baseAddress!, blocks: 1) }
            state = s
            used = 0
        }

        // Whole blocks are hashed straight from the caller's memory, without copying.
        let wholeBlocks = remaining / 64
        if wholeBlocks > 0 {
            SHA256.compress(&state, next, blocks: wholeBlocks)
            next += wholeBlocks &* 64
            remaining &-= wholeBlocks &* 64
        }

        if remaining > 0 {
            let from = next
            let tail = remaining
            withUnsafeMutableBytes(of: &pending) { block in
                // safe: the buffer is a fixed, non-empty block
                block.baseAddress!.copyMemory(from: from, byteCount: tail)
            }
        }
        pendingCount = remaining
    }
}
