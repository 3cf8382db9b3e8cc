import Foundation
import POSCore
import POSStorage
import POSTestSupport
import Testing

/// Each refusal names what is wrong and leaves every table exactly as it was.
@Suite struct RefusalTests {
    @Test func aCheckWithoutTheIdNumberIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM")],
                payments: [f.check(.dollars("62.00"), idNumber: "")]
            )
        }
        expectInvalid(error, field: "payments[0].idNumber", reason: "without the payer's ID")
    }

    @Test func aFullCardNumberInLast4IsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM")],
                payments: [f.card(.credit, .dollars("62.00"), last4: "4111111111111111")]
            )
        }
        expectInvalid(error, field: "payments[0].last4", reason: "only the last 4 digits")
        #expect(!error.description.contains("4111111111111111"))
    }

    @Test func anUnknownItemCodeIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout("OWNER", [f.line("REX", "EXAM"), f.line("MIA", "NOPE")])
        }
        expectInvalid(error, field: "lines[1].item", reason: "unknown item code 'NOPE'")
    }

    @Test func anInactiveItemIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal { _ = try await f.checkout("OWNER", [f.line("REX", "OLD", by: "TECH")]) }
        expectInvalid(error, field: "lines[0].item", reason: "OLD is not active")
    }

    @Test func aPatientOfAnotherClientIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout("OWNER", [f.line("REX", "EXAM"), f.line("TOM", "EXAM")])
        }
        expectInvalid(error, field: "lines[1].patient", reason: "'TOM' is not a pet of client OWNER")
        // The same through an open invoice.
        let openError = try await f.refusal {
            _ = try await f.store.openInvoice(
                client: "OWNER",
                lines: [f.line("BUDDY", "EXAM")],
                commandID: f.id(),
                by: f.csr
            )
        }
        expectInvalid(openError, field: "lines[0].patient", reason: "not a pet of client OWNER")
    }

    static let employeeTwenty = DiscountRequest(discountClass: .employee, method: .percent(.percent(20)))
    static let staffLines = [LineRequest(patient: "BUDDY", item: "EXAM", provider: "VET")]

    @Test func anOverCeilingDiscountWithoutApprovalIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "STAFF",
                Self.staffLines,
                discounts: [Self.employeeTwenty],
                payments: [f.cash(.dollars("50.00"))]
            )
        }
        guard case .approvalRequired(let field, let reason, _) = error else {
            Issue.record("expected .approvalRequired, got \(error)")
            return
        }
        #expect(field == "discounts[0]")
        #expect(
            reason.contains("20%") && reason.contains("10%") && reason.contains("ceiling") && reason.contains("csr")
        )
    }

    @Test func anOverCeilingDiscountWithAWrongManagerPINIsRefused() async throws {
        let f = try await StoreFixture.make()
        var discount = Self.employeeTwenty
        discount.approval = f.approval(pin: "0000", reason: "Staff benefit")
        let error = try await f.refusal { _ = try await f.checkout("STAFF", Self.staffLines, discounts: [discount]) }
        #expect(error == .authenticationFailed(employee: "MGR"))
        #expect(!error.description.contains("0000"))
    }

    @Test func aCSRApprovingTheirOwnDiscountIsRefused() async throws {
        let f = try await StoreFixture.make()
        var discount = Self.employeeTwenty
        discount.approval = f.approval("CSR", reason: "Staff benefit")
        let error = try await f.refusal {
            _ = try await f.checkout("STAFF", Self.staffLines, discounts: [discount], by: f.csr)
        }
        expectApprovalRequired(error, field: "discounts[0].approval", reason: "cannot approve their own discount")
    }

    @Test(arguments: ["TECH", "VET", "CSR2", "BOOK"])
    func aNonManagerApproverIsRefused(approver: String) async throws {
        let f = try await StoreFixture.make()
        var discount = Self.employeeTwenty
        discount.approval = f.approval(approver, reason: "Staff benefit")
        let error = try await f.refusal {
            _ = try await f.checkout("STAFF", Self.staffLines, discounts: [discount], by: f.csr)
        }
        expectApprovalRequired(error, field: "discounts[0].approval", reason: "\(approver) (")
        expectApprovalRequired(error, field: "discounts[0].approval", reason: "may not approve discounts")
    }

    @Test func anAccountChargeOverTheCreditLimitIsRefused() async throws {
        let f = try await StoreFixture.make()
        // At once: $389 against a $300 limit.
        let atOnce = try await f.refusal {
            _ = try await f.checkout("CREDIT", [f.line("TOM", "DENTAL")], payments: [f.account(.dollars("389.00"))])
        }
        expectInvalid(atOnce, field: "payments", reason: "over the $300.00 limit")

        // Cumulatively: $250 already on the account, then $62 more.
        let first = try await f.checkout(
            "CREDIT",
            [f.line("TOM", "DENTAL")],
            payments: [f.account(.dollars("250.00")), f.cash(.dollars("139.00"))]
        )
        #expect(first.status == .paid)
        #expect(try await f.store.client("CREDIT").accountBalance == .dollars("250.00"))
        let cumulative = try await f.refusal {
            _ = try await f.checkout("CREDIT", [f.line("TOM", "EXAM")], payments: [f.account(.dollars("62.00"))])
        }
        expectInvalid(cumulative, field: "payments", reason: "$312.00, over the $300.00 limit")
        // Up to the limit exactly is fine.
        let exact = try await f.checkout(
            "CREDIT",
            [f.line("TOM", "EXAM")],
            payments: [f.account(.dollars("50.00")), f.cash(.dollars("12.00"))]
        )
        #expect(exact.status == .paid)
        #expect(try await f.store.client("CREDIT").accountBalance == .dollars("300.00"))
        // Later payments are held to the same limit.
        let unpaid = try await f.checkout("CREDIT", [f.line("TOM", "RECHECK")])
        let later = try await f.refusal {
            _ = try await f.store.pay(
                PaymentRequest(id: f.id(), invoice: unpaid.number, payments: [f.account(.dollars("0.01"))]),
                by: f.csr
            )
        }
        expectInvalid(later, field: "payments", reason: "over the $300.00 limit")
    }

    @Test func anAccountChargeWithoutACreditAccountIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], payments: [f.account(.dollars("10.00"))])
        }
        expectInvalid(error, field: "payments", reason: "client OWNER has no approved credit account")
    }

    @Test func nonCashPaymentsOverTheTotalAreRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM")],
                payments: [f.card(.credit, .dollars("40.00")), f.check(.dollars("22.01"))]
            )
        }
        expectInvalid(error, field: "payments", reason: "non-cash payments of $62.01 exceed the $62.00 due")
    }

    @Test func anExpiredCouponIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM")],
                discounts: [DiscountRequest(discountClass: .coupon, couponCode: "GONE")]
            )
        }
        expectInvalid(error, field: "discounts[0].code", reason: "coupon GONE expired on 2020-01-01")
    }

    @Test func aSingleUseCouponOnASecondInvoiceIsRefused() async throws {
        let f = try await StoreFixture.make()
        let coupon = [DiscountRequest(discountClass: .coupon, couponCode: "ONCE5")]
        _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], discounts: coupon)
        let error = try await f.refusal {
            _ = try await f.checkout("CREDIT", [f.line("TOM", "EXAM")], discounts: coupon)
        }
        expectInvalid(error, field: "discounts[0].code", reason: "coupon ONCE5 was already redeemed")
        // Twice on one invoice is refused too.
        let twice = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM")],
                discounts: [
                    DiscountRequest(discountClass: .coupon, couponCode: "TENOFF"),
                    DiscountRequest(discountClass: .coupon, couponCode: "TENOFF"),
                ]
            )
        }
        expectInvalid(twice, field: "discounts[1].code", reason: "coupon TENOFF is used twice")
    }

    @Test func aMultiplePetsDiscountWithOnePetIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM"), f.line("REX", "FOOD", by: "TECH")],
                discounts: [DiscountRequest(discountClass: .multiplePets, method: .percent(.percent(5)))]
            )
        }
        expectInvalid(error, field: "discounts[0].class", reason: "at least two pets")
    }

    @Test func aComplimentaryExamOnAProductLineIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal {
            _ = try await f.checkout(
                "OWNER",
                [f.line("REX", "EXAM"), f.line("REX", "FOOD", by: "TECH")],
                discounts: [DiscountRequest(discountClass: .complimentaryExam, target: .line(2))],
                by: f.vet
            )
        }
        expectInvalid(error, field: "discounts[0].line", reason: "line 2 is not a service")
    }

    @Test func aBookkeeperCannotRingASale() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal { _ = try await f.checkout("OWNER", [f.line("REX", "EXAM")], by: f.book) }
        #expect(error == .notPermitted(employee: "BOOK", role: .bookkeeper, action: Permission.ringSales.rawValue))
        let open = try await f.refusal {
            _ = try await f.store.openInvoice(
                client: "OWNER",
                lines: [f.line("REX", "EXAM")],
                commandID: f.id(),
                by: f.book
            )
        }
        #expect(open == .notPermitted(employee: "BOOK", role: .bookkeeper, action: Permission.openInvoice.rawValue))
        // Nor be named as the provider of care.
        let provider = try await f.refusal { _ = try await f.checkout("OWNER", [f.line("REX", "EXAM", by: "BOOK")]) }
        expectInvalid(provider, field: "lines[0].provider", reason: "bookkeeper")
    }

    @Test func aCatalogImportWithANegativePriceIsRefusedWhole() async throws {
        let f = try await StoreFixture.make()
        let items = [
            CatalogItem(
                code: "NEWTOY",
                name: "Squeaky ball",
                kind: .product,
                unitPrice: .dollars("4.99"),
                taxCategory: "RETAIL"
            ),
            CatalogItem(
                code: "EXAM",
                name: "Wellness exam",
                kind: .service,
                unitPrice: Money(minorUnits: -100),
                taxCategory: "EXEMPT"
            ),
        ]
        let error = try await f.refusal { _ = try await f.store.importCatalog(items, commandID: f.id(), by: f.mgr) }
        expectInvalid(error, field: "item EXAM, price", reason: "must not be negative")
        #expect(try await f.store.catalog().contains { $0.code == "NEWTOY" } == false)
    }

    @Test func aCatalogImportWithABadBarcodeOrUnknownTaxIsRefusedWhole() async throws {
        let f = try await StoreFixture.make()
        let bad = CatalogItem(
            code: "NEWTOY",
            name: "Squeaky ball",
            kind: .product,
            unitPrice: .dollars("4.99"),
            taxCategory: "RETAIL",
            barcode: "052742462108"
        )
        expectInvalid(
            try await f.refusal { _ = try await f.store.importCatalog([bad], commandID: f.id(), by: f.mgr) },
            field: "item NEWTOY, barcode",
            reason: "wrong check digit"
        )
        let ok = CatalogItem(
            code: "NEWTOY",
            name: "Squeaky ball",
            kind: .product,
            unitPrice: .dollars("4.99"),
            taxCategory: "RETAIL"
        )
        let unknownTax = CatalogItem(
            code: "NEWBED",
            name: "Dog bed",
            kind: .product,
            unitPrice: .dollars("39.99"),
            taxCategory: "LUXURY"
        )
        expectInvalid(
            try await f.refusal {
                _ = try await f.store.importCatalog([ok, unknownTax], commandID: f.id(), by: f.mgr)
            },
            field: "item NEWBED, tax category",
            reason: "unknown tax category 'LUXURY'"
        )
        // Only managers maintain the catalog.
        let csr = try await f.refusal { _ = try await f.store.importCatalog([ok], commandID: f.id(), by: f.csr) }
        #expect(csr == .notPermitted(employee: "CSR", role: .csr, action: Permission.manageCatalog.rawValue))
    }

    @Test func anUnknownClientIsRefused() async throws {
        let f = try await StoreFixture.make()
        let error = try await f.refusal { _ = try await f.checkout("NOBODY", [f.line("REX", "EXAM")]) }
        #expect(error == .notFound(what: "client", id: "NOBODY"))
    }
}
