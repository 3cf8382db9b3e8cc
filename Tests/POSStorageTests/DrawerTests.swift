import Foundation
import GRDB
import POSCore
import POSStorage
import POSTestSupport
import Testing

extension StoreFixture {
    func drawerCount(_ text: String) -> CashCount { try! CashCount.parse(text, denominations: Denomination.usd) }

    func signIn(_ employee: String, at terminal: String) async throws -> Operator {
        try await store.signIn(employee: employee, pin: TestClinic.pin(employee), terminal: terminal)
    }

    /// The terminal's open (or counted) drawer as `viewer` sees it.
    func xReport(_ viewer: Operator) async throws -> DrawerReport { try await store.drawerReport(viewer: viewer) }

    func movement(
        _ kind: DrawerEventKind,
        _ amount: String = "0.00",
        count: String? = nil,
        reason: String,
        note: String? = nil,
        approval: ApprovalRequest? = nil,
        by clerk: Operator? = nil
    ) async throws -> DrawerEvent {
        try await store.recordDrawerMovement(
            kind,
            amount: .dollars(amount),
            count: count.map(drawerCount),
            reason: reason,
            note: note,
            approval: approval,
            commandID: id("drawer"),
            by: clerk ?? csr
        )
    }

    func closeCount(
        _ count: CashCount,
        checks: [String] = [],
        cardSlips: [String: Money] = [:],
        by clerk: Operator
    ) async throws -> DrawerCloseResult {
        try await store.countDrawerForClose(
            count: count,
            checks: checks,
            cardSlips: cardSlips,
            commandID: id("close-count"),
            by: clerk
        )
    }

    func closeDrawer(
        keep: CashCount? = nil,
        note: String? = nil,
        approval: ApprovalRequest? = nil,
        by clerk: Operator
    ) async throws -> DrawerReport {
        try await store.closeDrawer(keep: keep, note: note, approval: approval, commandID: id("close"), by: clerk)
    }

    /// Counts the terminal's drawer at exactly what the manager's X report expects, and has `verifier` close it.
    @discardableResult
    func closeEven(counter: Operator, verifier: Operator) async throws -> DrawerReport {
        let expected = try #require(try await xReport(mgr).figures).expectedCash
        let result = try await closeCount(DrawerTests.count(of: expected), by: counter)
        #expect(result.result.overShort == .zero)
        return try await closeDrawer(by: verifier)
    }
}

@Suite struct DrawerTests {
    /// `amount` in the bills and coins a US drawer usually holds, largest first.
    static func count(of amount: Money) -> CashCount {
        var left = amount.minorUnits
        var count = CashCount()
        let used: Set = ["100", "50", "20", "10", "5", "1", "0.25", "0.10", "0.05", "0.01"]
        for denomination in Denomination.usd where used.contains(denomination.code) {
            count[denomination.code] = left / denomination.value.minorUnits
            left %= denomination.value.minorUnits
        }
        return count
    }

