import HoldfastCore

/// What the client reports, recorded as the therapist hears it: pain on a
/// 0–10 scale (now, this morning, this evening), a named key movement and
/// its result, the night's wake-ups, free notes. One type for the session
/// record, the control command, the watch's form and `holdfast send
/// outcome …`, with one set of rules, so every way in refuses the same
/// out-of-range value with the same words.
public enum Outcome: Sendable, Equatable {
    case pain(level: Int, when: PainTime)
    case movement(name: String, result: MovementResult)
    case sleep(wakeups: Int)
    case note(String)

    public enum PainTime: String, Sendable, CaseIterable {
        case now, morning, evening
    }

    public enum MovementResult: Sendable, Equatable {
        /// A range or time: degrees, centimetres or seconds.
        case measured(Double, MovementUnit)
        case passed(Bool)
    }

    public enum MovementUnit: String, Sendable, CaseIterable {
        case deg, cm, s
        /// The largest value a result can have in this unit.
        var limit: Double {
            switch self {
            case .deg: 360
            case .cm: 500
            case .s: 3600
            }
        }
    }

    /// The most wake-ups a night is taken to have.
    public static let maxWakeups = 50

    public var kind: String {
        switch self {
        case .pain: "pain"
        case .movement: "movement"
        case .sleep: "sleep"
        case .note: "note"
        }
    }

    /// Reads the words a person types: `pain 6 [now|morning|evening]`, `movement NAME VALUE deg|cm|s`,
    /// `movement NAME pass|fail`, `sleep WAKEUPS`, `note TEXT`.
    public init(words: [String]) throws(OutcomeError) {
        guard let kind = words.first else { throw .invalid("say what to record: pain, movement, sleep or note") }
        let rest = Array(words.dropFirst())
        switch kind {
        case "pain":
            guard (1...2).contains(rest.count) else { throw .invalid("pain needs a level from 0 to 10 and optionally now, morning or evening") }
            guard let level = Double(rest[0]) else { throw .invalid("pain \"\(Self.shown(rest[0]))\" is not a number from 0 to 10") }
            let when = try rest.count == 2 ? Self.painTime(rest[1]) : .now
            self = .pain(level: try Self.painLevel(level), when: when)
        case "movement", "move":
            guard rest.count >= 2, let last = rest.last else {
                throw .invalid("movement needs a name and a result: VALUE deg, cm or s, or pass or fail")
            }
            if last == "pass" || last == "fail" {
                self = .movement(name: try Self.name(rest.dropLast().joined(separator: " ")), result: .passed(last == "pass"))
                return
            }
            guard rest.count >= 3, let unit = MovementUnit(rawValue: last) else {
                throw .invalid("movement result \"\(Self.shown(last))\" is not deg, cm, s, pass or fail")
            }
            guard let value = Double(rest[rest.count - 2]) else {
                throw .invalid("movement value \"\(Self.shown(rest[rest.count - 2]))\" is not a number")
            }
            self = .movement(name: try Self.name(rest.dropLast(2).joined(separator: " ")),
                             result: .measured(try Self.measure(value, unit), unit))
        case "sleep":
            guard rest.count == 1, let n = Double(rest[0]) else { throw .invalid("sleep needs the number of night-time wake-ups") }
            self = .sleep(wakeups: try Self.wakeups(n))
        case "note":
            self = .note(try Self.note(rest.joined(separator: " ")))
        default:
            throw .invalid("unknown outcome \"\(Self.shown(kind))\": pain, movement, sleep or note")
        }
    }

    /// Reads the fields of a record or command (`kind`, then its own fields).
    public init(fields o: [String: Any]) throws(OutcomeError) {
        switch o["kind"] as? String {
        case "pain":
            guard let level = o.number("value") else { throw .invalid("pain needs \"value\" from 0 to 10") }
            let when = try (o["when"] as? String).map(Self.painTime) ?? .now
            self = .pain(level: try Self.painLevel(level), when: when)
        case "movement":
            guard let name = o["name"] as? String else { throw .invalid("movement needs \"name\"") }
            if let passed = o["passed"] as? Bool {
                self = .movement(name: try Self.name(name), result: .passed(passed))
            } else {
                guard let value = o.number("value"), let unitText = o["unit"] as? String,
                      let unit = MovementUnit(rawValue: unitText) else {
                    throw .invalid("movement needs \"value\" and \"unit\" (deg, cm or s), or \"passed\"")
                }
                self = .movement(name: try Self.name(name), result: .measured(try Self.measure(value, unit), unit))
            }
        case "sleep":
            guard let n = o.number("wakeups") else { throw .invalid("sleep needs \"wakeups\"") }
            self = .sleep(wakeups: try Self.wakeups(n))
        case "note":
            guard let text = o["text"] as? String else { throw .invalid("note needs \"text\"") }
            self = .note(try Self.note(text))
        case let other:
            throw .invalid("outcome \"kind\" must be pain, movement, sleep or note" + (other.map { ", not \"\(Self.shown($0))\"" } ?? ""))
        }
    }

