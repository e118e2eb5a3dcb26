/// A fresh private directory (0700) under $TMPDIR, or /tmp: scratch space for
/// demos, benchmarks and tests.
public func makeTemporaryDirectory(prefix: String = "holdfast") throws(SystemError) -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((base + "/" + prefix + "-XXXXXX").utf8CString)
    return try template.withUnsafeMutableBufferPointer { buffer in
        valueOrErrno { buffer.baseAddress.flatMap(mkdtemp) }.map { String(cString: $0) }
    }.get("mkdtemp", base)
}
