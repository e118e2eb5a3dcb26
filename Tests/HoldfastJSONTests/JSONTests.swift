import HoldfastJSON
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
