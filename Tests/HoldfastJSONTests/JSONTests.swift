import FoundationEssentials
import HoldfastJSON
import HoldfastTestSupport
import Testing

@Suite("JSON values")
struct JSONTests {
    @Test func objectsReadIntoPlainValues() throws {
        let text = #"{"type":"hold","n":3,"hold_s":61.25,"open":true,"point":null,"scale":[{"force_n":3,"level":1}],"note":"a \"b\"\n"}"#
        let o = try #require(JSON.object(from: Array(text.utf8)))
        #expect(o["type"] as? String == "hold")
        #expect(o["n"] as? Int == 3)
        #expect(o["hold_s"] as? Double == 61.25)
        #expect(o.number("n") == 3 && o.number("hold_s") == 61.25 && o.number("type") == nil)
        #expect(o["open"] as? Bool == true)
        #expect(o["point"] == nil)  // null reads as absent
        #expect(o["note"] as? String == "a \"b\"\n")
        let scale = try #require(o["scale"] as? [Any])
        #expect((scale.first as? [String: Any])?["level"] as? Int == 1)
    }

    @Test(arguments: ["", "[1,2]", "\"text\"", "{\"a\":", "{a:1}", "{\"a\":1} x", "nul"])
    func anythingButOneObjectIsRefused(text: String) {
        #expect(JSON.object(from: Array(text.utf8)) == nil)
    }

    @Test func textIsCompactWithSortedKeysAndReadsBack() throws {
        let value: [String: Any] = ["cmd": "point", "label": "upper \"trap\"\tL\u{1}", "level": 7.0, "n": 2, "ok": false,
                                    "list": [1, "x", JSON.Null()]]
        let text = JSON.text(value)
        #expect(text == #"{"cmd":"point","label":"upper \"trap\"\tL\u0001","level":7,"list":[1,"x",null],"n":2,"ok":false}"#)
        let back = try #require(JSON.object(from: Array(text.utf8)))
        #expect(back["label"] as? String == "upper \"trap\"\tL\u{1}")
        #expect(JSON.text(6.5) == "6.5" && JSON.text(Double.nan) == "null")
    }
}

/// The hand-written parser against FoundationEssentials' JSONDecoder, which it
/// replaced: the same documents accepted, the same values, the same types.
@Suite("JSON parser against JSONDecoder")
struct JSONParserDifferentialTests {
    /// What JSON.object(from:) used to be: JSONDecoder into plain values.
    struct Reference: Decodable {
        let any: Any
        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        init(from decoder: any Decoder) throws {
            if let object = try? decoder.container(keyedBy: Key.self) {
                var members: [String: Any] = [:]
                for key in object.allKeys where try !object.decodeNil(forKey: key) {
                    members[key.stringValue] = try object.decode(Reference.self, forKey: key).any
                }
                any = members
            } else if var array = try? decoder.unkeyedContainer() {
                var elements: [Any] = []
                while !array.isAtEnd {
                    if try array.decodeNil() { elements.append(JSON.Null()) } else { elements.append(try array.decode(Reference.self).any) }
                }
                any = elements
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() { any = JSON.Null() }
                else if let b = try? single.decode(Bool.self) { any = b }
                else if let i = try? single.decode(Int.self) { any = i }
                else if let d = try? single.decode(Double.self) { any = d }
                else { any = try single.decode(String.self) }
            }
        }
        static func object(_ bytes: [UInt8]) -> [String: Any]? {
            // Swift 6.0's JSONDecoder traps (a try! inside FoundationEssentials) on an invalid
            // escape in an object's key, e.g. {"\1":0}. Such a document is not JSON (RFC 8259
            // allows only these escapes), which is the answer the decoder gives elsewhere.
            guard !hasInvalidEscape(bytes) else { return nil }
            return (try? JSONDecoder().decode(Reference.self, from: Data(bytes)))?.any as? [String: Any]
        }

        /// A backslash in a string followed by anything but `" \ / b f n r t u`.
        static func hasInvalidEscape(_ bytes: [UInt8]) -> Bool {
            var inString = false, i = 0
            while i < bytes.count {
                switch (inString, bytes[i]) {
                case (_, UInt8(ascii: "\"")): inString.toggle()
                case (true, UInt8(ascii: "\\")):
                    guard i + 1 < bytes.count, Array(#""\/bfnrtu"#.utf8).contains(bytes[i + 1]) else { return true }
                    i += 1
                default: break
                }
                i += 1
            }
            return false
        }
    }

