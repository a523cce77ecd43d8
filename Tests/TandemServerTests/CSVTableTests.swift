import Foundation
@testable import TandemServer
import Testing

@Suite("CSV export: no cell a spreadsheet could run, in any locale", .timeLimit(.minutes(5)))
struct CSVTableTests {
    @Test("cells that start like a formula get an apostrophe", arguments: ["=1+1", "+49 40 123", "-2", "@SUM(A1)", "\tx", "\rx"])
    func formulaStart(cell: String) {
        #expect(CSVTable.cell(cell).hasPrefix("'") || CSVTable.cell(cell).hasPrefix("\"'"))
    }

    @Test("a cell with a separator of any locale is quoted, so nothing after it starts a cell of its own",
          arguments: ["NGO;=HYPERLINK(\"http://x\")", "a;+1", "a;-1", "a;@x", "a,=1", "a\t=1", "Green Hands; Kunming"])
    func separators(cell: String) {
        let written = CSVTable.cell(cell)
        #expect(written.hasPrefix("\"") && written.hasSuffix("\""), "\(written)")
        // Read back the RFC 4180 way, it is the same text.
        #expect(String(written.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") == cell)
    }

    @Test("ordinary text stays as it is") func plain() {
        #expect(CSVTable.cell("Zhang Min 张敏") == "Zhang Min 张敏")
    }
}
