/// A person on the programme; twinning fellows carry their fellowship.
public struct Speaker: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Speaker>

    public var id: ID
    public var name: String
    /// The name in Chinese characters, where the speaker has one.
    public var nameZh: String?
    public var organisation: String?
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String?
    public var bio: TranslatedText?
    public var topics: [String]
    public var fellowship: Fellowship?

    public init(
        id: ID, name: String, nameZh: String? = nil, organisation: String? = nil, country: String? = nil,
        bio: TranslatedText? = nil, topics: [String] = [], fellowship: Fellowship? = nil
    ) {
        self.id = id
        self.name = name
        self.nameZh = nameZh
        self.organisation = organisation
        self.country = country
        self.bio = bio
        self.topics = topics
        self.fellowship = fellowship
    }
}

/// A twinning fellowship: the yearly cohort and the partner organisation hosting the exchange.
public struct Fellowship: Codable, Hashable, Sendable {
    public var cohort: Int
    public var partnerOrganisation: String?

    public init(cohort: Int, partnerOrganisation: String? = nil) {
        self.cohort = cohort
        self.partnerOrganisation = partnerOrganisation
    }
}
