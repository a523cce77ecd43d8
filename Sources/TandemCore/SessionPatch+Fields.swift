extension SessionPatch {
    /// The fields this patch changes, by their names in the API (`room` and `speakers` for the
    /// room and speaker ids), in the session's order: what a schedule import reports.
    public var changedFields: [String] {
        [("title", title.isSet), ("abstract", abstract.isSet), ("kind", kind.isSet), ("status", status.isSet), ("room", roomID.isSet),
         ("startsAt", startsAt.isSet), ("endsAt", endsAt.isSet), ("speakers", speakerIDs.isSet), ("capacity", capacity.isSet),
         ("language", language.isSet)]
            .filter { $0.1 }.map { $0.0 }
    }
}
