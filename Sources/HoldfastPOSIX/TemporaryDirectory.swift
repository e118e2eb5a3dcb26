/// A fresh private directory (0700) under $TMPDIR, or /tmp: scratch space for
/// demos, benchmarks and tests.
public func makeTemporaryDirectory(prefix: String = "holdfast") throws(SystemError) -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/" + prefix + "-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkdtemp($0) != nil } ?? false }
    guard made else { throw SystemError("mkdtemp", base, errno: errno) }
    return template.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { String(cString: $0) } ?? base }
}
