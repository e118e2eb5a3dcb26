/// Faults to inject into an emulated sensor, as windows of emulated time.
///
/// Text form, comma-separated (times in seconds of the trace):
/// `nack@12+0.2` NACK every transfer for 0.2 s from 12 s;
/// `vanish@30+2` the device is gone for 2 s and comes back reset;
/// `stuck@50+1` the data-ready line gives no edges for 1 s;
/// `saturate@70+0.5` the ADC input is over range;
/// `latency=300us` every transfer takes 300 µs.
public struct FaultPlan: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case nack, vanish, stuck, saturate }

    public struct Window: Sendable, Equatable {
        public var kind: Kind
        public var startNs: Int64
        public var endNs: Int64
        public init(_ kind: Kind, startNs: Int64, endNs: Int64) {
            self.kind = kind
            self.startNs = startNs
            self.endNs = endNs
        }
    }

    public var windows: [Window] = []
    public var latencyNs: Int64 = 0

    public init(windows: [Window] = [], latencyNs: Int64 = 0) {
        self.windows = windows
        self.latencyNs = latencyNs
    }

    public func active(_ kind: Kind, at t: Int64) -> Bool {
        windows.contains { $0.kind == kind && t >= $0.startNs && t < $0.endNs }
    }

    /// The same plan on another time axis: trace times moved onto a live clock
    /// (saturating: a window moved past the ends of time stays there, never traps).
    public func shifted(byNs offset: Int64) -> FaultPlan {
        func move(_ t: Int64) -> Int64 {
            let (sum, overflow) = t.addingReportingOverflow(offset)
            return overflow ? (offset < 0 ? .min : .max) : sum
        }
        return FaultPlan(windows: windows.map { Window($0.kind, startNs: move($0.startNs), endNs: move($0.endNs)) },
                         latencyNs: latencyNs)
    }

    /// The latest a window may start or end, in seconds of the trace: what
    /// nanoseconds in an Int64 hold with room to spare (the trace reader's own
    /// range is ±9.2e9 s).
    public static let maxSeconds = 9e9

    /// Parses the text form; errors name the item.
    public init(parsing text: String) throws(FaultPlanError) {
        for item in text.split(separator: ",").map({ String($0).trimmingCharacters }) where !item.isEmpty {
            if item.hasPrefix("latency=") {
                let value = item.dropFirst("latency=".count)
                let (number, scale): (Substring, Double) =
                    value.hasSuffix("us") ? (value.dropLast(2), 1e3) : value.hasSuffix("ms") ? (value.dropLast(2), 1e6) : (value, 1)
                guard let v = Double(number), v >= 0 else { throw .malformed(item) }
                guard v * scale <= 1e9 else { throw .outOfRange(item, "a latency of at most 1 s") }
                latencyNs = Int64((v * scale).rounded())
                continue
            }
            let parts = item.split(separator: "@")
            guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])) else { throw .malformed(item) }
            let span = parts[1].split(separator: "+")
            guard span.count == 2, let start = Double(span[0]), let length = Double(span[1]),
                  start.isFinite, length.isFinite, start >= 0, length > 0 else { throw .malformed(item) }
            guard start + length <= Self.maxSeconds else {
                throw .outOfRange(item, "a window that ends by \(Int(Self.maxSeconds)) s")
            }
            windows.append(Window(kind, startNs: Int64((start * 1e9).rounded()),
                                  endNs: Int64(((start + length) * 1e9).rounded())))
        }
    }
}

public enum FaultPlanError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    /// Well formed, but a number beyond what can be emulated: the item and what is allowed.
    case outOfRange(String, String)

    public var description: String {
        switch self {
        case .malformed(let item):
            "fault \"\(item)\" is not of the form KIND@START+LENGTH (KIND: nack, vanish, stuck, saturate) or latency=Nus"
        case .outOfRange(let item, let allowed):
            "fault \"\(item)\" is out of range: expected \(allowed)"
        }
    }
}

