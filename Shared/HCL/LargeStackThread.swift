#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a deeply recursive computation on a thread of its own with a large stack, and waits for it.
///
/// The parser and any recursive walk of a syntax tree use stack in proportion to the tree's depth. Trees are
/// bounded (``HCLParser/Options/maximumDepth``), but near the bound a walk can need more than the 512 KB that
/// secondary threads get on macOS, particularly in debug builds. ``HCLParser`` uses this for unusually deep input;
/// evaluators can do the same.
public enum LargeStackThread {
    /// 16 MB: the stack is reserved, and only the pages touched are committed.
    public static let defaultStackSize = 16 << 20

    /// Runs `body` on a new thread with a stack of `stackSize` bytes and returns its result. If the thread cannot
    /// be created, runs `body` on the calling thread.
    public static func run<T>(stackSize: Int = defaultStackSize, _ body: () -> T) -> T {
        withoutActuallyEscaping(body) { escapable in
            var result: T?
            let job = Job { result = escapable() }
            let context = Unmanaged.passRetained(job).toOpaque()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, stackSize)
            #if canImport(Darwin)
            var thread: pthread_t?
            #else
            var thread = pthread_t()
            #endif
            let status = pthread_create(&thread, &attributes, { raw in
                Unmanaged<Job>.fromOpaque(LargeStackThread.nonNil(raw)).takeRetainedValue().work()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<Job>.fromOpaque(context).release()
                return escapable()
            }
            #if canImport(Darwin)
            if let thread { pthread_join(thread, nil) }
            #else
            pthread_join(thread, nil)
            #endif
            // pthread_join orders the thread's write of `result` before this read.
            return result!
        }
    }

    private static func nonNil(_ pointer: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer { pointer! }

    /// The work handed to the new thread. `@unchecked Sendable` because the closure (and what it captures) is used
    /// by exactly one thread at a time: the caller blocks in `pthread_join` until the new thread has finished.
    private final class Job: @unchecked Sendable {
        let work: () -> Void

        init(_ work: @escaping () -> Void) {
            self.work = work
        }
    }
}
