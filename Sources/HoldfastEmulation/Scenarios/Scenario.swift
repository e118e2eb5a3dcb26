import HoldfastCore
import HoldfastSession

/// A synthetic session: a clean force profile (what the therapist's thumb
/// does) plus the imperfections of a real sensor chain, all described in a
/// small line-based text format so scenarios can be read and reviewed.
///
/// ```
/// # comment
/// rate_hz 1000          sample rate
/// seed 7                noise seed
/// noise_n 0.15          white noise, standard deviation in N
/// tremor 0.5 10         physiological tremor: amplitude N (or % of the force: 3.5%), frequency Hz (while in contact)
/// mains 0.3 50 [7]      mains pickup: amplitude N, frequency Hz, harmonics up to the 7th (amplitude 1/k each)
/// baseline 1 600        an un-zeroed logger: the zero wanders ±1 N, a sine of period 600 s
/// host_bursts 0.016 0.0002   rows timestamped by the host in bursts: every 16 ms, 0.2 ms apart
/// scale 0.5=1,1=2,…     the client's pressure scale (default: the standard one)
/// spikes 0.5 40 2       spikes per second, amplitude N, longest spike in samples
/// jitter_us 80          timestamp jitter, ± microseconds (uniform)
/// dropouts 0.05 0.04    dropouts per second, length s
///
/// point upper trapezius L   label the point from here on
/// ramp 30 1.5           ramp to 30 N over 1.5 s
/// hold 40               stay for 40 s
/// tap 12 0.4            touch: up to 12 N and back within 0.4 s
/// lift 0.2 [1]          brief lift: down to 1 N (default 0) and back within 0.2 s
/// ppt 5 28 0.4 [0.5]    a PPT trial: ramp at 5 N/s; the client's threshold is 28 N, they signal
///                       0.4 s after reaching it; release to 0 N over 0.5 s
/// outcome pain 6 now    what the client reports here (the words of `holdfast send outcome`)
/// client jd42           whose session it is; date 2026-03-02: which day
/// ```
public struct Scenario: Sendable, Equatable {
    public struct Periodic: Sendable, Equatable {
        public var amplitudeN: Double
        public var frequencyHz: Double
        /// Harmonics 2 … `harmonics` are added with amplitude 1/k each (1: the fundamental only).
        public var harmonics: Int
        public init(amplitudeN: Double, frequencyHz: Double, harmonics: Int = 1) {
            self.amplitudeN = amplitudeN
            self.frequencyHz = frequencyHz
            self.harmonics = harmonics
        }
    }
    /// Physiological tremor: a fixed amplitude that grows in with contact, or a fraction of the force.
    public struct Tremor: Sendable, Equatable {
        public var amplitudeN: Double
        /// When set, the amplitude is this fraction of the clean force instead.
        public var fractionOfForce: Double?
        public var frequencyHz: Double
        public init(amplitudeN: Double, fractionOfForce: Double?, frequencyHz: Double) {
            self.amplitudeN = amplitudeN
            self.fractionOfForce = fractionOfForce
            self.frequencyHz = frequencyHz
        }
    }
    /// Host-side timestamps: rows arrive in bursts and are stamped on arrival.
    public struct HostBursts: Sendable, Equatable {
        public var periodS: Double
        public var spacingS: Double
    }
    public struct Spikes: Sendable, Equatable {
        public var perSecond: Double
        public var amplitudeN: Double
        public var maxSamples: Int
    }
    public struct Dropouts: Sendable, Equatable {
        public var perSecond: Double
        public var lengthS: Double
    }
    /// One breakpoint of the clean, piecewise-linear force profile.
    public struct Breakpoint: Sendable, Equatable {
        public var timeS: Double
        public var forceN: Double
    }
    public struct PointChange: Sendable, Equatable {
        public var timeS: Double
        public var label: String
        public init(timeS: Double, label: String) {
            self.timeS = timeS
            self.label = label
        }
    }

