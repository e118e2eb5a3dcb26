import HoldfastCore
import HoldfastSession

/// One client's course of care: every session of theirs, oldest first, with
/// per point the dose (holds, time, level, zones, sag) and the thresholds
/// (PPT pre and post), and what the client reported. Built from the session
/// files' own records, so a session that ended without a summary (a crash, a
/// power cut) counts with what it holds.
public struct CourseOfCare: Sendable {
    /// One point in one session.
    public struct Point: Sendable, Equatable {
        public let point: String?
        public var holds = 0
        public var holdS = 0.0
        /// Σ mean level × hold time, for the time-weighted mean level.
        var levelTime = 0.0
        public var targetS = 0.0
        public var overS = 0.0
        var sagSum = 0.0
        var sagCount = 0
        /// Valid trials' thresholds (N) before the point's first hold in the session, and after.
        public var pre: [Double] = []
        public var post: [Double] = []
        /// Trials recorded but not counted (a ramp outside the band, no ramp, a gap).
        public var invalidTrials = 0

        public var meanLevel: Double? { holdS > 0 ? levelTime / holdS : nil }
        /// The mean sag of the holds that had one (% of the plateau's start lost by its end).
        public var sagPct: Double? { sagCount > 0 ? sagSum / Double(sagCount) : nil }
        public var preMean: Double? { pre.isEmpty ? nil : pre.reduce(0, +) / Double(pre.count) }
        public var postMean: Double? { post.isEmpty ? nil : post.reduce(0, +) / Double(post.count) }
        public var changeN: Double? { preMean.flatMap { a in postMean.map { $0 - a } } }
        public var changeFraction: Double? { preMean.flatMap { a in a > 0 ? changeN.map { $0 / a } : nil } }
        /// The point's threshold at the session's end: post if retested, else pre.
        public var latestPPT: Double? { postMean ?? preMean }
        /// At the session's start: pre if tested first, else post.
        public var firstPPT: Double? { preMean ?? postMean }
    }

    /// One session of the client's. Filled record by record (``add(_:)-hold``, ``add(_:)-ppt``,
    /// ``add(outcome:atS:)``) by whatever holds the records: session files here
    /// (``SessionFiles``), another ``CareSource`` elsewhere.
    public struct Session: Sendable {
        /// 1, 2, … in date order.
        public var number = 0
        /// YYYY-MM-DD, or "?" when the record does not say.
        public var date: String
        public var started: String?
        /// Where it came from (a file's path), for ordering sessions of one day and for messages.
        public var origin: String
        /// The summary was there: the session ended properly.
        public var complete: Bool
        public var points: [Point] = []
        /// What the client reported, in the order recorded (seconds into the session).
        public var outcomes: [(atS: Double, outcome: Outcome)] = []

        public init(date: String?, started: String?, origin: String, complete: Bool = false) {
            self.date = date ?? "?"
            self.started = started
            self.origin = origin
            self.complete = complete
        }

        /// The session's pain: the first pain reported "now" (before treatment), else the first at all.
        public var pain: Int? {
            let pains = outcomes.compactMap { o -> (Int, Outcome.PainTime)? in
                if case .pain(let level, let when) = o.outcome { return (level, when) }
                return nil
            }
            return (pains.first { $0.1 == .now } ?? pains.first)?.0
        }

        public subscript(point: String?) -> Point? { points.first { $0.point == point } }
        public var overS: Double { points.map(\.overS).reduce(0, +) }

        /// A hold, into its point's dose.
        public mutating func add(_ h: HoldLine) {
            update(h.point) { p in
                p.holds += 1
                p.holdS += h.holdS
                p.levelTime += h.meanLevel * h.holdS
                p.targetS += h.targetS
                p.overS += h.overS
                if let sag = h.sagPct { p.sagSum += sag; p.sagCount += 1 }
            }
        }

        /// A PPT trial, into its point's thresholds (an invalid one is only counted).
        public mutating func add(_ t: PPTLine) {
            update(t.point) { p in
                if !t.valid { p.invalidTrials += 1 } else if t.phase == .pre { p.pre.append(t.forceN) } else { p.post.append(t.forceN) }
            }
        }

        public mutating func add(outcome: Outcome, atS t: Double) { outcomes.append((t, outcome)) }

        /// Changes the row of `point`, adding it in order of first appearance.
        mutating func update(_ point: String?, _ change: (inout Point) -> Void) {
            if let i = points.firstIndex(where: { $0.point == point }) {
                change(&points[i])
            } else {
                var p = Point(point: point)
                change(&p)
                points.append(p)
            }
        }
    }

    public let client: String
    public private(set) var sessions: [Session]
    /// Session files that could not be read, with the reason (the report goes on without them).
    public private(set) var unreadable: [String]
    /// A change in PPT smaller than this fraction of the first value, or in pain smaller than `painMDC`, is no change.
    public let mdcFraction: Double
    public let painMDC: Int

    /// Every point that appears, in order of first appearance.
    public var points: [String?] {
        var seen: [String?] = []
        for s in sessions { for p in s.points where !seen.contains(p.point) { seen.append(p.point) } }
        return seen
    }

    /// `client`'s sessions from `source`, numbered in date order.
    public init(client: String, source: some CareSource, mdcFraction: Double = 0.2, painMDC: Int = 2) {
        self.client = client
        self.mdcFraction = mdcFraction
        self.painMDC = painMDC
        let (found, unreadable) = source.sessions(of: client)
        var sessions = found
        sessions.sort { ($0.date, $0.started ?? "", $0.origin) < ($1.date, $1.started ?? "", $1.origin) }
        for i in sessions.indices { sessions[i].number = i + 1 }
        self.sessions = sessions
        self.unreadable = unreadable
    }

    /// `client`'s sessions among the session files at `paths` (other clients' are passed over).
    public init(client: String, paths: [String], mdcFraction: Double = 0.2, painMDC: Int = 2) {
        self.init(client: client, source: SessionFiles(paths: paths), mdcFraction: mdcFraction, painMDC: painMDC)
    }
}

/// Where a client's sessions come from. The report sees only the
/// ``CourseOfCare/Session`` values a source fills; session files are one
/// source (``SessionFiles``), a clinic's database can be another.
public protocol CareSource {
    /// Every session of `client`, in any order, and why any could not be read (the report goes on without them).
    func sessions(of client: String) -> (found: [CourseOfCare.Session], unreadable: [String])
}

/// Session files (`*.jsonl`, and `*.jsonl.partial` of a session that never
/// ended): a file without a summary counts with what it holds.
public struct SessionFiles: CareSource {
    public let paths: [String]
    public init(paths: [String]) { self.paths = paths }

    public func sessions(of client: String) -> (found: [CourseOfCare.Session], unreadable: [String]) {
        var found: [CourseOfCare.Session] = []
        var unreadable: [String] = []
        for path in paths {
            switch Self.read(path, client: client) {
            case .success(let s?): found.append(s)
            case .success(nil): continue
            case .failure(let e): unreadable.append(e.description)
            }
        }
        return (found, unreadable)
    }

    /// One file: nil if it is another client's.
    static func read(_ path: String, client: String) -> Result<CourseOfCare.Session?, SessionReadError> {
        var session: CourseOfCare.Session?
        do {
            let file = try SessionFile(path: path, onHeader: { header in
                if header.client == client { session = CourseOfCare.Session(date: header.date, started: header.started, origin: path) }
            }, onHold: { session?.add($0) }, onPPT: { session?.add($0) }, onOutcome: { session?.add(outcome: $1, atS: $0) })
            session?.complete = file.complete
        } catch {
            return .failure(error)
        }
        return .success(session)
    }
}