    /// The one intended difference: the decoder accepts a trailing comma (`[1,]`, `{"a":1,}`),
    /// which RFC 8259 does not; ours refuses it.
    func agree(_ bytes: [UInt8]) -> Bool {
        let ours = JSON.object(from: bytes).map(JSON.typedDescription)
        let theirs = Reference.object(bytes).map(JSON.typedDescription)
        if ours == nil, theirs != nil {
            let compact = String(decoding: bytes.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
            return compact.contains(",}") || compact.contains(",]")
        }
        return ours == theirs
    }

    @Test(arguments: [
        #"{"n":5.0,"e":1e2,"z":-0,"f":1.5,"big":9223372036854775808,"huge":12345678901234567890123,"neg":-7}"#,
        #"{"s":"a\"b\\c\/d\b\f\n\r\tu\u00e9\ud83d\ude00","t":true,"f":false,"x":null,"a":[1,null,[],{}]}"#,
        #"  {"a" : [ 1 , 2 ] }  "#, #"{"a":1,"a":2}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00x"}"#, "{\"a\":\"b\u{1}\"}",
        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":[1 ,]}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":1e400}"#, #"{"a":+1}"#, #"{"a":[1,]}"#,
        #"{"a":1,}"#, #"{"a":tru}"#, #"{"a":nulls}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{} {}"#, #"{"a":1}x"#,
        #"{"type":"hold","n":1,"point":"upper trapezius L","start_s":2.244,"end_s":10.681,"hold_s":8.437,"mean_n":18.637}"#,
    ])
    func examplesAgree(text: String) {
        #expect(agree(Array(text.utf8)), "\(text.debugDescription): ours \(JSON.object(from: Array(text.utf8)).map(JSON.typedDescription) ?? "nil"), decoder's \(Reference.object(Array(text.utf8)).map(JSON.typedDescription) ?? "nil")")
    }

    @Test func invalidUTF8IsRefusedLikeTheDecoder() {
        #expect(agree([UInt8](#"{"a":""#.utf8) + [0xFF, 0xFE] + [UInt8](#""}"#.utf8)))
        #expect(JSON.object(from: [UInt8](#"{"a":""#.utf8) + [0xC3] + [UInt8](#""}"#.utf8)) == nil)
    }

    /// Seeded random documents, and single-byte mutations of them.
    @Test func randomDocumentsAndMutationsAgree() {
        var generator = SeededRandom(fallback: 0x1501_2026)
        func random(_ n: Int) -> Int { Int.random(in: 0..<n, using: &generator) }
        let atoms = ["0", "-1", "7", "2.5", "-0.125", "1e3", "6.02E23", "1e-7", "123456789012", "true", "false", "null",
                     #""""#, #""point A""#, #""\u00e9\n\"""#, #""\ud83d\ude00""#]
        func value(_ depth: Int) -> String {
            switch depth > 3 ? 0 : random(4) {
            case 1: return "[" + (0..<random(4)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            case 2: return object(depth + 1)
            default: return atoms[random(atoms.count)]
            }
        }
        func object(_ depth: Int) -> String {
            "{" + (0..<random(5)).map { k in "\"k\(k)\":" + value(depth) }.joined(separator: ",") + "}"
        }
        let alphabet = Array(#"{}[]",:0123456789.eE+-\u tfnrl a"#.utf8)
        for n in 0..<2000 {
            var bytes = Array(object(0).utf8)
            if n % 2 == 1, !bytes.isEmpty {
                bytes[random(bytes.count)] = alphabet[random(alphabet.count)]
            }
            guard agree(bytes) else {
                Issue.record("\(generator.replay), document \(n): \(String(decoding: bytes, as: UTF8.self))")
                return
            }
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(JSON.object(from: Array(("{\"a\":" + deep + "}").utf8)) == nil)
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(JSON.object(from: Array(("{\"a\":" + fine + "}").utf8)) != nil)
    }
}
