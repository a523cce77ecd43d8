import Foundation

/// Field rules for speakers, rooms and announcements.
public enum ProfileRules {
    public static func validate(_ speaker: Speaker) -> [FieldError] {
        var errors = Check.length(speaker.name, field: "name", max: 200)
        errors += Check.optionalLength(speaker.nameZh, field: "nameZh", max: 200)
        errors += Check.optionalLength(speaker.organisation, field: "organisation", max: 300)
        errors += Check.country(speaker.country, field: "country")
        if let bio = speaker.bio { errors += bio.validate(field: "bio", maxLength: 10_000, required: false) }
        if speaker.topics.count > 20 { errors.append(FieldError(field: "topics", message: "at most 20 topics")) }
        for (index, topic) in speaker.topics.enumerated() {
            errors += Check.length(topic, field: "topics[\(index)]", max: 100)
        }
        if let fellowship = speaker.fellowship {
            errors += Check.range(fellowship.cohort, field: "fellowship.cohort", 1990...2100)
            errors += Check.optionalLength(fellowship.partnerOrganisation, field: "fellowship.partnerOrganisation", max: 300)
        }
        return errors
    }

    public static func validate(_ room: Room) -> [FieldError] {
        Check.length(room.name, field: "name", max: 100)
            + Check.range(room.capacity, field: "capacity", 1...100_000)
            + Check.range(room.position, field: "position", 0...10_000)
    }

    public static func validate(_ announcement: Announcement, now: Date) -> [FieldError] {
        var errors = announcement.text.validate(field: "text", maxLength: 1_000)
        if let expiresAt = announcement.expiresAt, expiresAt <= now {
            errors.append(FieldError(field: "expiresAt", message: "must be in the future"))
        }
        return errors
    }
}