    public var name: String
    public var rateHz: Double = 1000
    public var seed: UInt64 = 1
    public var noiseN: Double = 0
    public var tremor: Tremor?
    public var mains: Periodic?
    /// An un-zeroed logger's wandering zero: amplitude N, period s (a sine).
    public var baseline: Periodic?
    public var hostBursts: HostBursts?
    /// The client's pressure scale, for the hold thresholds, zones and truth.
    public var scale = PressureScale.standard
    public var spikes: Spikes?
    public var jitterUs: Double = 0
    public var dropouts: Dropouts?
    public var profile: [Breakpoint] = [Breakpoint(timeS: 0, forceN: 0)]
    public var points: [PointChange] = []
    /// PPT trials scripted with `ppt`, in time order.
    public var trials: [ScriptedTrial] = []
    /// What the client reports, with the words as written (checked by ``Outcome``'s rules).
    public var outcomes: [(timeS: Double, words: String)] = []
    public var client: String?
    public var date: String?

    /// A PPT trial: the thumb ramps at `rateNPerS` from `startS`; the client feels pain at
    /// `thresholdN` and signals `reactionS` later, at `signalS`.
    public struct ScriptedTrial: Sendable, Equatable {
        public var startS: Double
        public var rateNPerS: Double
        public var thresholdN: Double
        public var reactionS: Double
        public var signalS: Double
        /// The force when the client signals: the threshold plus the ramp during the reaction.
        public var signalForceN: Double { thresholdN + rateNPerS * reactionS }
    }

    public static func == (a: Scenario, b: Scenario) -> Bool {
        a.name == b.name && a.rateHz == b.rateHz && a.seed == b.seed && a.noiseN == b.noiseN && a.tremor == b.tremor
            && a.mains == b.mains && a.baseline == b.baseline && a.hostBursts == b.hostBursts && a.scale == b.scale
            && a.spikes == b.spikes && a.jitterUs == b.jitterUs && a.dropouts == b.dropouts && a.profile == b.profile
            && a.points == b.points && a.trials == b.trials && a.outcomes.map(\.timeS) == b.outcomes.map(\.timeS)
            && a.outcomes.map(\.words) == b.outcomes.map(\.words) && a.client == b.client && a.date == b.date
    }

    public init(name: String) { self.name = name }

    public var durationS: Double { profile.last?.timeS ?? 0 }
}

/// A scenario file that cannot be understood, with the place and the reason.
public struct ScenarioError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let reason: String
    public var description: String { "\(source):\(line): \(reason)" }
}

extension Scenario {
    /// The largest number a directive takes, the longest scenario and the largest force:
    /// bounds that keep every time and count derived from a scenario far inside an Int64.
    static let maxNumber = 1e6
    public static let maxDurationS = 86_400.0
    static let maxForceN = 8000.0

