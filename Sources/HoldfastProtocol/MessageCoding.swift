import FoundationEssentials
import HoldfastSession

/// Messages as JSON lines: `{"type":"live",…}`. Encoding never fails for
/// these types (plain strings, numbers and booleans); decoding names what is
/// wrong with a line.
extension DaemonMessage: Codable {
    private enum Kind: String, Codable {
        case hello, live, hold, ppt, alarm, alarmEnd = "alarm_end", notice, reply
    }

    private enum TypeKey: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: TypeKey.self).decode(Kind.self, forKey: .type)
        switch kind {
        case .hello: self = .hello(try Hello(from: decoder))
        case .live: self = .live(try LiveFrame(from: decoder))
        case .hold: self = .hold(try HoldLine(from: decoder))
        case .ppt: self = .ppt(try PPTLine(from: decoder))
        case .alarm, .alarmEnd:
            var alarm = try Alarm(from: decoder)
            alarm.on = kind == .alarm
            self = .alarm(alarm)
        case .notice: self = .notice(try Notice(from: decoder))
        case .reply: self = .reply(try Reply(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .hello(let m): try container.encode(Kind.hello, forKey: .type); try m.encode(to: encoder)
        case .live(let m): try container.encode(Kind.live, forKey: .type); try m.encode(to: encoder)
        case .hold(let m): try container.encode(Kind.hold, forKey: .type); try m.encode(to: encoder)
        case .ppt(let m): try container.encode(Kind.ppt, forKey: .type); try m.encode(to: encoder)
        case .alarm(let m): try container.encode(m.on ? Kind.alarm : .alarmEnd, forKey: .type); try m.encode(to: encoder)
        case .notice(let m): try container.encode(Kind.notice, forKey: .type); try m.encode(to: encoder)
        case .reply(let m): try container.encode(Kind.reply, forKey: .type); try m.encode(to: encoder)
        }
    }

    /// The message as one line of JSON with its newline.
    public var line: [UInt8] {
        // Encoding plain values cannot fail; a failure would be our bug, shown on the line rather than trapped on.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let body = (try? encoder.encode(self)).map(Array.init) ?? Array(#"{"type":"notice","about":"protocol","ok":false,"message":"unencodable message"}"#.utf8)
        return body + [UInt8(ascii: "\n")]
    }

    /// Decodes one line (without its newline).
    public static func decode(_ line: some Collection<UInt8>) throws(ProtocolError) -> DaemonMessage {
        do { return try JSONDecoder().decode(DaemonMessage.self, from: Data(line)) }
        catch { throw ProtocolError(reason: Self.describe(error)) }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "bad value at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        default: "not a protocol message"
        }
    }
}

/// A line that is not what the protocol says it should be.
public struct ProtocolError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
