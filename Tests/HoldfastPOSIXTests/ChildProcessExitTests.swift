import HoldfastPOSIX
import Testing

/// How a child ended, as a shell would say it: what `holdfast report` needs of holdfast-sync export.
@Suite("Child process exit")
struct ChildProcessExitTests {
    @Test(arguments: [("exit 0", 0), ("exit 3", 3), ("kill -9 $$", 128 + 9), ("kill -TERM $$", 128 + 15)] as [(String, Int32)])
    func theExitStatusOrTheSignal(script: String, expected: Int32) throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", script])
        #expect(child.waitForExit() == expected)
        #expect(child.exitStatus == expected && !child.isRunning)
        #expect(child.waitForExit() == expected, "asked again: the same answer, no second wait")
    }

    @Test func reapedByIsRunningTheStatusIsKept() throws {
        let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "exit 7"])
        while child.isRunning { usleep(1000) }
        #expect(child.exitStatus == 7 && child.waitForExit() == 7)
    }
}
