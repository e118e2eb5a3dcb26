import Foundation
import HoldfastCore
import HoldfastProtocol
import HoldfastSession
import Testing

@Suite("Protocol messages")
struct MessageTests {
    static let hold = HoldLine(n: 3, point: "upper trapezius L", startS: 12.5, endS: 73.25, holdS: 60.75, meanN: 31.5,
                               peakN: 35.125, meanLevel: 6.42, peakLevel: 7.01, targetS: 55.5, overS: 0, regrips: 2, gaps: 1)
    static let messages: [DaemonMessage] = [
        .hello(.init(sensor: "NAU7802 at 0x2A on /dev/i2c-1", scale: PressureScale.standardText, alarmLevel: 9, minHoldS: 2,
                     startN: 5, endN: 3, warning: nil)),
        .live(.init(id: "s1", tS: 754.25, forceN: 34.1, level: 6.35, zone: "target", stage: "hold", holdS: 83, point: nil,
                    alarm: false, session: "/var/lib/holdfast/sessions/x.jsonl",
                    sensor: .init(rateHz: 320, drops: 0, errors: 1, gaps: 0, polled: 0, status: "ok", lastError: "NACK"),
                    fault: "NOT RECORDED: …", warning: nil)),
        .hold(hold),
        .alarm(.init(on: true, tS: 80.5, level: 9.2, forceN: 51.25, crossingNs: 123, sentNs: 456)),
        .alarm(.init(on: false, tS: 81.5, level: 8.4, forceN: 46.5, crossingNs: 789, sentNs: 790)),
        .notice(.init(about: "tare", ok: true, message: "zero set (12 counts)")),
        .reply(.init(id: "7", ok: false, error: "no session is open")),
        .reply(.init(id: nil, scale: "3=1,55=10")),
    ]

    /// What the daemon writes, every client reads back as the same message.
    @Test(arguments: messages)
    func messagesRoundTrip(message: DaemonMessage) throws {
        let line = message.line
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(!line.dropLast().contains(UInt8(ascii: "\n")))
        #expect(try DaemonMessage.decode(line.dropLast()) == message)
    }

    /// A hold on the socket and in the session file are one record: the file's byte-exact line
    /// decodes to the message's form.
    @Test func theSessionFilesHoldLineIsTheMessage() throws {
        let record = HoldRecord(startNs: 12_500_400_000, endNs: 73_250_000_000, meanForce: Q16.fromNewtons(31.5)!,
                                peakForce: Q16.fromNewtons(35.125)!, targetNs: 55_500_000_000, overNs: 0,
                                endedByStreamEnd: true, gaps: 1, regrips: 2)
        let hold = SessionHold(point: "masseter R", record: record, scale: .standard)
        var fileLine = SessionEncoding.hold(hold, number: 4)
        fileLine.removeLast()  // the newline
        let decoded = try JSONDecoder().decode(HoldLine.self, from: Data(fileLine))
        #expect(decoded == HoldLine(hold, number: 4))
        #expect(try DaemonMessage.decode(fileLine) == .hold(HoldLine(hold, number: 4)))
    }

    @Test func linesThatAreNotMessagesSayWhy() {
        #expect(throws: ProtocolError(reason: "missing \"type\"")) { try DaemonMessage.decode(Array(#"{"x":1}"#.utf8)) }
        #expect(throws: ProtocolError.self) { try DaemonMessage.decode(Array(#"{"type":"live"}"#.utf8)) }
        #expect(throws: ProtocolError.self) { try DaemonMessage.decode(Array("not json".utf8)) }
    }
}
