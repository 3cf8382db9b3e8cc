import Foundation
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Several terminals ringing at once against one store.
@Suite struct ConcurrencyTests {
    @Test func eightTerminalsRingingTenCheckoutsEach() async throws {
        let f = try await StoreFixture.make()
        let journalBefore = try await f.store.verifyJournal().count
        let clerks = [f.csr, f.csr2, f.tech, f.vet, f.mgr, f.csr, f.csr2, f.tech]
        let views = try await withThrowingTaskGroup(of: [InvoiceView].self) { group in
            for (terminal, clerk) in clerks.enumerated() {
                group.addTask {
                    var views: [InvoiceView] = []
                    for index in 0..<10 {
                        let (client, patient) = index.isMultiple(of: 2) ? ("OWNER", "REX") : ("CREDIT", "TOM")
                        let request = CheckoutRequest(
                            id: "t\(terminal)-c\(index)-\(UUID().uuidString)",
                            client: client,
                            lines: [
                                LineRequest(patient: patient, item: "EXAM", provider: "VET"),
                                LineRequest(
                                    patient: patient,
                                    item: "TOY",
                                    quantity: .units(Int64(terminal + 1)),
                                    provider: "TECH"
                                ),
                            ],
                            payments: [PaymentInput(tender: .cash, amount: .dollars("200.00"))]
                        )
                        views.append(try await f.store.checkout(request, by: clerk))
                    }
                    return views
                }
            }
            var all: [InvoiceView] = []
            for try await views in group { all += views }
            return all
        }
        #expect(views.count == 80)
        let numbers = views.map(\.number).sorted()
        #expect(Set(numbers).count == 80)
        #expect(numbers == Array(1...80))
        for view in views {
            CheckoutTests.expectTiesOut(view)
            #expect(view.status == .paid)
            #expect(try await f.store.invoice(view.number) == view)
        }
        let verifier = try await f.store.verifyJournal()
        #expect(verifier.problem == nil)
        #expect(verifier.count == journalBefore + 160)  // one posting and one payment each
        #expect(try await f.count("payment") == 80)
        #expect(try await f.count("command", where: "kind = 'checkout'") == 80)
        let report = try await f.store.dayReport(f.today)
        #expect(report.invoicesPosted == 80)
        #expect(report.salesTotal == views.map(\.total).sum())
        #expect(report.collected == report.salesTotal)
    }

    @Test func theSameRequestFromEightTasksAtOnceIsDoneOnce() async throws {
        let f = try await StoreFixture.make()
        let request = CheckoutRequest(
            id: f.id(),
            client: "OWNER",
            lines: [f.line("REX", "EXAM")],
            payments: [f.card(.credit, .dollars("62.00"))]
        )
        let views = try await withThrowingTaskGroup(of: InvoiceView.self) { group in
            for _ in 0..<8 { group.addTask { try await f.store.checkout(request, by: f.csr) } }
            var all: [InvoiceView] = []
            for try await view in group { all.append(view) }
            return all
        }
        #expect(views.count == 8)
        #expect(Set(views).count == 1)
        #expect(try await f.count("invoice") == 1)
        #expect(try await f.count("payment") == 1)
        #expect(try await f.count("journal", where: "kind = 'invoice.posted'") == 1)
    }

    @Test func aSingleUseCouponRacedFromEightTerminalsIsRedeemedOnce() async throws {
        let f = try await StoreFixture.make()
        let results = await withTaskGroup(of: Result<InvoiceView, POSError>.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        return .success(
                            try await f.checkout(
                                "OWNER",
                                [f.line("REX", "EXAM")],
                                discounts: [DiscountRequest(discountClass: .coupon, couponCode: "ONCE5")]
                            )
                        )
                    } catch let error as POSError {
                        return .failure(error)
                    } catch {
                        return .failure(.conflict("unexpected \(error)"))
                    }
                }
            }
            var all: [Result<InvoiceView, POSError>] = []
            for await result in group { all.append(result) }
            return all
        }
        let successes = results.compactMap { try? $0.get() }
        #expect(successes.count == 1)
        #expect(successes.first?.discountTotal == .dollars("5.00"))
        for case .failure(let error) in results {
            expectInvalid(error, field: "discounts[0].code", reason: "already redeemed")
        }
        #expect(try await f.count("couponRedemption") == 1)
        #expect(try await f.count("invoice") == 1)
    }
}
