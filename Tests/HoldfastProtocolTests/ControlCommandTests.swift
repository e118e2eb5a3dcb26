import Foundation
import HoldfastProtocol
import Testing

@Suite("Control protocol")
struct ControlProtocolTests {
    @Test(arguments: [
        (#"{"cmd":"point","label":"upper trapezius L","id":3}"#, ControlCommand.point("upper trapezius L")),
        (#"{"cmd":"tare"}"#, .tare),
        (#"{"cmd":"rate","level":7}"#, .rate(level: 7)),
        (#"{"cmd":"session","action":"start","client":"jd-42"}"#, .startSession(client: "jd-42")),
        (#"{"cmd":"session","action":"end"}"#, .endSession),
        (#"{"cmd":"mark"}"#, .mark(note: nil)),
        (#"{"cmd":"status"}"#, .status),
        (#"{"cmd":"ppt"}"#, .ppt),
        (#"{"cmd":"outcome","kind":"pain","value":6}"#, .outcome(.pain(level: 6, when: .now))),
        (#"{"cmd":"outcome","kind":"sleep","wakeups":3}"#, .outcome(.sleep(wakeups: 3))),
    ])
    func validCommands(line: String, expected: ControlCommand) throws {
        #expect(try ControlCommand.parse(line).get().command == expected)
    }

    /// Outside the macro's arguments: Swift 6.0.3 crashes type-checking a string
    /// interpolation written inside @Test(arguments:).
    static let invalidCommands: [(String, String)] = [
        ("not json", "not a JSON object"),
        (#"{"label":"x"}"#, "missing \"cmd\""),
        (#"{"cmd":"point","label":"a\u0007b"}"#, "control character"),
        (#"{"cmd":"point","label":"a,b"}"#, "commas"),
        (#"{"cmd":"rate","level":11}"#, "between 0 and 10"),
        (#"{"cmd":"session","action":"start","client":"../../etc"}"#, "only letters, digits"),
        (#"{"cmd":"session","action":"pause"}"#, "\"start\" or \"end\""),
        (#"{"cmd":"mark","note":"a\nb"}"#, "control character"),
        // One rule for labels and notes: C1 controls (U+009B is a one-character CSI) too.
        (#"{"cmd":"mark","note":"a\u009b2Jb"}"#, "note contains a control character"),
        (#"{"cmd":"mark","note":"\u0085"}"#, "note contains a control character"),
        (#"{"cmd":"point","label":"a\u009bb"}"#, "point label contains a control character"),
        ("{\"cmd\":\"mark\",\"note\":\"\(String(repeating: "n", count: 201))\"}", "note is 201 bytes long (at most 200)"),
        (#"{"cmd":"reboot"}"#, "unknown cmd"),
        (#"{"cmd":"outcome","kind":"pain","value":11}"#, "outcome: pain 11.0 is out of range"),
        (#"{"cmd":"outcome","kind":"pain","value":5,"when":"noon"}"#, "not now, morning or evening"),
        (#"{"cmd":"outcome","kind":"mood"}"#, "must be pain, movement, sleep or note"),
        (#"{"cmd":"outcome","kind":"movement","name":"neck","value":900,"unit":"deg"}"#, "out of range (0 ... 360)"),
        (#"{"cmd":"outcome","kind":"sleep","wakeups":2.5}"#, "whole number"),
    ]

    @Test(arguments: invalidCommands)
    func invalidCommandsSayWhy(line: String, expected: String) {
        switch ControlCommand.parse(line) {
        case .success(let p): Issue.record("accepted \(p.command)")
        case .failure(let e): #expect(e.message.contains(expected), "\(e.message)")
        }
    }

    /// What a client sends is what the daemon reads: every command survives the trip.
    @Test(arguments: [ControlCommand.point("upper trapezius L"), .tare, .rate(level: 6.5), .startSession(client: "jd42"),
                      .startSession(client: nil), .endSession, .mark(note: "relief"), .mark(note: nil), .status, .ppt,
                      .outcome(.pain(level: 3, when: .evening)), .outcome(.note("felt lighter")),
                      .outcome(.movement(name: "neck rotation L", result: .measured(62.5, .deg))),
                      .outcome(.movement(name: "squat", result: .passed(true)))])
    func commandsRoundTrip(command: ControlCommand) throws {
        let line = String(decoding: command.line(id: "x7").dropLast(), as: UTF8.self)
        let parsed = try ControlCommand.parse(line).get()
        #expect(parsed.command == command)
        #expect(parsed.id == "x7")
    }
}
