extension SpeakerPatch {
    /// The fields this patch changes, by their names in the API (`nameZh`, `organisation`, `country`,
    /// `bio`, `topics`, `fellowship`), in the profile's order: what a speaker import reports.
    public var changedFields: [String] {
        [("name", name.isSet), ("nameZh", nameZh.isSet), ("organisation", organisation.isSet), ("country", country.isSet),
         ("bio", bio.isSet), ("topics", topics.isSet), ("fellowship", fellowship.isSet)]
            .filter { $0.1 }.map { $0.0 }
    }
}
