import Foundation

/// Names the running thread as the system shows it (`/proc/<pid>/task/<tid>/comm`, `top -H`),
/// up to 15 bytes. Foundation's `Thread.name` does not do it reliably on Linux: set before the
/// thread starts it names nothing, and set from inside it raced the thread's start-up (the
/// isolation check once found `log-flush` and `priority-watch` both still called `clearline`).
/// Glibc's `pthread_setname_np` is not visible to Swift, so the name is written where the kernel
/// keeps it, which a thread may always do for itself.
public enum ThreadName {
    public static func setCurrent(_ name: String) {
        Thread.current.name = name
        #if os(Linux)
            let short = String(decoding: Array(name.utf8.prefix(15)), as: UTF8.self)
            try? short.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        #endif
    }
}
