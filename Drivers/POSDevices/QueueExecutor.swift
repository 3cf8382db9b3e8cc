import Dispatch

/// A serial executor on a private dispatch queue. The owner actors of libcups and libusb run on one each, so their
/// blocking C calls (a CUPS request, a USB transfer waiting for a scan) hold that queue's thread and never a thread
/// of Swift's cooperative pool.
final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
