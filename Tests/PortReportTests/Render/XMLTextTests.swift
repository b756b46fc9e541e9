import Testing

@testable import PortReport

@Suite("Render: text XML 1.0 cannot hold")
struct XMLTextTests {
    @Test("C0 controls but tab, line feed and carriage return are written visibly; other text is left as it is")
    func controlsAreVisible() {
        #expect(XMLNode.xmlText("0f\u{1B}[31m") == #"0f\u{1b}[31m"#)
        #expect(XMLNode.xmlText("ab\u{0}cd") == #"ab\u{0}cd"#)
        #expect(XMLNode.xmlText("x\u{FFFF}") == #"x\u{ffff}"#)
        #expect(XMLNode.xmlText("tab\tline\ncr\r é <&>") == "tab\tline\ncr\r é <&>")
    }
}
