import HoldfastPOSIX
import HoldfastTestSupport
import Testing

/// The errno funnel every C call outside the daemon goes through: failures by
/// each convention, EINTR retried (or not), the error number from errno or a seam.
@Suite("Errno funnel")
struct ErrnoFunnelTests {
    /// A call that fails with each of `codes` in turn, then returns `value`.
    final class Scripted {
        var codes: [Int32]
        var calls = 0
        var lastError: Int32 = 0
        init(_ codes: [Int32]) { self.codes = codes }
        func call(_ value: Int32 = 5) -> Int32 {
            calls += 1
            guard !codes.isEmpty else { return value }
            lastError = codes.removeFirst()
            return -1
        }
    }

    @Test func interruptedCallsAreRetriedUntilTheyAnswer() {
        let s = Scripted([EINTR, EINTR])
        #expect(valueOrErrno(lastError: { s.lastError }) { s.call() } == .success(5))
        #expect(s.calls == 3)
    }

    @Test func otherErrorsEndTheCallAtOnce() {
        let s = Scripted([EINTR, EIO, EINTR])
        #expect(valueOrErrno(lastError: { s.lastError }) { s.call() } == .failure(Errno(EIO)))
        #expect(s.calls == 2)
    }

    /// close(2): after EINTR the descriptor is gone, so the call must not run again.
    @Test func withoutRetryAnInterruptIsTheAnswer() {
        let s = Scripted([EINTR])
        #expect(valueOrErrno(retryOnInterrupt: false, lastError: { s.lastError }) { s.call() } == .failure(Errno(EINTR)))
        #expect(s.calls == 1)
    }

    /// libi2c returns -errno rather than -1: any negative value is a failure.
    @Test func anyNegativeValueIsAFailure() {
        #expect(valueOrErrno(lastError: { ENXIO }) { -ENXIO } == .failure(Errno(ENXIO)))
        #expect(valueOrErrno(lastError: { EIO }) { Int(0) } == .success(0))
    }

    /// errno itself, by default: a real failing call.
    @Test func errnoIsReadByDefault() {
        #expect(valueOrErrno { open("/nonexistent/holdfast", O_RDONLY) } == .failure(Errno(ENOENT)))
    }

    @Test func aNilPointerIsAFailure() {
        var template = Array("/nonexistent/holdfast-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { b in valueOrErrno { b.baseAddress.flatMap(mkdtemp) } }
        #expect(failure(made) == Errno(ENOENT))
    }

    /// pthread_* and posix_spawn* return the error number; 0 is success; EINTR is retried too.
    @Test func callsThatReturnTheirErrorNumber() {
        var returns: [Int32] = [EINTR, EAGAIN]
        #expect(failure(nothingOrErrno { returns.removeFirst() }) == Errno(EAGAIN))
        returns = [EINTR, 0]
        #expect(failure(nothingOrErrno { returns.removeFirst() }) == nil)
        #expect(returns.isEmpty)
    }

    @Test func failuresBecomeErrorsThatNameWhatFailed() {
        #expect(throws: SystemError("open", "/nonexistent/x", errno: ENOENT)) {
            try valueOrErrno { open("/nonexistent/x", O_RDONLY) }.get("open", "/nonexistent/x")
        }
        #expect(Errno(EBADF).isBug && Errno(EFAULT).isBug && !Errno(EIO).isBug)
        #expect(Errno(ENOSPC).description == "No space left on device (errno 28)")
    }

    /// A child reaped by someone else (ECHILD) has ended: it is not running, and is never
    /// signalled again (its pid may be another process's by then).
    @Test func aChildReapedElsewhereIsNotRunning() throws {
        let child = try ChildProcess(path: "/bin/sleep", arguments: ["30"])
        #expect(kill(child.pid, SIGKILL) == 0)
        var status: Int32 = 0
        #expect(waitpid(child.pid, &status, 0) == child.pid)
        #expect(!child.isRunning)
        child.terminate()
    }
}

/// The error of a result whose value does not matter, or nil for a success.
func failure<T>(_ result: Result<T, Errno>) -> Errno? {
    if case .failure(let e) = result { e } else { nil }
}

@Suite("Writing everything")
struct WriteAllTests {
    /// More than a pipe holds, while a reader drains it: every byte arrives, in
    /// order. A closed descriptor is a failure at once, not a loop.
    @Test func everyByteArrivesAndABadDescriptorIsReported() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        var random = SeededRandom(fallback: 0x7772_6974)
        let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let reader = try JoinableThread(name: "pipe-reader") { () -> [UInt8] in
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 8192)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n <= 0 { return received }
                received += chunk[..<n]
            }
        }
        #expect(failure(writeAll(writeEnd, bytes)) == nil)
        closeDescriptor(writeEnd)
        let received = reader.join()
        closeDescriptor(readEnd)
        #expect(received == bytes, "\(random.replay)")
        #expect(failure(writeAll(writeEnd, [1, 2, 3])) == Errno(EBADF))
    }
}
