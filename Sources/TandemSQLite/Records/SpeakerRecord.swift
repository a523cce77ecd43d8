import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of `speaker`; `topics` is a JSON array.
struct SpeakerRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "speaker"

    var id: Int64?
    var name: String
    var nameZh: String?
    var organisation: String?
    var country: String?
    var bioEn: String?
    var bioZh: String?
    var topics: [String]
    var fellowCohort: Int?
    var fellowPartnerOrganisation: String?
    var createdAt: Date
    var updatedAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension SpeakerRecord {
    init(_ speaker: Speaker, createdAt: Date, updatedAt: Date) {
        self.init(
            id: speaker.id.rawValue == 0 ? nil : speaker.id.rawValue, name: speaker.name, nameZh: speaker.nameZh,
            organisation: speaker.organisation, country: speaker.country, bioEn: speaker.bio?.en,
            bioZh: speaker.bio?.zh, topics: speaker.topics, fellowCohort: speaker.fellowship?.cohort,
            fellowPartnerOrganisation: speaker.fellowship?.partnerOrganisation,
            createdAt: createdAt, updatedAt: updatedAt)
    }

    var domain: Speaker {
        Speaker(
            id: Speaker.ID(id ?? 0), name: name, nameZh: nameZh, organisation: organisation, country: country,
            bio: bioEn.map { TranslatedText(en: $0, zh: bioZh) }, topics: topics,
            fellowship: fellowCohort.map { Fellowship(cohort: $0, partnerOrganisation: fellowPartnerOrganisation) })
    }
}
