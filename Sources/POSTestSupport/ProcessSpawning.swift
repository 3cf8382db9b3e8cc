import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Starting child processes from tests that run in parallel.
///
/// Foundation's `Process.run()` on Linux crashes now and then while many tests start processes at once (a `memcpy`
/// in its scan of `/proc/self/fd`, which other threads change as they open and close files). `spawn` starts a child
/// with `posix_spawn` instead and lets the kernel close every other descriptor (`closefrom`), so nothing is scanned;
/// `run` keeps `Process` for the few tests that want its API, one start at a time.
public enum ProcessSpawning {
    private static let lock = Mutex(())

    public static func run(_ process: Process) throws {
        try lock.withLock { _ in try process.run() }
    }

    /// How a child ended: its exit status, or the signal that ended it.
    public struct Exit: Sendable, Equatable {
        public var status: Int32
        public var signaled: Bool
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `binary` with `arguments` and exactly `environment`, in `directory`, its standard input, output and
    /// error on the given descriptors and every other descriptor closed. Returns its process id.
    public static func spawn(
        _ binary: String,
        arguments: [String],
        environment: [String: String],
        directory: String,
        stdin: Int32,
        stdout: Int32,
        stderr: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // glibc's `_np` additions are not in Swift's view of <spawn.h>: found at run time (glibc 2.34 and later).
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias ChangeDirectory =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let closeFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"),
            let changeDirectory = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        else {
            throw SpawnError(description: "this C library cannot close descriptors or change directory in posix_spawn")
        }
        _ = unsafeBitCast(closeFrom, to: CloseFrom.self)(&actions, 3)
        _ = directory.withCString { unsafeBitCast(changeDirectory, to: ChangeDirectory.self)(&actions, $0) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = argv.withUnsafeBufferPointer { arguments in
            envp.withUnsafeBufferPointer { variables in
                guard let arguments = arguments.baseAddress, let variables = variables.baseAddress else {
                    return EINVAL
                }
                return posix_spawn(&pid, binary, &actions, nil, arguments, variables)
            }
        }
        guard result == 0 else {
            throw SpawnError(description: "posix_spawn of \(binary) failed: \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for the child to end.
    public static func wait(_ pid: pid_t) -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7f
        return signal != 0 ? Exit(status: signal, signaled: true) : Exit(status: (status >> 8) & 0xff, signaled: false)
    }
}
