import Testing

@testable import PortReport

/// Long numbers in messages (issue 12, F11): cut to their first 20 and last 8 digits and their length.
@Suite("Diagnostics: long numbers in messages")
struct LongNumberTests {
    @Test("a run of more than 40 digits is cut; shorter ones and other text stay")
    func cut() {
        let long = "1234567890" + String(repeating: "5", count: 4982) + "87654321"
        #expect(TerminalText.cuttingLongNumbers("found \(long) here") == "found 12345678905555555555…87654321 (5000 digits) here")
        let forty = String(repeating: "9", count: 40)
        #expect(TerminalText.cuttingLongNumbers("num \(forty), port 22") == "num \(forty), port 22")
        #expect(TerminalText.number(String(repeating: "7", count: 41)) == String(repeating: "7", count: 20) + "…77777777 (41 digits)")
    }

    @Test("an input error's message is cut, its file name is not touched")
    func inputError() {
        let error = InputError(
            file: "page-0001.json", line: 3, message: "expected an integer, found " + String(repeating: "8", count: 5000))
        #expect(error.description == "page-0001.json:3: expected an integer, found 88888888888888888888…88888888 (5000 digits)")
    }
}