    /// The fields, as `init(fields:)` reads them (for the command line).
    public var fields: [String: Any] {
        switch self {
        case .pain(let level, let when): ["kind": "pain", "value": level, "when": when.rawValue]
        case .movement(let name, .measured(let v, let unit)): ["kind": "movement", "name": name, "value": v, "unit": unit.rawValue]
        case .movement(let name, .passed(let p)): ["kind": "movement", "name": name, "passed": p]
        case .sleep(let n): ["kind": "sleep", "wakeups": n]
        case .note(let text): ["kind": "note", "text": text]
        }
    }

    /// In a few words, for the watch and the report.
    public var summary: String {
        switch self {
        case .pain(let level, let when): "pain \(level)/10 (\(when.rawValue))"
        case .movement(let name, .measured(let v, let unit)): "\(name): \(DecimalText.fixed(v, decimals: 1)) \(unit.rawValue)"
        case .movement(let name, .passed(let p)): "\(name): \(p ? "pass" : "fail")"
        case .sleep(let n): "woke \(n) time\(n == 1 ? "" : "s") at night"
        case .note(let text): "note: \(text)"
        }
    }

    // MARK: The rules

    private static func painLevel(_ v: Double) throws(OutcomeError) -> Int {
        guard v.isFinite, (0...10).contains(v), v == v.rounded() else {
            throw .invalid("pain \(DecimalText.fixed(v.isFinite ? v : 0, decimals: 1)) is out of range: a whole number from 0 to 10")
        }
        return Int(v)
    }

    private static func painTime(_ text: String) throws(OutcomeError) -> PainTime {
        guard let t = PainTime(rawValue: text) else { throw .invalid("pain time \"\(shown(text))\" is not now, morning or evening") }
        return t
    }

    private static func measure(_ v: Double, _ unit: MovementUnit) throws(OutcomeError) -> Double {
        guard v.isFinite, v >= 0, v <= unit.limit else {
            throw .invalid("movement \(DecimalText.fixed(v.isFinite ? v : 0, decimals: 1)) \(unit.rawValue) is out of range (0 ... \(Int(unit.limit)))")
        }
        return (v * 10).rounded() / 10
    }

    private static func wakeups(_ n: Double) throws(OutcomeError) -> Int {
        guard n.isFinite, n >= 0, n <= Double(maxWakeups), n == n.rounded() else {
            throw .invalid("sleep: wake-ups must be a whole number from 0 to \(maxWakeups)")
        }
        return Int(n)
    }

    private static func name(_ text: String) throws(OutcomeError) -> String {
        switch PointLabel.validate(text) {
        case .success(let n) where !n.isEmpty: return n
        case .success: throw .invalid("movement needs a name")
        case .failure(let e): throw .invalid("movement name \(e)")
        }
    }

    private static func note(_ text: String) throws(OutcomeError) -> String {
        switch PointLabel.validateNote(text) {
        case .success(let n) where !n.isEmpty: return n
        case .success: throw .invalid("note needs text")
        case .failure(let e): throw .invalid("note \(e)")
        }
    }

    private static func shown(_ text: String) -> String { TerminalText.escaped(text, limit: 40) }
}

/// An outcome that breaks the rules, in words for the therapist.
public struct OutcomeError: Error, Equatable, CustomStringConvertible {
    public let description: String
    static func invalid(_ why: String) -> OutcomeError { OutcomeError(description: why) }
}

extension SessionEncoding {
    /// `{"type":"outcome","t_s":…,"kind":…,…}`: what the client reported, when the therapist recorded it.
    public static func outcome(_ outcome: Outcome, atNs t: Int64) -> [UInt8] {
        event("outcome", atNs: t) { line in
            line.field("kind", outcome.kind)
            switch outcome {
            case .pain(let level, let when):
                line.field("value", level)
                line.field("when", when.rawValue)
            case .movement(let name, let result):
                line.field("name", name)
                switch result {
                case .measured(let v, let unit):
                    line.field("value", scaled: Int64((v * 10).rounded()), decimals: 1)
                    line.field("unit", unit.rawValue)
                case .passed(let p):
                    line.field("passed", p)
                }
            case .sleep(let n):
                line.field("wakeups", n)
            case .note(let text):
                line.field("text", text)
            }
        }
    }

    /// A PPT trial's record.
    public static func ppt(_ p: PPTLine) -> [UInt8] {
        var line = JSONLine()
        line.field("type", "ppt")
        line.field("point", p.point)
        line.field("phase", p.phase.rawValue)
        line.field("trial", p.trial)
        line.field("time_s", scaled: Int64((p.timeS * 1000).rounded()), decimals: 3)
        line.field("force_n", scaled: Int64((p.forceN * 1000).rounded()), decimals: 3)
        line.field("kpa", scaled: p.kpa.map { Int64(($0 * 10).rounded()) }, decimals: 1)
        line.field("rate_n_s", scaled: Int64((p.rateNS * 100).rounded()), decimals: 2)
        line.field("valid", p.valid)
        if let why = p.why { line.field("why", why) }
        return line.line()
    }
}
