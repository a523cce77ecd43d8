import Foundation

/// A spreadsheet export that opens right in Excel and LibreOffice: UTF-8 with BOM (so Chinese
/// names survive), CRLF rows, RFC 4180 quoting, and cells that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with an apostrophe. A cell with a `;` is quoted
/// too: a spreadsheet in a `;`-separated locale would otherwise split it there, and the piece
/// after the `;` (`x;=HYPERLINK(…)`) would start a cell of its own and run as a formula.
struct CSVTable {
    var header: [String]
    var rows: [[String]] = []

    func render() -> Data {
        var text = "\u{FEFF}"
        for row in [header] + rows {
            text += row.map(Self.cell).joined(separator: ",") + "\r\n"
        }
        return Data(text.utf8)
    }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        guard value.unicodeScalars.contains(where: { ",;\"\n\r\t".unicodeScalars.contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
