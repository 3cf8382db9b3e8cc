import POSCore
import POSTestSupport
import Testing

@Suite struct FloatPlannerTests {
    static let usd = Denomination.usd
    static let policy = DrawerPolicy()

    static func count(_ text: String) -> CashCount { try! CashCount.parse(text, denominations: usd) }

    static func propose(
        _ counted: CashCount,
        target: Money = policy.floatTarget,
        minimum: CashCount = policy.floatMinimum
    ) -> FloatProposal {
        FloatPlanner.propose(counted: counted, target: target, minimum: minimum, denominations: usd)
    }

    /// What every proposal must be: a split of exactly what was counted, with totals that add up.
    static func expectSplit(
        _ proposal: FloatProposal,
        of counted: CashCount,
        target: Money,
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(proposal.keep + proposal.deposit == counted, comment, sourceLocation: sourceLocation)
        #expect(
            proposal.keep.quantities.values.allSatisfy { $0 > 0 }
                && proposal.deposit.quantities.values.allSatisfy { $0 > 0 },
            comment,
            sourceLocation: sourceLocation
        )
        #expect(proposal.keepTotal == proposal.keep.total(usd), comment, sourceLocation: sourceLocation)
        #expect(proposal.depositTotal == proposal.deposit.total(usd), comment, sourceLocation: sourceLocation)
        #expect(
            proposal.keepTotal + proposal.depositTotal == counted.total(usd),
            comment,
            sourceLocation: sourceLocation
        )
        #expect(proposal.differenceFromTarget == proposal.keepTotal - target, comment, sourceLocation: sourceLocation)
    }

    // MARK: - Worked examples

    /// A typical close: the morning float plus a day's takings. Exactly $150.00 stays, with the clinic's minimum of
    /// small change; every $100 and $50 goes to the bank.
    @Test func aTypicalCloseKeepsExactlyTheTargetInSmallChange() {
        let counted = Self.count(
            "100x3,50x2,20x9,10x6,5x9,1x31,roll-0.25x1,0.25x27,0.10x33,0.05x12,0.01x81"
        )
        let proposal = Self.propose(counted)
        Self.expectSplit(proposal, of: counted, target: .dollars("150.00"))
        #expect(proposal.keepTotal == .dollars("150.00"))
        #expect(proposal.differenceFromTarget == .zero)
        #expect(proposal.keep["100"] == 0 && proposal.keep["50"] == 0)
        #expect(proposal.deposit["100"] == 3 && proposal.deposit["50"] == 2)
        for (code, minimum) in Self.policy.floatMinimum.quantities {
            #expect(proposal.keep[code] >= minimum, "\(code)")
        }
    }

    /// The biggest bills go to the bank before smaller ones: here the deposit is $260.00, and it is two $100s and
    /// three $20s, not thirteen $20s.
    @Test func largeBillsGoToTheBankFirst() {
        let counted = Self.count("100x2,20x20,5x2")
        let proposal = Self.propose(counted, target: .dollars("350.00"), minimum: CashCount())
        Self.expectSplit(proposal, of: counted, target: .dollars("350.00"))
        #expect(proposal.keepTotal == .dollars("350.00"))
        #expect(proposal.deposit == Self.count("100x2,20x3"))
        #expect(proposal.keep == Self.count("20x17,5x2"))
    }

    /// Largest first, but never into a corner: taking a $50 would leave $10 that only two $5 bills could make,
    /// and they must stay; the planner finds the exact split.
    @Test func largestFirstStillFindsTheExactSplit() {
        let counted = Self.count("50x1,20x3,5x2")  // $120.00, target $60.00: deposit $60.00
        let proposal = Self.propose(counted, target: .dollars("60.00"), minimum: Self.count("5x2"))
        Self.expectSplit(proposal, of: counted, target: .dollars("60.00"))
        #expect(proposal.keepTotal == .dollars("60.00"))
        #expect(proposal.deposit == Self.count("20x3"))
        #expect(proposal.keep == Self.count("50x1,5x2"))
    }

    @Test func theMinimumSmallChangeStaysWhenTheDrawerHasIt() {
        // Plenty of everything: the minimum of each stays, and the rest of the float is made up to the target.
        let counted = Self.count("20x10,10x5,5x10,1x40,roll-0.25x3,0.25x40,0.10x40,0.05x20,0.01x100")
        let proposal = Self.propose(counted)
        Self.expectSplit(proposal, of: counted, target: .dollars("150.00"))
        #expect(proposal.keepTotal == .dollars("150.00"))
        for (code, minimum) in Self.policy.floatMinimum.quantities {
            #expect(proposal.keep[code] >= minimum, "\(code)")
        }
        // Less than the minimum of some: all of those stay, even though the $7.87 they make leaves the float
        // $17.87 over the target (the rest is in $20s and $100s); the deposit is still large bills first.
        let short = Self.count("100x4,20x5,1x7,0.25x3,0.01x12")
        let shortProposal = Self.propose(short)
        Self.expectSplit(shortProposal, of: short, target: .dollars("150.00"))
        #expect(shortProposal.keep["1"] == 7 && shortProposal.keep["0.25"] == 3 && shortProposal.keep["0.01"] == 12)
        #expect(shortProposal.deposit == Self.count("100x3,20x2"))
        #expect(shortProposal.keepTotal == .dollars("167.87"))
        #expect(shortProposal.differenceFromTarget == .dollars("17.87"))
    }

    @Test func aMinimumLargerThanTheTargetIsNotReserved() {
        // The minimum alone ($80.00) exceeds a $50.00 target: the target wins, and the float is exact.
        let counted = Self.count("20x5,1x40")
        let proposal = Self.propose(counted, target: .dollars("50.00"), minimum: Self.count("20x2,1x40"))
        Self.expectSplit(proposal, of: counted, target: .dollars("50.00"))
        #expect(proposal.keepTotal == .dollars("50.00"))
        #expect(proposal.deposit == Self.count("20x4,1x10"))
    }

    @Test(
        arguments: [
            // $160.00 in a $100 and three $20s: no way to send exactly $10.00; keep it all, $10.00 over.
            ("100x1,20x3", "160.00", "0.00", "10.00"),
            // $165.00: $5.00 can go, so $160.00 stays ($10.00 over); nothing closer to $150.00 can be made.
            ("100x1,20x3,5x1", "160.00", "5.00", "10.00"),
            // Two $100s: keep both.
            ("100x2", "200.00", "0.00", "50.00"),
            // $180.00 in a $100 and four $20s: $20.00 goes, $160.00 stays; $140.00 would be short.
            ("100x1,20x4", "160.00", "20.00", "10.00"),
        ]
    )
    func whenTheTargetCannotBeMadeTheClosestAmountAboveItStays(
        counted text: String,
        keep: String,
        deposit: String,
        over: String
    ) {
        let counted = Self.count(text)
        let proposal = Self.propose(counted, minimum: CashCount())
        Self.expectSplit(proposal, of: counted, target: .dollars("150.00"))
        #expect(proposal.keepTotal == .dollars(keep))
        #expect(proposal.depositTotal == .dollars(deposit))
        #expect(proposal.differenceFromTarget == .dollars(over))
    }

    @Test func aDrawerHoldingTheTargetOrLessKeepsEverything() {
        for text in ["20x5,1x10", "20x7,5x2", "", "0.01x1"] {
            let counted = Self.count(text)
            let proposal = Self.propose(counted)
            Self.expectSplit(proposal, of: counted, target: .dollars("150.00"), "\(text)")
            #expect(proposal.keep == counted, "\(text)")
            #expect(proposal.deposit.isEmpty, "\(text)")
            #expect(proposal.differenceFromTarget == counted.total(Self.usd) - .dollars("150.00"), "\(text)")
            #expect(!proposal.differenceFromTarget.isPositive, "\(text)")
        }
    }

    @Test func aZeroTargetSendsEverythingToTheBank() {
        let counted = Self.count("100x2,20x3,0.25x7,0.01x3")
        let proposal = Self.propose(counted, target: .zero, minimum: CashCount())
        Self.expectSplit(proposal, of: counted, target: .zero)
        #expect(proposal.keep.isEmpty)
        #expect(proposal.deposit == counted)
    }

    @Test func aVeryLargeDrawerIsStillSplitExactly() {
        // Over $20,000 to deposit: the planner takes large bills first without the exact search.
        let counted = Self.count("100x300,50x40,20x100,10x20,5x20,1x50,0.25x40,0.01x100")
        let proposal = Self.propose(counted)
        Self.expectSplit(proposal, of: counted, target: .dollars("150.00"))
        #expect(proposal.keepTotal == .dollars("150.00"))
        #expect(proposal.keep["100"] == 0)
    }

    // MARK: - Generated counts

    /// Every deposit amount (in cents, up to `limit`) that some part of `available` makes, by bounded knapsack
    /// (written plainly, on raw buffers so it stays quick in debug builds).
    static func reachableDeposits(_ available: CashCount, limit: Int64) -> [Bool] {
        let size = Int(limit) + 1
        var reachable = [Bool](repeating: false, count: size)
        var used = [Int64](repeating: 0, count: size)
        reachable.withUnsafeMutableBufferPointer { reachable in
            used.withUnsafeMutableBufferPointer { used in
                reachable[0] = true
                for denomination in usd where available[denomination.code] > 0 {
                    let value = Int(denomination.value.minorUnits)
                    let copies = available[denomination.code]
                    var amount = 0
                    while amount < size {
                        used[amount] = 0
                        amount += 1
                    }
                    amount = value
                    while amount < size {
                        if !reachable[amount] && reachable[amount - value] && used[amount - value] < copies {
                            reachable[amount] = true
                            used[amount] = used[amount - value] + 1
                        }
                        amount += 1
                    }
                }
            }
        }
        return reachable
    }

    static func randomCount(using random: inout SeededGenerator) -> CashCount {
        var count = CashCount()
        for denomination in usd where Int.random(in: 0..<3, using: &random) > 0 {
            let value = denomination.value.minorUnits
            let most: Int64 = value >= 50_00 ? 3 : value >= 1_00 ? 12 : 40
            count[denomination.code] = Int64.random(in: 0...most, using: &random)
        }
        return count
    }

    @Test func generatedCountsAreSplitExactlyAndAsCloseToTheTargetAsTheyCanBe() {
        var random = SeededGenerator(seed: 20_250_304)
        var exact = 0
        var over = 0
        var under = 0
        for index in 0..<300 {
            let counted = Self.randomCount(using: &random)
            let total = counted.total(Self.usd)
            // Up to $200.00 to deposit (so the exact check below stays quick), or more than the drawer holds.
            let target = Money(minorUnits: max(0, total.minorUnits - Int64.random(in: -60_00...200_00, using: &random)))
            let minimum =
                Bool.random(using: &random) ? Self.policy.floatMinimum : Self.randomCount(using: &random)
            let proposal = Self.propose(counted, target: target, minimum: minimum)
            let comment: Comment = "case \(index): \(counted.text(Self.usd)), target \(target.formatted)"
            Self.expectSplit(proposal, of: counted, target: target, comment)
            guard total > target else {
                #expect(proposal.keep == counted, comment)
                under += 1
                continue
            }
            #expect(proposal.keepTotal >= target, comment)
            // The clinic's minimum of each denomination stays, as far as the drawer has it, unless the minimum
            // alone is more than the target.
            var reserve = CashCount()
            for denomination in Self.usd {
                reserve[denomination.code] = min(minimum[denomination.code], counted[denomination.code])
            }
            if reserve.total(Self.usd) > target { reserve = CashCount() }
            for (code, quantity) in reserve.quantities {
                #expect(proposal.keep[code] >= quantity, "\(comment), \(code)")
            }
            // Nothing between the target and what stays could have been kept: every larger deposit is impossible
            // from what may go to the bank.
            let depositLimit = (total - target).minorUnits
            let reachable = Self.reachableDeposits(counted - reserve, limit: depositLimit)
            if proposal.depositTotal.minorUnits < depositLimit {
                let better = (proposal.depositTotal.minorUnits + 1...depositLimit).first { reachable[Int($0)] }
                #expect(better == nil, "\(comment): could deposit \(better ?? 0) cents")
            }
            if reachable[Int(depositLimit)] {
                #expect(proposal.keepTotal == target, comment)
                exact += 1
            } else {
                #expect(proposal.differenceFromTarget.isPositive, comment)
                over += 1
            }
            // Largest first: no bill left in the float could replace smaller ones in the deposit one for one in
            // value (a $20 kept while $20 or more in smaller pieces, none of them reserved, goes to the bank).
            for large in Self.usd where proposal.keep[large.code] > reserve[large.code] {
                let smaller = Self.usd.filter { $0.value < large.value }
                let depositedSmaller = smaller.map {
                    Money(minorUnits: $0.value.minorUnits * proposal.deposit[$0.code])
                }
                .sum()
                if depositedSmaller >= large.value {
                    // Swapping is only possible when the smaller pieces can make exactly the large one's value.
                    let pieces = CashCount(
                        Dictionary(uniqueKeysWithValues: smaller.map { ($0.code, proposal.deposit[$0.code]) })
                    )
                    let canSwap = Self.reachableDeposits(pieces, limit: large.value.minorUnits)[
                        Int(large.value.minorUnits)
                    ]
                    #expect(!canSwap, "\(comment): a \(large.code) stays while smaller pieces worth it go")
                }
            }
        }
        // The generated cases cover each outcome.
        #expect(exact > 50 && over > 10 && under > 10, "exact \(exact), over \(over), under \(under)")
    }
}

extension Money {
    fileprivate static func dollars(_ text: String) -> Money { Money(parsing: text)! }
}
