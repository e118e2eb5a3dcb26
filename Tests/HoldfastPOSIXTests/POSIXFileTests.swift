import HoldfastPOSIX
import Testing

/// The POSIX helpers the command line and calibration files use instead of Foundation.
@Suite("POSIX files and processes")
struct POSIXFileTests {
    func scratch() throws -> String {
        var template = Array("/tmp/holdfast-posix-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        return try #require(made)
    }

    @Test func filesAreWrittenAtomicallyAndReadBack() throws {
        let dir = try scratch()
        defer { _ = rmdir(dir) }
        let path = dir + "/cal.json"
        defer { _ = unlink(path) }
        try writeFileAtomically(Array("first\n".utf8), to: path)
        try writeFileAtomically(Array("second\n".utf8), to: path)
        #expect(try readFile(path) == Array("second\n".utf8))
        #expect(access(path + ".tmp", F_OK) != 0)  // no temporary left behind
        #expect(throws: SystemError("read (larger than 3 bytes)", path, errno: EFBIG)) { try readFile(path, limit: 3) }
    }

    @Test func failuresNameThePathAndTheError() throws {
        #expect(throws: SystemError("open", "/nonexistent/cal.json", errno: ENOENT)) { try readFile("/nonexistent/cal.json") }
        do {
            try writeFileAtomically([1], to: "/nonexistent/cal.json")
            Issue.record("no error")
        } catch {
            #expect(error.errno == ENOENT && error.description.contains("/nonexistent/cal.json.tmp"))
        }
    }

    @Test func aChildIsStartedStoppedAndReapedOnce() throws {
        let child = try ChildProcess(path: "/bin/sleep", arguments: ["30"])
        #expect(child.isRunning)
        child.terminate()
        #expect(!child.isRunning)
        child.terminate()
        #expect(kill(child.pid, 0) != 0)  // gone, not a zombie we still hold
        #expect(throws: SystemError.self) { try ChildProcess(path: "/nonexistent/holdfast", arguments: []) }
    }
}
