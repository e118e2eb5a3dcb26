@testable import HoldfastProtocol
import Foundation
import HoldfastPOSIX

import Testing

/// `holdfast send` and the watch against daemons that misbehave: nothing waits for ever.
@Suite("Daemon connection deadlines")
struct DaemonRequestTests {
    /// A listening Unix socket at a fresh path that nobody accepts on.
    final class Listener {
        let path: String
        let fd: Int32
        var clients: [Int32] = []
        init(backlog: Int32) throws {
            path = NSTemporaryDirectory() + "holdfast-test-\(UUID().uuidString.prefix(8)).sock"
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            try #require(bound == 0 && listen(fd, backlog) == 0)
        }
        /// Connects non-blocking clients until the kernel refuses more: the backlog is full.
        func fillBacklog() {
            for _ in 0..<64 {
                guard let c = try? DaemonConnection(path: path, deadlineNs: 0) else { return }
                clients.append(dup(c.fd))
            }
        }
        deinit {
            clients.forEach { _ = close($0) }
            close(fd)
            unlink(path)
        }
    }

    @Test func aFullBacklogTimesOutInsteadOfHanging() throws {
        let listener = try Listener(backlog: 0)
        listener.fillBacklog()
        let start = monotonicNanoseconds()
        let result = DaemonRequest.send(.status, socket: listener.path, timeoutSeconds: 0.5)
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        #expect(result.failureValue == .notAccepting(socket: listener.path, seconds: 0.5))
        #expect(seconds < 5, "took \(seconds) s")
    }

    @Test func aDaemonThatNeverAcceptsGivesNoReplyInTime() throws {
        let listener = try Listener(backlog: 16)
        let result = DaemonRequest.send(.status, socket: listener.path, timeoutSeconds: 0.3)
        #expect(result.failureValue == .noReply(socket: listener.path, seconds: 0.3))
    }

    @Test func nothingThereIsNotRunning() {
        let path = NSTemporaryDirectory() + "holdfast-none-\(UUID().uuidString.prefix(8)).sock"
        #expect(DaemonRequest.send(.status, socket: path, timeoutSeconds: 0.3).failureValue == .notRunning(socket: path))
    }

    /// A line without end from the daemon is cut off at the bound, not buffered.
    @Test func anEndlessLineDropsTheConnection() throws {
        let listener = try Listener(backlog: 4)
        let server = try JoinableThread(name: "fake-daemon") { [fd = listener.fd] in
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            let junk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
            for _ in 0..<4 { _ = junk.withUnsafeBytes { write(client, $0.baseAddress, $0.count) } }
            usleep(500_000)
            close(client)
        }
        let result = DaemonRequest.send(.status, socket: listener.path, timeoutSeconds: 3)
        server.join()
        #expect(result.failureValue == .lineTooLong(socket: listener.path))
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