    /// Parses the scenario text format; `source` names the file in errors.
    public init(parsing text: String, name: String, source: String) throws(ScenarioError) {
        self.init(name: name)
        var now = 0.0
        var force = 0.0
        for (index, rawLine) in TextLines.split(text).enumerated() {
            let lineNumber = index + 1
            func fail(_ reason: String) -> ScenarioError { ScenarioError(source: source, line: lineNumber, reason: reason) }
            let content = TextLines.withoutComment(rawLine)
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first else { continue }
            let args = Array(words.dropFirst())
            func numbers(_ count: ClosedRange<Int>) throws(ScenarioError) -> [Double] {
                guard count.contains(args.count) else {
                    throw fail("\(keyword) takes \(count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)") numbers, found \(args.count)")
                }
                var values: [Double] = []
                for a in args {
                    guard let v = Double(a), v.isFinite, v >= 0 else { throw fail("\(keyword): \"\(a)\" is not a non-negative number") }
                    // Bounded so that times and forces derived from them stay far inside Int64 nanoseconds and counts.
                    guard v <= Self.maxNumber else { throw fail("\(keyword): \(a) is out of range (0 ... 1000000)") }
                    values.append(v)
                }
                return values
            }
            /// A force or amplitude: within what the signal path accepts.
            func newtons(_ v: Double) throws(ScenarioError) -> Double {
                guard v <= Self.maxForceN else { throw fail("\(keyword): \(v) N is above the 8000 N the signal path accepts") }
                return v
            }
            switch keyword {
            case "rate_hz":
                let v = try numbers(1...1)[0]
                guard (20...20_000).contains(v) else { throw fail("rate_hz \(v) is out of range (20 ... 20000)") }
                rateHz = v
            case "seed":
                guard args.count == 1, let s = UInt64(args[0]) else { throw fail("seed takes one whole number") }
                seed = s
            case "noise_n": noiseN = try newtons(numbers(1...1)[0])
            case "tremor":
                guard args.count == 2 else { throw fail("tremor takes an amplitude (N or %) and a frequency (Hz)") }
                let percent = args[0].hasSuffix("%")
                let amplitudeText = percent ? String(args[0].dropLast()) : args[0]
                guard let a = Double(amplitudeText), a.isFinite, a >= 0, !percent || a <= 50 else {
                    throw fail("tremor: \"\(args[0])\" is not an amplitude in N or a percentage up to 50%")
                }
                guard let f = Double(args[1]), f.isFinite, f > 0, f <= Self.maxNumber else {
                    throw fail("tremor: \"\(args[1])\" is not a frequency (up to 1000000 Hz)")
                }
                tremor = Tremor(amplitudeN: percent ? 0 : try newtons(a), fractionOfForce: percent ? a / 100 : nil, frequencyHz: f)
            case "mains":
                let v = try numbers(2...3)
                let harmonics = v.count == 3 ? v[2] : 1
                guard harmonics >= 1, harmonics <= 15, harmonics == harmonics.rounded() else {
                    throw fail("mains: harmonics must be a whole number from 1 to 15")
                }
                mains = Periodic(amplitudeN: try newtons(v[0]), frequencyHz: v[1], harmonics: Int(harmonics))
            case "baseline":
                let v = try numbers(2...2)
                guard v[1] > 0 else { throw fail("baseline needs a period above 0") }
                baseline = Periodic(amplitudeN: try newtons(v[0]), frequencyHz: 1 / v[1])
            case "host_bursts":
                let v = try numbers(2...2)
                guard v[0] > 0, v[1] >= 0, v[1] < v[0] else { throw fail("host_bursts needs a period above 0 and a spacing below it") }
                // Rows of one burst are stamped spacing apart: a long period would stamp them days late.
                guard v[0] <= 10 else { throw fail("host_bursts: a period of \(v[0]) s is above 10 s") }
                hostBursts = HostBursts(periodS: v[0], spacingS: v[1])
            case "scale":
                let text = args.joined()
                do { scale = try PressureScale(parsing: text) } catch { throw fail("scale: \(error)") }
            case "spikes":
                let v = try numbers(3...3)
                guard v[2] >= 1, v[2] <= 8, v[2] == v[2].rounded() else { throw fail("spikes: length must be 1 to 8 samples") }
                spikes = Spikes(perSecond: v[0], amplitudeN: try newtons(v[1]), maxSamples: Int(v[2]))
            case "jitter_us": jitterUs = try numbers(1...1)[0]
            case "dropouts":
                let v = try numbers(2...2)
                dropouts = Dropouts(perSecond: v[0], lengthS: v[1])
            case "point":
                let label = content.drop(while: { $0 == " " || $0 == "\t" }).dropFirst("point".count)
                switch PointLabel.validate(String(label)) {
                case .success(let l) where !l.isEmpty: points.append(PointChange(timeS: now, label: l))
                case .success: throw fail("point needs a label")
                case .failure(let e): throw fail("point label \(e)")
                }
            case "ramp":
                let v = try numbers(2...2)
                guard v[1] > 0 else { throw fail("ramp needs a duration above 0") }
                now += v[1]; force = v[0]
                profile.append(Breakpoint(timeS: now, forceN: force))
            case "hold":
                let v = try numbers(1...1)
                guard v[0] > 0 else { throw fail("hold needs a duration above 0") }
                now += v[0]
                profile.append(Breakpoint(timeS: now, forceN: force))
            case "tap":
                let v = try numbers(2...2)
                guard v[1] > 0 else { throw fail("tap needs a duration above 0") }
                profile.append(Breakpoint(timeS: now + v[1] / 2, forceN: try newtons(v[0])))
                now += v[1]
                profile.append(Breakpoint(timeS: now, forceN: force))
            case "ppt":
                let v = try numbers(3...4)
                guard v[0] > 0 else { throw fail("ppt needs a ramp rate above 0 N/s: a PPT with no ramp has no threshold") }
                guard v[1] > force else { throw fail("ppt: the threshold \(v[1]) N must lie above the force before the trial (\(force) N)") }
                let release = v.count == 4 ? v[3] : 0.5
                guard release > 0 else { throw fail("ppt needs a release time above 0") }
                let signal = now + (v[1] - force) / v[0] + v[2]
                let peak = try newtons(v[1] + v[0] * v[2])
                trials.append(ScriptedTrial(startS: now, rateNPerS: v[0], thresholdN: v[1], reactionS: v[2], signalS: signal))
                profile.append(Breakpoint(timeS: signal, forceN: peak))
                now = signal + release
                force = 0
                profile.append(Breakpoint(timeS: now, forceN: 0))
            case "outcome":
                let words = Array(args)
                do { _ = try Outcome(words: words) } catch { throw fail("outcome: \(error)") }
                outcomes.append((now, words.joined(separator: " ")))
            case "client":
                guard args.count == 1 else { throw fail("client takes one pseudonym") }
                do { client = try ClientPseudonym.validated(args[0]) } catch { throw fail(error.reason) }
            case "date":
                guard args.count == 1, TraceAnnotations.isDate(args[0]) else { throw fail("date takes one day, YYYY-MM-DD") }
                date = args[0]
            case "lift":
                let v = try numbers(1...2)
                guard v[0] > 0 else { throw fail("lift needs a duration above 0") }
                let low = v.count == 2 ? try newtons(v[1]) : 0
                profile.append(Breakpoint(timeS: now + v[0] / 4, forceN: low))
                profile.append(Breakpoint(timeS: now + 3 * v[0] / 4, forceN: low))
                now += v[0]
                profile.append(Breakpoint(timeS: now, forceN: force))
            default:
                throw fail("unknown keyword \"\(keyword)\"")
            }
            if force > Self.maxForceN { throw fail("force \(force) N is above the 8000 N the signal path accepts") }
            if now > Self.maxDurationS { throw fail("the scenario runs past \(Int(Self.maxDurationS)) s (a day)") }
        }
        guard durationS > 0 else {
            throw ScenarioError(source: source, line: 1, reason: "the scenario has no profile (ramp, hold, tap or lift)")
        }
    }

    /// The clean force at time `t` (s), by linear interpolation of the profile.
    public func cleanForce(at t: Double) -> Double {
        var cursor = 0
        return cleanForce(at: t, cursor: &cursor)
    }

    /// The same with a cursor for monotonic walks: O(1) per call instead of a search.
    public func cleanForce(at t: Double, cursor: inout Int) -> Double {
        while cursor + 1 < profile.count && profile[cursor + 1].timeS <= t { cursor += 1 }
        guard cursor + 1 < profile.count else { return profile[profile.count - 1].forceN }
        let (p, q) = (profile[cursor], profile[cursor + 1])
        guard t > p.timeS else { return p.forceN }
        return p.forceN + (t - p.timeS) * (q.forceN - p.forceN) / (q.timeS - p.timeS)
    }
}
