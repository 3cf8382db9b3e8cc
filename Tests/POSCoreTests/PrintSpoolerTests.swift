import Foundation
import POSCore
import POSTestSupport
import Testing

@Suite struct PrintSpoolerTests {
    let jobs = InMemoryPrintJobs()
    let printer = FakeReceiptPrinter()
    var spooler: PrintSpooler { PrintSpooler(jobs: jobs, printer: printer, maxAttempts: 3) }

    func receipt(_ n: Int) -> [UInt8] { Array("receipt \(n)\n".utf8) }

    @Test func deliversInOrderAndRecordsPrinted() async throws {
        for n in 1...3 { jobs.add(document: "invoice \(n)", bytes: receipt(n)) }
        let report = try await spooler.deliver(waitingUpTo: 1000)
        #expect(report.printed == [1, 2, 3])
        #expect(printer.printed == [receipt(1), receipt(2), receipt(3)])
        #expect(jobs.all.map(\.state) == [.printed, .printed, .printed])
        #expect(jobs.all.map(\.attempts) == [1, 1, 1])
        #expect(try await spooler.deliver().printed.isEmpty, "nothing left to do")
        #expect(printer.printed.count == 3)
    }

    @Test func stoppedQueueHoldsJobsThenPrintsEachOnceInOrder() async throws {
        printer.setStopped(true, queue: "receipt", message: "paper out")
        for n in 1...3 { jobs.add(document: "invoice \(n)", bytes: receipt(n)) }
        let waiting = try await spooler.deliver()
        #expect(waiting.waiting == [1, 2, 3])
        #expect(waiting.problems == ["invoice 1 waits: queue receipt is stopped (paper out)"])
        #expect(printer.jobs.isEmpty, "nothing was handed to a stopped queue")
        #expect(jobs.all.allSatisfy { $0.state == .queued && $0.attempts == 0 })
        _ = try await spooler.deliver()
        printer.setStopped(false, queue: "receipt")
        let report = try await spooler.deliver(waitingUpTo: 1000)
        #expect(report.printed == [1, 2, 3])
        #expect(printer.printed == [receipt(1), receipt(2), receipt(3)])
    }

    @Test func rejectingQueueAndDownServerWait() async throws {
        jobs.add(document: "invoice 1", bytes: receipt(1))
        printer.setAccepting(false, queue: "receipt")
        #expect(try await spooler.deliver().problems == ["invoice 1 waits: queue receipt is rejecting jobs"])
        printer.setAccepting(true, queue: "receipt")
        printer.setDown(true)
        #expect(try await spooler.deliver().problems == ["invoice 1 waits: the print server does not answer"])
        printer.setDown(false)
        #expect(try await spooler.deliver(waitingUpTo: 1000).printed == [1])
        #expect(printer.printed == [receipt(1)])
    }

    @Test func crashAfterTheServerPrintedIsNotPrintedAgain() async throws {
        // The process died after sending the bytes but before recording `sent`: the server job completed.
        var job = jobs.add(document: "invoice 1", bytes: receipt(1))
        let server = try await printer.createJob(title: "t", queue: "receipt")
        try await printer.send(receipt(1), job: server, queue: "receipt")
        job.state = .sending
        job.printerJob = server
        job.attempts = 1
        jobs.set(job)
        let report = try await spooler.deliver()
        #expect(report.printed == [1])
        #expect(printer.printed == [receipt(1)], "printed once")
    }

    @Test func crashBeforeTheBytesArrivedSendsAnewOnce() async throws {
        // The process died after creating the server job: the job exists on the server, without its document.
        var job = jobs.add(document: "invoice 1", bytes: receipt(1))
        let server = try await printer.createJob(title: "t", queue: "receipt")
        job.state = .sending
        job.printerJob = server
        job.attempts = 1
        jobs.set(job)
        let report = try await spooler.deliver(waitingUpTo: 1000)
        #expect(report.printed == [1])
        #expect(printer.jobs[server]?.state == .canceled, "the empty server job was canceled")
        #expect(printer.printed == [receipt(1)])
        #expect(jobs.all[0].attempts == 2)
    }

    @Test func failedSendIsRetriedThenGivenUp() async throws {
        jobs.add(document: "invoice 1", bytes: receipt(1))
        printer.failNextSend()
        let first = try await spooler.deliver()
        #expect(first.waiting == [1])
        #expect(jobs.all[0].state == .queued)
        #expect(jobs.all[0].lastError == "the connection to the printer dropped")
        #expect(try await spooler.deliver(waitingUpTo: 1000).printed == [1])
        #expect(printer.printed == [receipt(1)])

        jobs.add(document: "invoice 2", bytes: receipt(2))
        printer.setCompletesAtOnce(false)
        _ = try await spooler.deliver()
        for _ in 1...2 {
            printer.setJobState(try #require(jobs.all[1].printerJob), .aborted)
            #expect(try await spooler.deliver().waiting == [2], "an aborted job goes back to the queue")
            #expect(try await spooler.deliver().inServer == [2], "and is sent again")
        }
        printer.setJobState(try #require(jobs.all[1].printerJob), .aborted)
        let last = try await spooler.deliver()
        #expect(last.failed == [2])
        #expect(jobs.all[1].state == .failed)
        #expect(printer.printed == [receipt(1)])
    }

    @Test func aJobTheServerForgotIsNotResent() async throws {
        jobs.add(document: "invoice 1", bytes: receipt(1))
        printer.setCompletesAtOnce(false)
        _ = try await spooler.deliver()
        var job = jobs.all[0]
        #expect(job.state == .sent)
        job.printerJob = 9999
        jobs.set(job)
        let report = try await spooler.deliver()
        #expect(report.failed == [1])
        #expect(report.problems.first?.contains("reprint it if the receipt is missing") == true)
        #expect(try await spooler.deliver().printed.isEmpty)
    }
}

@Suite struct DrawerOpeningTests {
    @Test(arguments: [
        (DrawerOpening.payment(tenders: [.cash], change: .zero), true),
        (.payment(tenders: [.check], change: .zero), true),
        (.payment(tenders: [.credit], change: .zero), false),
        (.payment(tenders: [.debit, .account], change: .zero), false),
        (.payment(tenders: [.credit, .cash], change: .zero), true),
        (.payment(tenders: [.careCredit], change: .cents(1)), true),
        (.paidIn, true), (.paidOut, true), (.noSale, true),
    ])
    func opensOnlyForCashChecksChangeAndDrawerMovements(opening: DrawerOpening, opens: Bool) {
        #expect(opening.opensDrawer == opens)
    }
}

@Suite struct TerminalDevicesTests {
    @Test func policiesStoredBeforeDevicesStillDecode() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ClinicPolicy())) as? [String: Any] ?? [:]
        json["terminals"] = nil
        let old = try JSONSerialization.data(withJSONObject: json)
        #expect(try JSONDecoder().decode(ClinicPolicy.self, from: old).terminals.isEmpty)
    }

    @Test func aKickPortDrawerNeedsAPrinterAndQueueNamesAreChecked() {
        #expect(throws: POSError.self) { try TerminalDevices(drawer: .printer).validate(terminal: "FRONT-1") }
        #expect(throws: POSError.self) { try TerminalDevices(printerQueue: "front desk").validate(terminal: "FRONT-1") }
        #expect(throws: Never.self) {
            try TerminalDevices(printerQueue: "front", drawer: .printer, scanner: true).validate(terminal: "FRONT-1")
        }
    }
}