    /// A whole day: sales in every tender, movements, a shift change, a blind close with a recount beyond the
    /// tolerance, the manager's sign-off, the Z report, and the next morning's session.
    @Test func aDayThroughTheDrawerFromOpeningToZReports() async throws {
        let f = try await StoreFixture.make()
        let opening = try await f.xReport(f.mgr)
        let session = opening.session
        #expect(opening.kind == .x && opening.state == .open && opening.zNumber == nil)
        #expect(opening.openingCount == StoreFixture.openingFloat)
        #expect(opening.openedBy == "CSR")
        #expect(opening.previousFloat == nil && opening.openingDifference == nil)
        #expect(opening.figures?.expectedCash == .dollars("168.00"))

        // Morning, CSR: a cash sale with change, a split tender, a check, a card.
        f.clock.advance(minutes: 5)
        let sale1 = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("100.00"))])
        #expect(sale1.payments.map(\.change) == [.dollars("38.00")])
        let sale2 = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM"), f.line("MIA", "RABIES")],
            payments: [f.card(.credit, .dollars("50.00")), f.cash(.dollars("40.00"))]
        )
        #expect(sale2.total == .dollars("86.99"))
        #expect(sale2.payments.map(\.change) == [.zero, .dollars("3.01")])
        _ = try await f.checkout("OWNER", [f.line("REX", "RECHECK")], payments: [f.check(.dollars("38.50"))])
        _ = try await f.checkout("OWNER", [f.line("MIA", "RABIES")], payments: [f.card(.debit, .dollars("24.99"))])
        // 168.00 + 62.00 + 36.99
        #expect(try await f.xReport(f.mgr).figures?.expectedCash == .dollars("266.99"))

        // Paid in and out, with reasons from the clinic's lists.
        f.clock.advance(minutes: 30)
        let paidIn = try await f.movement(.paidIn, "20.00", reason: "change from the bank")
        #expect(paidIn.amount == .dollars("20.00") && paidIn.employee == "CSR")
        let postage = try await f.movement(.paidOut, "12.34", reason: "postage")
        #expect(postage.amount == .dollars("-12.34") && postage.reason == "postage")
        let other = try await f.movement(.paidOut, "5.00", reason: "other", note: "Parking meter")
        #expect(other.reason == "other: Parking meter")
        // A safe drop of the $100 bill, and a no-sale.
        let drop = try await f.movement(.safeDrop, count: "100x1", reason: "Large bill to the safe")
        #expect(drop.amount == .dollars("-100.00") && drop.count == f.drawerCount("100x1"))
        let noSale = try await f.movement(.noSale, reason: "Client needed change for the meter")
        #expect(noSale.amount == .zero)
        // 266.99 + 20.00 − 12.34 − 5.00 − 100.00
        #expect(try await f.xReport(f.mgr).figures?.expectedCash == .dollars("169.65"))
        // Cash cannot leave the drawer beyond what it holds: $5,000 out of $169.65 is refused, and so is a drop of
        // more than is there; the refusal does not tell a blind cashier how much is expected.
        let tooMuch = try await f.refusal { _ = try await f.movement(.paidOut, "5000.00", reason: "postage") }
        expectConflict(tooMuch, "is more than drawer FRONT-1 holds")
        #expect(!"\(tooMuch)".contains("169.65"))
        let bigDrop = try await f.refusal {
            _ = try await f.movement(.safeDrop, count: "100x2", reason: "Large bills to the safe")
        }
        expectConflict(bigDrop, "is more than drawer FRONT-1 holds")
        #expect(try await f.xReport(f.mgr).figures?.expectedCash == .dollars("169.65"))

        // Shift change: the incoming cashier's PIN is checked; the count is $1.00 short, and that is the CSR's.
        f.clock.advance(minutes: 240)
        let handoverCount = f.drawerCount("20x6,10x2,5x3,1x12,0.25x6,0.10x1,0.05x1")
        #expect(handoverCount.total(Denomination.usd) == .dollars("168.65"))
        let wrongPIN = try await f.refusal {
            _ = try await f.store.handOverDrawer(
                count: handoverCount,
                to: f.approval("CSR2", pin: "0000"),
                commandID: f.id(),
                by: f.csr
            )
        }
        #expect(wrongPIN == .authenticationFailed(employee: "CSR2"))
        let toTech = try await f.refusal {
            _ = try await f.store.handOverDrawer(
                count: handoverCount,
                to: f.approval("TECH"),
                commandID: f.id(),
                by: f.csr
            )
        }
        expectInvalid(toTech, field: "incoming", reason: "TECH cannot take over a drawer")
        let handover = try await f.store.handOverDrawer(
            count: handoverCount,
            to: f.approval("CSR2", reason: "Afternoon shift"),
            commandID: f.id(),
            by: f.csr
        )
        #expect(handover.kind == .handover && handover.cashier == "CSR")
        #expect(handover.expected == .dollars("169.65") && handover.overShort == .dollars("-1.00"))

        // Afternoon, CSR2: a cash sale, a cash refund, a void of the split sale, a check-and-cash split.
        f.clock.advance(minutes: 10)
        _ = try await f.checkout(
            "OWNER",
            [f.line("REX", "RECHECK")],
            payments: [f.cash(.dollars("40.00"))],
            by: f.csr2
        )
        let cash1 = try #require(sale1.payments.first)
        _ = try await f.store.refund(
            RefundRequest(id: f.id(), payment: cash1.number, amount: .dollars("5.00"), reason: "Price match"),
            by: f.csr2
        )
        let voided = try await f.store.void(
            VoidRequest(id: f.id(), invoice: sale2.number, reason: "Rung on the wrong client", approval: f.approval()),
            by: f.csr2
        )
        #expect(voided.status == .void)
        _ = try await f.checkout(
            "OWNER",
            [f.line("MIA", "RABIES")],
            payments: [f.check(.dollars("20.00")), f.cash(.dollars("10.00"))],
            by: f.csr2
        )
        // 168.65 + 38.50 − 5.00 − 36.99 + 4.99
        let expectedCash = Money.dollars("170.15")

        // Blind: before the count, only those allowed to see drawer totals see what is expected.
        // A technician does not handle the drawer and sees no drawer report at all.
        await #expect(throws: POSError.notPermitted(employee: "TECH", role: .technician, action: "see drawer reports"))
        {
            _ = try await f.xReport(f.tech)
        }
        for viewer in [f.csr, f.csr2] {
            let blind = try await f.xReport(viewer)
            #expect(blind.figures == nil && blind.counts == nil, "\(viewer.employee.id)")
            // Nor the cash taken, the one term of expected cash the cashier could not add up from the report.
            #expect(!blind.tenders.contains { $0.tender == .cash }, "\(viewer.employee.id)")
            #expect(blind.tenders.contains { $0.tender == .check })
            #expect(!blind.text(calendar: StoreFixture.calendar).contains("170.15"))
            #expect(blind.text(calendar: StoreFixture.calendar).contains("not shown until the blind count"))
        }
        for viewer in [f.mgr, f.book] {
            let seen = try await f.xReport(viewer)
            #expect(seen.figures?.expectedCash == expectedCash, "\(viewer.employee.id)")
            #expect(seen.figures?.baseline == .dollars("168.65"))
            #expect(seen.counts?.map(\.overShort) == [.dollars("-1.00")])
            // 62.00 + 36.99 + 38.50 − 5.00 − 36.99 + 4.99 in six cash payments, refunds and reversals.
            #expect(
                seen.tenders.first { $0.tender == .cash } == .init(tender: .cash, count: 6, net: .dollars("100.49"))
            )
        }
        let x = try await f.xReport(f.mgr)
        #expect(x.expectedChecks.map(\.amount) == [.dollars("38.50"), .dollars("20.00")])
        #expect(x.events.map(\.kind) == [.open, .paidIn, .paidOut, .paidOut, .safeDrop, .noSale, .handover])
        let cardRecorded = try #require(x.cardBatches.first { $0.terminal == "PAX-1" }).recorded
        #expect(cardRecorded == .dollars("24.99"))  // the $50.00 credit was reversed with its sale

        // A sale still being rung up at this terminal blocks the close count.
        let halfEntered = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: f.csr2
        )
        let blocked = try await f.refusal { _ = try await f.closeCount(handoverCount, by: f.csr2) }
        expectConflict(blocked, "invoices \(halfEntered.number) are still being rung up at FRONT-1")
        _ = try await f.checkout(
            "OWNER",
            [],
            payments: [f.card(.credit, .dollars("62.00"))],
            invoice: halfEntered.number,
            by: f.csr2
        )

        // Only drawer staff count.
        for clerk in [f.tech, f.book] {
            let error = try await f.refusal { _ = try await f.closeCount(handoverCount, by: clerk) }
            #expect(
                error
                    == .notPermitted(
                        employee: clerk.employee.id,
                        role: clerk.employee.role,
                        action: Permission.handleDrawer.rawValue
                    )
            )
        }

        // A count is refused whole if any line of it is wrong.
        let unknown = try await f.refusal {
            _ = try await f.closeCount(handoverCount + CashCount(["3": 1]), by: f.csr2)
        }
        #expect(unknown.description.hasPrefix("close count, 3: unknown denomination"))
        let negative = try await f.refusal {
            _ = try await f.closeCount(handoverCount - f.drawerCount("20x7"), by: f.csr2)
        }
        expectCode(negative, "count.negative", field: "close count, 20")

        // The blind close count: $3.00 over, beyond the $2.00 tolerance; only now is the variance shown.
        f.clock.advance(minutes: 200)
        let firstCount = f.drawerCount("20x5,10x4,5x4,1x10,0.25x8,0.10x10,0.05x3")
        let counted = try await f.closeCount(
            firstCount,
            checks: ["1001", "1001"],
            cardSlips: ["PAX-1": .dollars("86.99")],
            by: f.csr2
        )
        #expect(counted.result.kind == .closeCount && counted.result.cashier == "CSR2")
        #expect(counted.result.counted == .dollars("173.15"))
        #expect(counted.result.expected == expectedCash)
        #expect(counted.result.overShort == .dollars("3.00"))
        #expect(!counted.withinTolerance && counted.recountAllowed)
        #expect(counted.proposal.keep + counted.proposal.deposit == firstCount)
        #expect(counted.missingChecks.isEmpty && counted.unexpectedChecks.isEmpty)
        #expect(
            counted.cardBatches == [
                DrawerReport.CardBatch(terminal: "PAX-1", recorded: .dollars("86.99"), slip: .dollars("86.99"))
            ]
        )
        #expect(counted.cardBatches.first?.difference == .zero)
        // Counted, the session is ended: everyone sees it, and no cash comes in or goes out.
        let ended = try await f.xReport(f.csr)
        #expect(ended.state == .ended && ended.figures?.expectedCash == expectedCash)
        let lateCash = try await f.refusal {
            _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        }
        expectCode(lateCash, "drawer.notOpen")
        let lateMovement = try await f.refusal { _ = try await f.movement(.paidOut, "1.00", reason: "postage") }
        expectConflict(lateMovement, "cannot record a paidOut", "waits for verification")
        let secondOpen = try await f.refusal {
            _ = try await f.store.openDrawer(count: handoverCount, commandID: f.id(), by: f.csr)
        }
        expectConflict(secondOpen, "drawer FRONT-1 already has session \(session) waiting for verification")

        // One recount: $2.50 over, still beyond the tolerance. Both counts are kept; a second recount is refused.
        let recount = f.drawerCount("20x5,10x4,5x4,1x10,0.25x6,0.10x10,0.05x3")
        let recounted = try await f.store.recountDrawer(count: recount, commandID: f.id(), by: f.csr2)
        #expect(recounted.result.kind == .recount && recounted.result.overShort == .dollars("2.50"))
        #expect(!recounted.withinTolerance && !recounted.recountAllowed)
        let again = try await f.refusal {
            _ = try await f.store.recountDrawer(count: recount, commandID: f.id(), by: f.csr2)
        }
        expectConflict(again, "drawer FRONT-1 was already recounted once")

        // Verification: not by the one who counted; beyond the tolerance, a note and a manager's PIN.
        let sameEmployee = try await f.refusal { _ = try await f.closeDrawer(note: "Counted twice", by: f.csr2) }
        expectApprovalRequired(
            sameEmployee,
            field: "verify",
            reason: "a second employee verifies the close; CSR2 counted it"
        )
        let noNote = try await f.refusal { _ = try await f.closeDrawer(approval: f.approval(), by: f.csr) }
        expectApprovalRequired(
            noNote,
            field: "note",
            reason: "$2.50 off, beyond the $2.00 tolerance: a note is required"
        )
        let noManager = try await f.refusal { _ = try await f.closeDrawer(note: "Client left change", by: f.csr) }
        expectApprovalRequired(noManager, field: "approval", reason: "a manager's PIN is required")
        let wrongManagerPIN = try await f.refusal {
            _ = try await f.closeDrawer(note: "Client left change", approval: f.approval(pin: "0000"), by: f.csr)
        }
        #expect(wrongManagerPIN == .authenticationFailed(employee: "MGR"))
        let notAManager = try await f.refusal {
            _ = try await f.closeDrawer(note: "Client left change", approval: f.approval("CSR2"), by: f.csr)
        }
        expectApprovalRequired(notAManager, field: "approval", reason: "CSR2 (csr) may not verify drawer closes")
        for clerk in [f.tech, f.book] {
            let error = try await f.refusal {
                _ = try await f.closeDrawer(note: "Client left change", approval: f.approval(), by: clerk)
            }
            #expect(
                error
                    == .notPermitted(
                        employee: clerk.employee.id,
                        role: clerk.employee.role,
                        action: Permission.handleDrawer.rawValue
                    )
            )
        }
        let keepTooMuch = try await f.refusal {
            _ = try await f.closeDrawer(
                keep: f.drawerCount("20x6"),
                note: "Client left change",
                approval: f.approval(),
                by: f.csr
            )
        }
        expectInvalid(keepTooMuch, field: "--keep, 20", reason: "keeps 6 but only 5 were counted")

        f.clock.advance(minutes: 5)
        let z1 = try await f.closeDrawer(note: "Client left change", approval: f.approval(), by: f.csr)
        #expect(z1.kind == .z && z1.zNumber == 1 && z1.state == .closed)
        #expect(z1.closedBy == "CSR" && z1.approvedBy == "MGR" && z1.closeNote == "Client left change")
        #expect(z1.figures?.expectedCash == expectedCash)
        #expect(z1.counts?.map(\.kind) == [.handover, .closeCount, .recount])
        #expect(z1.counts?.map(\.cashier) == ["CSR", "CSR2", "CSR2"])
        #expect(z1.counts?.map(\.overShort) == [.dollars("-1.00"), .dollars("3.00"), .dollars("2.50")])
        #expect(z1.finalCount?.counted == .dollars("172.65"))
        let floatKept = try #require(z1.floatKept)
        let deposit = try #require(z1.deposit)
        #expect(floatKept + deposit == recount)
        #expect(floatKept == recounted.proposal.keep)
        #expect(floatKept.total(Denomination.usd) >= .dollars("150.00"))
        #expect(z1.checksCounted == ["1001", "1001"] && z1.missingChecks.isEmpty)
        // The Z report is the same for anyone now, and found by its number.
        #expect(try await f.store.zReport(drawer: "FRONT-1", number: 1, viewer: f.csr) == z1)
        #expect(try await f.store.drawerReport(session: session, viewer: f.book).figures == z1.figures)

        // Over/short history: the handover's shortage is the CSR's, the close's overage CSR2's.
        let history = try await f.store.overShortHistory(viewer: f.mgr)
        #expect(history.map(\.kind) == [.handover, .recount])
        #expect(history.map(\.cashier) == ["CSR", "CSR2"])
        #expect(history.map(\.overShort) == [.dollars("-1.00"), .dollars("2.50")])
        #expect(history.allSatisfy { $0.drawer == "FRONT-1" && $0.zNumber == 1 && $0.session == session })
        #expect(
            try await f.store.overShortHistory(employee: "CSR", viewer: f.mgr).map(\.overShort) == [.dollars("-1.00")]
        )
        #expect(
            try await f.store.overShortHistory(employee: "CSR2", viewer: f.mgr).map(\.overShort) == [.dollars("2.50")]
        )
        #expect(try await f.store.overShortHistory(drawer: "FRONT-2", viewer: f.mgr).isEmpty)

        // The next morning: the opening count is a quarter more than the float left; the difference is recorded.
        f.clock.set(StoreFixture.millis(BusinessDate("2025-03-05")!, hour: 8))
        let nextOpening = floatKept + f.drawerCount("0.25x1")
        let morning = try await f.store.openDrawer(count: nextOpening, commandID: f.id(), by: f.csr2)
        #expect(morning.session != session && morning.state == .open)
        #expect(morning.previousFloat == floatKept)
        #expect(morning.openingDifference == .dollars("0.25"))
        #expect(morning.figures == nil)  // the CSR2 who opened it does not see expected cash either

        // A correction found later for Z #1 is an adjustment in the new session; both reports show it.
        let notByCSR = try await f.refusal {
            _ = try await f.store.adjustDrawer(
                amount: .dollars("-2.50"),
                reason: "Client's change found",
                corrects: session,
                commandID: f.id(),
                by: f.csr
            )
        }
        #expect(notByCSR == .notPermitted(employee: "CSR", role: .csr, action: Permission.adjustDrawer.rawValue))
        let notClosed = try await f.refusal {
            _ = try await f.store.adjustDrawer(
                amount: .dollars("1.00"),
                reason: "Wrong session",
                corrects: morning.session,
                commandID: f.id(),
                by: f.mgr
            )
        }
        expectInvalid(notClosed, field: "corrects", reason: "is not closed")
        let adjustment = try await f.store.adjustDrawer(
            amount: .dollars("-2.50"),
            reason: "Client's change left on Z #1, returned to the client",
            corrects: session,
            commandID: f.id(),
            by: f.mgr
        )
        #expect(adjustment.correctsSession == session)
        let z1Later = try await f.store.zReport(drawer: "FRONT-1", number: 1, viewer: f.csr)
        #expect(z1Later.laterAdjustments == [adjustment])
        #expect(z1Later.figures == z1.figures)  // the closed session's own figures never change
        #expect(
            z1Later.text(calendar: StoreFixture.calendar).contains("Later adjustment: Client's change left on Z #1")
        )
        let x2 = try await f.xReport(f.mgr)
        #expect(x2.figures?.adjustments == .dollars("-2.50"))
        #expect(x2.figures?.expectedCash == nextOpening.total(Denomination.usd) - .dollars("2.50"))

        // A small overage, within the tolerance: verified by another employee, no note needed.
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))], by: f.csr2)
        let evening = nextOpening + f.drawerCount("20x3,1x2") - f.drawerCount("0.25x2")
        let within = try await f.closeCount(evening, by: f.csr2)
        #expect(within.result.overShort == .dollars("2.00") && within.withinTolerance)
        let z2 = try await f.closeDrawer(by: f.csr)
        #expect(z2.zNumber == 2 && z2.closeNote == nil && z2.approvedBy == nil)
        #expect(z2.previousFloat == floatKept && z2.openingDifference == .dollars("0.25"))
        #expect(try #require(z2.floatKept) + (z2.deposit ?? CashCount()) == evening)
        #expect(z2.laterAdjustments.isEmpty)
        #expect(try await f.store.zReport(drawer: "FRONT-1", number: 2, viewer: f.csr) == z2)
        let noZ3 = try await f.refusal { _ = try await f.store.zReport(drawer: "FRONT-1", number: 3, viewer: f.csr) }
        #expect(noZ3 == .notFound(what: "Z report", id: "FRONT-1 #3"))
        #expect(
            try await f.store.overShortHistory(viewer: f.mgr).map(\.overShort) == [
                .dollars("-1.00"), .dollars("2.50"), .dollars("2.00"),
            ]
        )
        #expect(try await f.store.verifyJournal().problem == nil)
    }

    // MARK: - Refusals

    @Test func anOpeningCountIsCheckedAndADrawerHasOneSessionAtATime() async throws {
        let f = try await StoreFixture.make()
        let front2 = try await f.signIn("CSR", at: "FRONT-2")
        let unknown = try await f.refusal {
            _ = try await f.store.openDrawer(count: CashCount(["20": 5, "3": 1]), commandID: f.id(), by: front2)
        }
        expectInvalid(unknown, field: "opening count, 3", reason: "unknown denomination")
        let negative = try await f.refusal {
            _ = try await f.store.openDrawer(count: CashCount(["20": 5, "0.25": -4]), commandID: f.id(), by: front2)
        }
        expectCode(negative, "count.negative", field: "opening count, 0.25")
        let tech = try await f.signIn("TECH", at: "FRONT-2")
        let byTech = try await f.refusal {
            _ = try await f.store.openDrawer(count: StoreFixture.openingFloat, commandID: f.id(), by: tech)
        }
        #expect(byTech == .notPermitted(employee: "TECH", role: .technician, action: Permission.handleDrawer.rawValue))
        let open = try await f.xReport(f.mgr)
        let second = try await f.refusal {
            _ = try await f.store.openDrawer(count: StoreFixture.openingFloat, commandID: f.id(), by: f.csr2)
        }
        expectConflict(second, "drawer FRONT-1 already has session \(open.session) open")
        // Another terminal's drawer opens on its own.
        let front2Report = try await f.store.openDrawer(
            count: f.drawerCount("20x5"),
            commandID: f.id(),
            by: front2
        )
        #expect(front2Report.drawer == "FRONT-2" && front2Report.session != open.session)
        // The database itself keeps one active session per drawer.
        let raw = try f.rawConnection()
        let before = try await f.snapshot()
        await #expect(throws: DatabaseError.self) {
            try await raw.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO drawerSession (drawer, state, openedBy, openedAt, cashier) VALUES ('FRONT-1', 'open', 'CSR', 0, 'CSR')"
                )
            }
        }
        try await f.expectUnchanged(since: before)
    }

    @Test("paid-outs above the clinic's limits ($100 an event, $250 a session) need a manager's PIN")
    func paidOutsAboveTheLimitsNeedAManager() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.movement(.paidIn, "600.00", reason: "change from the bank")
        let unapproved = try await f.refusal { _ = try await f.movement(.paidOut, "120.00", reason: "supplies") }
        #expect(
            unapproved
                == .approvalRequired(
                    field: "approval",
                    reason: "a paid-out of $120.00 is above the $100.00 limit: a manager's PIN is required"
                )
        )
        let wrongPIN = try await f.refusal {
            _ = try await f.movement(.paidOut, "120.00", reason: "supplies", approval: f.approval(pin: "0000"))
        }
        #expect(wrongPIN == .authenticationFailed(employee: "MGR"))
        let approved = try await f.movement(.paidOut, "120.00", reason: "supplies", approval: f.approval())
        #expect(approved.amount == .dollars("-120.00") && approved.otherEmployee == "MGR")
        _ = try await f.movement(.paidOut, "100.00", reason: "supplies")
        let pastSession = try await f.refusal { _ = try await f.movement(.paidOut, "40.00", reason: "postage") }
        #expect(
            pastSession
                == .approvalRequired(
                    field: "approval",
                    reason:
                        "paid-outs of $260.00 from this drawer are above the $250.00 limit: a manager's PIN is required"
                )
        )
        let byManager = try await f.movement(.paidOut, "40.00", reason: "postage", by: f.mgr)
        #expect(byManager.otherEmployee == "MGR")
    }

    @Test("a handover count beyond the tolerance needs a manager; the refusal keeps the count blind")
    func aHandoverBeyondTheToleranceNeedsAManager() async throws {
        let f = try await StoreFixture.make()
        let short = StoreFixture.openingFloat - f.drawerCount("0.25x12")  // $3.00 short
        let refused = try await f.refusal {
            _ = try await f.store.handOverDrawer(
                count: short,
                to: f.approval("CSR2"),
                commandID: f.id(),
                by: f.csr
            )
        }
        #expect(
            refused
                == .approvalRequired(
                    field: "approval",
                    reason: "the handover count is off by more than the $2.00 tolerance: recount, or a manager "
                        + "confirms it with their PIN"
                )
        )
        let confirmed = try await f.store.handOverDrawer(
            count: short,
            to: f.approval("CSR2"),
            approval: f.approval(),
            commandID: f.id(),
            by: f.csr
        )
        #expect(confirmed.overShort == .dollars("-3.00"))
    }

    @Test func movementsAreChecked() async throws {
        let f = try await StoreFixture.make()
        let lunch = try await f.refusal { _ = try await f.movement(.paidOut, "8.00", reason: "lunch") }
        expectInvalid(lunch, field: "paid-out reason", reason: "'lunch' is not one of: petty cash, postage, supplies")
        let otherWithoutNote = try await f.refusal { _ = try await f.movement(.paidOut, "8.00", reason: "other") }
        expectCode(otherWithoutNote, "movement.noteRequired", field: "paid-out note")
        let blankNote = try await f.refusal {
            _ = try await f.movement(.paidIn, "8.00", reason: "other", note: "   ")
        }
        expectCode(blankNote, "movement.noteRequired", field: "paid-in note")
        let wrongList = try await f.refusal { _ = try await f.movement(.paidIn, "8.00", reason: "postage") }
        expectInvalid(wrongList, field: "paid-in reason", reason: "'postage' is not one of")
        let zero = try await f.refusal { _ = try await f.movement(.paidIn, "0.00", reason: "change from the bank") }
        expectCode(zero, "movement.amountNotPositive", field: "paid-in amount")
        let negative = try await f.refusal { _ = try await f.movement(.paidOut, "-3.00", reason: "postage") }
        expectCode(negative, "movement.amountNotPositive", field: "paid-out amount")
        let emptyDrop = try await f.refusal { _ = try await f.movement(.safeDrop, reason: "Safe") }
        expectInvalid(emptyDrop, field: "safe drop", reason: "count what goes to the safe")
        let badDrop = try await f.refusal {
            _ = try await f.store.recordDrawerMovement(
                .safeDrop,
                count: CashCount(["100": 1, "7": 2]),
                reason: "Safe",
                commandID: f.id(),
                by: f.csr
            )
        }
        expectInvalid(badDrop, field: "safe drop count, 7", reason: "unknown denomination")
        let negativeDrop = try await f.refusal {
            _ = try await f.store.recordDrawerMovement(
                .safeDrop,
                count: CashCount(["100": 2, "20": -1]),
                reason: "Safe",
                commandID: f.id(),
                by: f.csr
            )
        }
        expectCode(negativeDrop, "count.negative", field: "safe drop count, 20")
        let noReason = try await f.refusal { _ = try await f.movement(.noSale, reason: " ") }
        expectInvalid(noReason, field: "no-sale reason", reason: "must not be empty")
        let notAMovement = try await f.refusal { _ = try await f.movement(.adjustment, "1.00", reason: "x") }
        expectInvalid(notAMovement, field: "kind", reason: "adjustment is not a drawer movement")
        let byTech = try await f.refusal { _ = try await f.movement(.paidOut, "1.00", reason: "postage", by: f.tech) }
        #expect(byTech == .notPermitted(employee: "TECH", role: .technician, action: Permission.handleDrawer.rawValue))
        let noSaleByBook = try await f.refusal { _ = try await f.movement(.noSale, reason: "Looking", by: f.book) }
        #expect(noSaleByBook == .notPermitted(employee: "BOOK", role: .bookkeeper, action: Permission.noSale.rawValue))
        let front2 = try await f.signIn("CSR", at: "FRONT-2")
        let noDrawer = try await f.refusal {
            _ = try await f.movement(.paidIn, "5.00", reason: "other", note: "x", by: front2)
        }
        expectCode(noDrawer, "drawer.notOpen")

        // A replayed movement is recorded once.
        let commandID = f.id()
        for _ in 0..<2 {
            _ = try await f.store.recordDrawerMovement(
                .paidOut,
                amount: .dollars("4.00"),
                reason: "supplies",
                commandID: commandID,
                by: f.csr
            )
        }
        #expect(try await f.count("drawerEvent", where: "kind = 'paidOut'") == 1)
        #expect(try await f.xReport(f.mgr).figures?.expectedCash == .dollars("164.00"))
    }

    @Test func cashAndChecksNeedAnOpenDrawerAtTheTerminal() async throws {
        let f = try await StoreFixture.make()
        let front2 = try await f.signIn("CSR", at: "FRONT-2")
        for payment in [f.cash(.dollars("62.00")), f.check(.dollars("62.00"))] {
            let error = try await f.refusal {
                _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [payment], by: front2)
            }
            expectCode(error, "drawer.notOpen")
        }
        // A card needs no drawer, and is linked to none.
        let card = try await f.checkout(
            "OWNER",
            [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"))],
            by: front2
        )
        #expect(
            try await f.count("payment", where: "number = \(card.payments[0].number) AND drawerSession IS NULL") == 1
        )
        // A cash refund of a FRONT-1 sale, at FRONT-2, is refused too: the cash would leave a drawer that is not open.
        let sale = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        let refund = try await f.refusal {
            _ = try await f.store.refund(
                RefundRequest(
                    id: f.id(),
                    payment: sale.payments[0].number,
                    amount: .dollars("2.00"),
                    reason: "Goodwill"
                ),
                by: front2
            )
        }
        expectCode(refund, "drawer.notOpen")
        let void = try await f.refusal {
            _ = try await f.store.void(
                VoidRequest(id: f.id(), invoice: sale.number, reason: "Wrong client"),
                by: f.mgr.at("FRONT-2")
            )
        }
        expectCode(void, "drawer.notOpen")
        // Every payment at FRONT-1 belongs to its open session, cards included.
        let session = try await f.xReport(f.mgr).session
        let mixed = try await f.checkout(
            "OWNER",
            [f.line("REX", "DENTAL")],
            payments: [f.card(.debit, .dollars("89.00")), f.check(.dollars("200.00")), f.cash(.dollars("100.00"))]
        )
        #expect(mixed.payments.count == 3)
        #expect(try await f.count("payment", where: "drawerSession = \(session)") == 4)
    }

    @Test func theBlindCountCanBeTurnedOffByTheClinic() async throws {
        let f = try await StoreFixture.make()
        #expect(try await f.xReport(f.csr).figures == nil)
        var policy = try await f.store.policy()
        policy.drawer.blindCount = false
        _ = try await f.store.updatePolicy(policy, commandID: f.id(), by: f.mgr)
        #expect(try await f.xReport(f.csr).figures?.expectedCash == .dollars("168.00"))
    }

    @Test func withoutRequiredVerificationTheCounterMayCloseAlone() async throws {
        let f = try await StoreFixture.make()
        var policy = try await f.store.policy()
        policy.drawer.requireVerification = false
        _ = try await f.store.updatePolicy(policy, commandID: f.id(), by: f.mgr)
        let z = try await f.closeEven(counter: f.csr, verifier: f.csr)
        #expect(z.zNumber == 1 && z.closedBy == "CSR")
    }

    @Test func aCloseCountNeedsNoHalfEnteredSaleOnlyFromThisSession() async throws {
        // An invoice left open at another terminal does not block FRONT-1's close.
        let f = try await StoreFixture.make()
        let front2 = try await f.signIn("CSR2", at: "FRONT-2")
        _ = try await f.store.openInvoice(
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            commandID: f.id(),
            by: front2
        )
        let z = try await f.closeEven(counter: f.csr, verifier: f.csr2)
        #expect(z.zNumber == 1)
        // Nothing is counted or closed twice.
        let noSession = try await f.refusal { _ = try await f.closeCount(CashCount(), by: f.csr) }
        expectCode(noSession, "drawer.notOpen")
        let noClose = try await f.refusal { _ = try await f.closeDrawer(by: f.csr2) }
        expectConflict(noClose, "no drawer session of FRONT-1 waits for verification")
        let noRecount = try await f.refusal {
            _ = try await f.store.recountDrawer(count: CashCount(), commandID: f.id(), by: f.csr)
        }
        expectConflict(noRecount, "no drawer session of FRONT-1 waits for verification")
    }

    /// A drawer holding less than the float target keeps everything: the Z report still says so, with nothing to
    /// the bank.
    @Test func aDrawerBelowTheTargetKeepsEverything() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.movement(.paidOut, "30.00", reason: "supplies")
        let z = try await f.closeEven(counter: f.csr, verifier: f.csr2)
        let counted = try #require(z.finalCount).counted
        #expect(counted == .dollars("138.00"))
        #expect(z.floatKept?.total(Denomination.usd) == counted)
        #expect(z.deposit == CashCount())
        let text = z.text(calendar: StoreFixture.calendar)
        #expect(text.contains("Float left in the drawer"), "\(text)")
        #expect(text.contains("To the bank (cash)"), "\(text)")
    }

    /// With a float target of zero everything goes to the bank; the next opening is compared with that empty float.
    @Test func anOpeningAfterAnEmptiedDrawerReportsTheWholeCountAsItsDifference() async throws {
        let f = try await StoreFixture.make()
        var policy = try await f.store.policy()
        policy.drawer.floatTarget = .zero
        policy.drawer.floatMinimum = CashCount()
        _ = try await f.store.updatePolicy(policy, commandID: f.id(), by: f.mgr)
        let z = try await f.closeEven(counter: f.csr, verifier: f.csr2)
        #expect(z.floatKept == CashCount())
        #expect(z.deposit?.total(Denomination.usd) == .dollars("168.00"))
        let next = try await f.store.openDrawer(count: f.drawerCount("20x5"), commandID: f.id(), by: f.csr)
        #expect(next.previousFloat == CashCount())
        #expect(next.openingDifference == .dollars("100.00"))
    }

    // MARK: - The database

    @Test func theDatabaseRefusesChangesToAClosedSession() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.movement(.paidIn, "10.00", reason: "change from the bank")
        _ = try await f.movement(.safeDrop, count: "20x1", reason: "Safe")
        let z = try await f.closeEven(counter: f.csr, verifier: f.csr2)
        let s = z.session
        // A new session, so inserting for the open one would be allowed while the closed one's is not.
        _ = try await f.store.openDrawer(count: try #require(z.floatKept), commandID: f.id(), by: f.csr)
        let refused = "closed drawer sessions are immutable"
        let statements: [(sql: String, refusal: String)] = [
            ("UPDATE drawerSession SET closeNote = 'edited' WHERE id = \(s)", refused),
            ("UPDATE drawerSession SET state = 'open' WHERE id = \(s)", refused),
            ("UPDATE drawerSession SET zNumber = 7 WHERE id = \(s)", refused),
            ("UPDATE drawerSession SET cashier = 'CSR2'", refused),
            ("DELETE FROM drawerSession WHERE id = \(s)", "drawer sessions are never deleted"),
            (
                "UPDATE drawerEvent SET amount = amount - 100 WHERE session = \(s) AND kind = 'paidIn'",
                "drawerEvent rows are append-only"
            ),
            ("DELETE FROM drawerEvent WHERE session = \(s) AND kind = 'safeDrop'", "drawerEvent rows are append-only"),
            ("UPDATE drawerCount SET quantity = quantity + 1 WHERE session = \(s)", "drawerCount rows are append-only"),
            ("DELETE FROM drawerCount WHERE session = \(s)", "drawerCount rows are append-only"),
            ("UPDATE drawerSplit SET quantity = 1 WHERE session = \(s)", "drawerSplit rows are append-only"),
            ("DELETE FROM drawerSplit WHERE session = \(s)", "drawerSplit rows are append-only"),
            (
                """
                INSERT INTO drawerEvent (session, sequence, kind, amount, reason, employee, otherEmployee, correctsSession, at)
                VALUES (\(s), 99, 'adjustment', -500, 'quietly', 'MGR', NULL, NULL, 0)
                """,
                refused
            ),
            (
                """
                INSERT INTO drawerEvent (session, sequence, kind, amount, reason, employee, otherEmployee, correctsSession, at)
                VALUES (\(s), 99, 'recount', 0, NULL, 'MGR', NULL, NULL, 0)
                """,
                refused
            ),
            ("INSERT INTO drawerCount (session, sequence, denomination, quantity) VALUES (\(s), 1, '50', 3)", refused),
            ("INSERT INTO drawerSplit (session, part, denomination, quantity) VALUES (\(s), 'keep', '50', 3)", refused),
        ]
        let raw = try f.rawConnection()
        let before = try await f.snapshot()
        let reportBefore = try await f.store.zReport(drawer: "FRONT-1", number: 1, viewer: f.mgr)
        #expect(!before.rows("drawerSplit").isEmpty)
        for statement in statements {
            let error = await #expect(throws: DatabaseError.self, "\(statement.sql)") {
                try await raw.write { db in try db.execute(sql: statement.sql) }
            }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT, "\(statement.sql)")
            #expect(
                error?.message?.contains(statement.refusal) == true,
                "\(statement.sql): \(String(describing: error?.message))"
            )
            try await f.expectUnchanged(since: before, statement.sql)
        }
        #expect(try await f.store.zReport(drawer: "FRONT-1", number: 1, viewer: f.mgr) == reportBefore)
    }

    /// A payment row naming a counted or closed session would change what its count found: the database refuses it.
    @Test func aPaymentCannotJoinASessionThatIsNotOpen() async throws {
        let f = try await StoreFixture.make()
        let sale = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        let session = try await f.xReport(f.mgr).session
        let raw = try f.rawConnection()
        func insert() async throws {
            try await raw.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO payment (invoiceNumber, clientId, kind, tender, amount, tendered, change,
                            employeeId, terminal, at, businessDate, drawerSession, drawerAfterEvent)
                        VALUES (\(sale.number), 'OWNER', 'payment', 'cash', 500, 500, 0, 'CSR', 'FRONT-1', 0,
                            '2025-03-04', \(session), 1)
                        """
                )
            }
        }
        let expected = try #require(try await f.xReport(f.mgr).figures).expectedCash
        _ = try await f.closeCount(DrawerTests.count(of: expected), by: f.csr)
        for state in ["ended", "closed"] {
            if state == "closed" { _ = try await f.closeDrawer(by: f.csr2) }
            let before = try await f.snapshot()
            let error = await #expect(throws: DatabaseError.self, "\(state)") { try await insert() }
            #expect(error?.message?.contains("payments go only to an open drawer session") == true, "\(state)")
            try await f.expectUnchanged(since: before, state)
        }
        #expect(try await f.store.zReport(drawer: "FRONT-1", number: 1, viewer: f.csr).finalCount?.overShort == .zero)
    }

    // MARK: - History

    @Test func overShortHistoryIsKeptPerEmployeeAndPerDrawer() async throws {
        let f = try await StoreFixture.make()
        let front2 = try await f.signIn("CSR2", at: "FRONT-2")
        let mgr2 = f.mgr.at("FRONT-2")
        _ = try await f.store.openDrawer(count: f.drawerCount("20x5"), commandID: f.id(), by: front2)
        // FRONT-1: the CSR hands over $0.50 short to CSR2, who closes $0.25 over.
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.cash(.dollars("62.00"))])
        _ = try await f.store.handOverDrawer(
            count: StoreFixture.openingFloat + f.drawerCount("20x3,1x2") - f.drawerCount("0.25x2"),
            to: f.approval("CSR2"),
            commandID: f.id(),
            by: f.csr
        )
        _ = try await f.closeCount(
            StoreFixture.openingFloat + f.drawerCount("20x3,1x2") - f.drawerCount("0.25x1"),
            by: f.csr2
        )
        _ = try await f.closeDrawer(by: f.mgr)
        // FRONT-2: CSR2 closes $1.00 short, verified by the manager.
        _ = try await f.store.countDrawerForClose(
            count: f.drawerCount("20x4,10x1,5x1,1x4"),
            checks: [],
            cardSlips: [:],
            commandID: f.id(),
            by: front2
        )
        _ = try await f.store.closeDrawer(keep: nil, note: nil, approval: nil, commandID: f.id(), by: mgr2)

        let all = try await f.store.overShortHistory(viewer: f.mgr)
        #expect(all.map(\.drawer) == ["FRONT-1", "FRONT-1", "FRONT-2"])
        #expect(all.map(\.cashier) == ["CSR", "CSR2", "CSR2"])
        #expect(all.map(\.kind) == [.handover, .closeCount, .closeCount])
        #expect(all.map(\.overShort) == [.dollars("-0.50"), .dollars("0.25"), .dollars("-1.00")])
        #expect(
            try await f.store.overShortHistory(employee: "CSR2", viewer: f.mgr).map(\.overShort) == [
                .dollars("0.25"), .dollars("-1.00"),
            ]
        )
        #expect(try await f.store.overShortHistory(drawer: "FRONT-2", viewer: f.mgr).map(\.cashier) == ["CSR2"])
        #expect(try await f.store.overShortHistory(employee: "CSR", drawer: "FRONT-2", viewer: f.mgr).isEmpty)
        #expect(all.allSatisfy { $0.zNumber == 1 })
    }
}

extension Operator {
    /// The same employee signed in at another terminal (for tests that need no PIN check).
    fileprivate func at(_ terminal: String) -> Operator { Operator(employee: employee, terminal: terminal) }
}
