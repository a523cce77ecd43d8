import Foundation
import SwiftCSV
import TandemCore

/// Speakers and fellows from CSV (header row; UTF-8, with or without BOM), read by `tandem
/// import-speakers` and `POST /api/v1/speakers/import`:
/// `name, name_zh, organisation, country, cohort, partner_organisation, topics` (`;`-separated),
/// `bio_en, bio_zh`. A row with a `cohort` is a twinning fellow. Every row is checked; the rows that
/// pass are `speakers`, the others are `errors` (one per row, by its line in a spreadsheet: the
/// header is row 1).
struct SpeakerCSV {
    struct RowError: Error, Hashable, Sendable, CustomStringConvertible {
        var row: Int
        var message: String
        var description: String { "row \(row): \(message)" }
    }

    var speakers: [Speaker] = []
    var errors: [RowError] = []

    /// Throws `ImportError` when the text is not a CSV file with a `name` column at all.
    init(text: String) throws {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let table: NamedCSV
        do {
            table = try NamedCSV(string: body, delimiter: .comma, loadColumns: false)
        } catch let error as CSVParseError {
            let reason = switch error {
            case .generic(let message), .quotation(let message): message
            }
            throw ImportError("this is not a CSV file Tandem can read (\(reason)); save it as CSV (UTF-8, comma-separated, with a header row)")
        }
        guard table.header.contains("name") else { throw ImportError("the CSV needs a header row with a 'name' column") }
        var rows: [String: Int] = [:] // name → its row
        for (index, row) in table.rows.enumerated() {
            let number = index + 2
            let name = row["name"]?.trimmingWhitespace ?? ""
            if let first = rows[name] {
                errors.append(RowError(row: number, message: "\(name) is already in row \(first); give each speaker one row"))
                continue
            }
            if !name.isEmpty { rows[name] = number }
            switch Self.speaker(row, number: number) {
            case .success(let speaker): speakers.append(speaker)
            case .failure(let error): errors.append(error)
            }
        }
    }

    /// One row as a speaker, or what is wrong with it.
    private static func speaker(_ row: [String: String], number: Int) -> Result<Speaker, RowError> {
        func value(_ key: String) -> String? { row[key].map { $0.trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 } }
        func failure(_ message: String) -> Result<Speaker, RowError> { .failure(RowError(row: number, message: message)) }
        guard let name = value("name") else { return failure("'name' is empty") }
        var cohort: Int?
        if let text = value("cohort") {
            guard let year = Int(text), (1990...2200).contains(year) else { return failure("cohort '\(text)' is not a year") }
            cohort = year
        }
        let bio = value("bio_en").map { TranslatedText(en: $0, zh: value("bio_zh")) }
        let speaker = Speaker(id: .init(0), name: name, nameZh: value("name_zh"), organisation: value("organisation"),
                              country: value("country")?.asciiUppercased, bio: bio,
                              topics: value("topics")?.components(separatedBy: ";").map { $0.trimmingWhitespace }.filter { !$0.isEmpty } ?? [],
                              fellowship: cohort.map { Fellowship(cohort: $0, partnerOrganisation: value("partner_organisation")) })
        let errors = ProfileRules.validate(speaker)
        guard errors.isEmpty else { return failure(errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")) }
        return .success(speaker)
    }
}
