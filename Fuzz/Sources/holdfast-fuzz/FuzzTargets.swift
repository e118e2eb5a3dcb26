import HoldfastTrace
import HoldfastCore
import HoldfastConfig
import HoldfastDaemon
import HoldfastJSON
import HoldfastPOSIX
import HoldfastProtocol
import HoldfastSession
import HoldfastEmulation

// One binary, five targets: HOLDFAST_FUZZ_TARGET picks which (trace, session,
// config, control, json). Each feeds libFuzzer's input to the real parser and checks,
// beyond "no crash", what the parser promises: text it hands to a terminal has
// no control characters, a point label obeys the label rule.

/// The target named by HOLDFAST_FUZZ_TARGET, read once.
let target: String = getenv("HOLDFAST_FUZZ_TARGET").map { String(cString: $0) } ?? ""

/// The readers take a path: the input goes into an unlinked temporary file, reopened through /proc.
let scratch: (fd: Int32, path: String) = {
    var template = Array("/tmp/holdfast-fuzz-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { fatalError("holdfast-fuzz: mkstemp failed") }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return (fd, "/proc/self/fd/\(fd)")
}()

func writeScratch(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    _ = ftruncate(scratch.fd, 0)
    var offset = 0
    while offset < bytes.count {
        let n = pwrite(scratch.fd, bytes.baseAddress! + offset, bytes.count - offset, off_t(offset))
        guard n > 0 else { fatalError("holdfast-fuzz: cannot write the scratch file") }
        offset += n
    }
    return scratch.path
}

/// A broken promise: libFuzzer reports it as a crash, with the input that caused it.
func require(_ condition: Bool, _ what: @autoclosure () -> String) {
    if !condition { fatalError("holdfast-fuzz \(target): \(what())") }
}

/// Samples read by the trace target (no stdlib closure in between: Swift 6.0's rethrows would erase TraceError).
nonisolated(unsafe) let traceSamples: UnsafeMutableBufferPointer<Sample> = .allocate(capacity: 256)  // libFuzzer calls from one thread

func fuzzTrace(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let reader = try? TraceReader(path: writeScratch(bytes)) else { return }
    while true {
        guard let n = try? reader.read(into: traceSamples, onPoint: { _, _ in }), n > 0 else { return }
    }
}

func fuzzSession(_ bytes: UnsafeBufferPointer<UInt8>) {
    do {
        var n = 0
        let file = try SessionFile(path: writeScratch(bytes), onHold: { hold in
            n += 1
            let row = SessionFile.csvRow(n, hold)
            require(!TerminalText.containsUnsafe(row.dropLast(2)), "a CSV row carries a control character: \(row.debugDescription)")
        })
        require(file.points.rows.count <= SessionFile.maxPoints, "\(file.points.rows.count) points")
    } catch {
        require(!TerminalText.containsUnsafe(error.description), "an error carries a control character: \(error.description.debugDescription)")
    }
}

func fuzzConfig(_ bytes: UnsafeBufferPointer<UInt8>) {
    var config = HoldfastSettings()
    do throws(ConfigError) {
        try config.apply(fileText: String(decoding: bytes, as: UTF8.self), source: "fuzz.conf")
        _ = try config.validated()
    } catch {
        require(!TerminalText.containsUnsafe(error.description), "an error carries a control character: \(error.description.debugDescription)")
    }
}

func fuzzControl(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard case .success(let parsed) = ControlCommand.parse(String(decoding: bytes, as: UTF8.self)) else { return }
    switch parsed.command {
    case .point(let label): require(PointLabel.validate(label) == .success(label), "accepted label \(label.debugDescription)")
    case .mark(let note?): require(PointLabel.validateNote(note) == .success(note), "accepted note \(note.debugDescription)")
    case .rate(let level): require(level.isFinite && (0...10).contains(level), "accepted level \(level)")
    default: break
    }
}

/// What is read is written back as the same value, and what is written has no raw control character.
func fuzzJSON(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let object = JSON.object(from: bytes) else { return }
    let text = JSON.text(object)
    require(!TerminalText.containsUnsafe(text), "JSON text carries a control character: \(text.debugDescription)")
    guard let back = JSON.object(from: Array(text.utf8)) else { return require(false, "cannot read back \(text.debugDescription)") }
    require(JSON.typedDescription(back) == JSON.typedDescription(object), "\(text.debugDescription) reads back as \(JSON.typedDescription(back))")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch target {
    case "trace": fuzzTrace(bytes)
    case "session": fuzzSession(bytes)
    case "config": fuzzConfig(bytes)
    case "control": fuzzControl(bytes)
    case "json": fuzzJSON(bytes)
    default: fatalError("holdfast-fuzz: set HOLDFAST_FUZZ_TARGET to trace, session, config, control or json")
    }
    return 0
}
