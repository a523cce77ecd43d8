import Foundation
import TandemCore

/// The Twinning programme's demo data, loaded into an empty database.
public enum DemoProgramme {
    /// Loads the demo events, rooms, speakers, sessions and announcements through the store's intents
    /// (so every change is in the change log). `makeUUID` gives session guids. Actor: "demo".
    public static func load(into store: some ScheduleStore, makeUUID: @Sendable () -> UUID) async throws {
        var speakers: [Who: Speaker.ID] = [:]
        for who in Who.allCases {
            speakers[who] = try await store.createSpeaker(who.profile, by: actor).id
        }

        // 1. The capacity-building workshop in Hamburg.
        let hamburg = try await store.createEvent(Event(
            id: .init(0), slug: "cbw-hamburg-2017", kind: .workshop, status: .published,
            title: TranslatedText(en: "Capacity-Building Workshop Hamburg 2017", zh: "2017年汉堡能力建设工作坊"),
            description: TranslatedText(
                en: "Two days of hands-on training for the fellows of the EU-China NGO Twinning programme and their host organisations, just before the C20 Civil Society Summit in Hamburg.",
                zh: "在汉堡C20公民社会峰会召开前，为中欧NGO结对交流项目的学员及其接待机构举办的为期两天的实践培训。"),
            timezone: berlin, startsAt: try at(2017, 6, 15, 9, 0, berlin), endsAt: try at(2017, 6, 16, 16, 0, berlin),
            venue: Venue(name: "Elbforum Tagungszentrum", address: "Alsterufer 12, 20354 Hamburg", city: "Hamburg", country: "DE"),
            capacity: 60,
            // For the fellows only, who are known to the organisers: confirmed at once.
            registration: RegistrationWindow(opensAt: try at(2017, 3, 1, 9, 0, berlin), closesAt: try at(2017, 5, 31, 23, 59, berlin), mode: .instant)
        ), by: actor)
        let hamburgRooms = try await createRooms(
            [("Plenary Hall", 60), ("Room A", 20), ("Room B", 20), ("Garden Room", 40)], in: hamburg, store: store)
        try await createSessions(hamburgSlots, in: hamburg, rooms: hamburgRooms, speakers: speakers, store: store, makeUUID: makeUUID)
        for text in hamburgAnnouncements {
            _ = try await store.createAnnouncement(
                eventSlug: hamburg.slug,
                Announcement(id: .init(0), eventID: hamburg.id, text: text, severity: .info, createdAt: hamburg.startsAt),
                by: actor)
        }

        // 2. The C20 summit and the Twinning side events around it.
        let summitVenue = Venue(name: "HafenCity Konferenzzentrum", address: "Am Sandtorkai 40, 20457 Hamburg", city: "Hamburg", country: "DE")
        _ = try await store.createEvent(Event(
            id: .init(0), slug: "c20-summit-2017", kind: .conference, status: .published,
            title: TranslatedText(en: "C20 Civil Society Summit Hamburg 2017", zh: "2017年汉堡C20公民社会峰会"),
            description: TranslatedText(
                en: "The civil-society engagement group of the G20 presents its policy recommendations ahead of the leaders' summit.",
                zh: "二十国集团公民社会参与小组在领导人峰会前发布政策建议。"),
            timezone: berlin, startsAt: try at(2017, 6, 18, 9, 0, berlin), endsAt: try at(2017, 6, 19, 18, 0, berlin),
            venue: summitVenue, capacity: 800
        ), by: actor)

        let sideEvent = try await store.createEvent(Event(
            id: .init(0), slug: "twinning-at-c20", kind: .sideEvent, status: .published,
            title: TranslatedText(en: "EU-China NGO Twinning at the C20", zh: "中欧NGO结对交流项目亮相C20"),
            description: TranslatedText(
                en: "Fellows of the 2016 and 2017 cohorts share what European and Chinese NGOs learn from working side by side.",
                zh: "2016年和2017年的学员分享中欧NGO并肩工作所获得的经验。"),
            timezone: berlin, startsAt: try at(2017, 6, 19, 12, 30, berlin), endsAt: try at(2017, 6, 19, 15, 0, berlin),
            venue: summitVenue, capacity: 50, parentSlug: "c20-summit-2017"
        ), by: actor)
        let sideRooms = try await createRooms([("Seminar Room 3", 50)], in: sideEvent, store: store)
        try await createSessions(sideEventSlots, in: sideEvent, rooms: sideRooms, speakers: speakers, store: store, makeUUID: makeUUID)

        let reception = try await store.createEvent(Event(
            id: .init(0), slug: "twinning-reception-2017", kind: .sideEvent, status: .published,
            title: TranslatedText(en: "Twinning Fellows' Networking Reception", zh: "结对交流学员交流酒会"),
            description: TranslatedText(
                en: "An informal evening for fellows, host organisations and C20 delegates on the eve of the summit.",
                zh: "峰会前夜，学员、接待机构与C20代表的非正式交流晚会。"),
            timezone: berlin, startsAt: try at(2017, 6, 18, 18, 30, berlin), endsAt: try at(2017, 6, 18, 21, 30, berlin),
            venue: Venue(name: "Elbforum Tagungszentrum", address: "Alsterufer 12, 20354 Hamburg", city: "Hamburg", country: "DE"),
            capacity: 80, parentSlug: "c20-summit-2017"
        ), by: actor)
        let receptionRooms = try await createRooms([("Garden Terrace", 80)], in: reception, store: store)
        try await createSessions(receptionSlots, in: reception, rooms: receptionRooms, speakers: speakers, store: store, makeUUID: makeUUID)

        // 3. The first fellows report back in Beijing.
        let beijing = try await store.createEvent(Event(
            id: .init(0), slug: "fellows-present-2017", kind: .openEvent, status: .published,
            title: TranslatedText(
                en: "First EU-China NGO exchange fellows present their exchange experience",
                zh: "首届中欧NGO交流学员分享交流经验"),
            description: TranslatedText(
                en: "An open afternoon in Beijing: fellows tell what they saw, learned and brought home from their partner NGOs. In Chinese, with English interpretation where noted.",
                zh: "北京开放日下午：学员讲述在伙伴机构的见闻、收获与带回的经验。以中文进行，部分环节提供英文翻译。"),
            timezone: shanghai, startsAt: try at(2017, 11, 25, 14, 0, shanghai), endsAt: try at(2017, 11, 25, 17, 30, shanghai),
            venue: Venue(
                name: "Qingyuan Public Welfare Hub (清源公益中心)",
                address: "北京市东城区安定门东大街12号 (12 Andingmen East Street, Dongcheng District)",
                city: "Beijing", country: "CN"),
            capacity: 120,
            registration: RegistrationWindow(opensAt: try at(2017, 11, 1, 10, 0, shanghai), closesAt: try at(2017, 11, 24, 18, 0, shanghai))
        ), by: actor)
        let beijingRooms = try await createRooms([("Main Hall 主厅", 120), ("Tea Room 茶室", 40)], in: beijing, store: store)
        try await createSessions(beijingSlots, in: beijing, rooms: beijingRooms, speakers: speakers, store: store, makeUUID: makeUUID)

        // An upcoming round, with registration open, so the demo can be tried end to end; open to the
        // public, so double opt-in (`verified`, the default): the e-mailed link confirms a place.
        let kickoff = try await store.createEvent(Event(
            id: .init(0), slug: "twinning-kickoff-2027", kind: .workshop, status: .published,
            title: text("EU-China NGO Twinning 2027: kick-off workshop for the new fellows", "2027年中欧NGO结对交流项目：新学员启动工作坊"),
            description: text(
                "Two days in Berlin for the 2027 fellows and their host organisations: planning the exchange, working across cultures, and meeting the alumni.",
                "2027年学员及其接待机构在柏林的两天：规划交流、跨文化合作，并与往届学员见面。"),
            timezone: berlin, startsAt: try at(2027, 4, 15, 9, 0, berlin), endsAt: try at(2027, 4, 16, 17, 0, berlin),
            venue: Venue(name: "Haus der Zivilgesellschaft", address: "Marienstraße 19, 10117 Berlin", city: "Berlin", country: "DE"),
            capacity: 40,
            registration: RegistrationWindow(opensAt: try at(2026, 11, 1, 9, 0, berlin), closesAt: try at(2027, 4, 1, 18, 0, berlin))
        ), by: actor)
        let kickoffRooms = try await createRooms([("Saal 1", 40), ("Workshop Room", 20)], in: kickoff, store: store)
        try await createSessions(kickoffSlots, in: kickoff, rooms: kickoffRooms, speakers: speakers, store: store, makeUUID: makeUUID)
    }

    private static let actor = "demo"
    private static let berlin = "Europe/Berlin"
    private static let shanghai = "Asia/Shanghai"

    // MARK: - Helpers

    /// The instant of a local wall-clock time in the IANA `zone`.
    private static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ zone: String) throws -> Date {
        guard let timeZone = TimeZone(identifier: zone) else {
            throw ValidationError(field: "timezone", message: "unknown time zone \(zone)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
        guard let date = calendar.date(from: components) else {
            throw ValidationError(field: "startsAt", message: "invalid demo date \(year)-\(month)-\(day) \(hour):\(minute)")
        }
        return date
    }

    /// Creates the rooms in order and returns their ids by name.
    private static func createRooms(_ rooms: [(name: String, capacity: Int)], in event: Event, store: some ScheduleStore) async throws -> [String: Room.ID] {
        var ids: [String: Room.ID] = [:]
        for (position, room) in rooms.enumerated() {
            let created = try await store.createRoom(
                eventSlug: event.slug,
                Room(id: .init(0), eventID: event.id, name: room.name, capacity: room.capacity, position: position),
                by: actor)
            ids[room.name] = created.id
        }
        return ids
    }

    /// Creates one session per slot, on the event's day(s) in the event's time zone.
    private static func createSessions(
        _ slots: [Slot], in event: Event, rooms: [String: Room.ID], speakers: [Who: Speaker.ID],
        store: some ScheduleStore, makeUUID: @Sendable () -> UUID
    ) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = event.zone
        let year = calendar.component(.year, from: event.startsAt)
        let month = calendar.component(.month, from: event.startsAt)
        for slot in slots {
            guard let roomID = rooms[slot.room] else { throw StoreError.notFound(entity: "room", key: slot.room) }
            let speakerIDs = try slot.speakers.map { who in
                guard let id = speakers[who] else { throw StoreError.notFound(entity: "speaker", key: who.profile.name) }
                return id
            }
            let session = Session(
                id: .init(0), eventID: event.id, guid: makeUUID(), title: slot.title, abstract: slot.abstract,
                kind: slot.kind, roomID: roomID,
                startsAt: try at(year, month, slot.day, slot.from / 100, slot.from % 100, event.timezone),
                endsAt: try at(year, month, slot.day, slot.to / 100, slot.to % 100, event.timezone),
                speakerIDs: speakerIDs, capacity: slot.capacity, language: slot.language)
            _ = try await store.createSession(eventSlug: event.slug, session, by: actor)
        }
    }

    /// One session of the demo programme; `from` and `to` are local times as hhmm.
    fileprivate struct Slot {
        var day: Int
        var from: Int
        var to: Int
        var room: String
        var kind: Session.Kind
        var title: TranslatedText
        var abstract: TranslatedText? = nil
        var speakers: [Who] = []
        var capacity: Int? = nil
        var language: String? = "en"
    }

    fileprivate static func text(_ en: String, _ zh: String) -> TranslatedText { TranslatedText(en: en, zh: zh) }
}

// MARK: - People

extension DemoProgramme {
    /// The fellows (paired European and Chinese NGO staff) and the trainers of the demo programme.
    fileprivate enum Who: CaseIterable {
        case katrinVogel, liWei, matteoFerraris, zhangMin, elodieMarchand, chenXiaoyu
        case pieterJanssens, wangJing, annaKowalska, liuYang
        case sabineHartmann, thomasBrennan, zhouLan

        var profile: Speaker {
            switch self {
            case .katrinVogel:
                fellow("Katrin Vogel", nil, "Grünes Netz Hamburg e.V.", "DE", 2016, partner: "Green Horizon Environmental Centre, Chengdu",
                       ["climate advocacy", "community gardens", "volunteer management"],
                       text("Katrin coordinates urban climate campaigns in Hamburg and spent six weeks with her partner NGO in Chengdu.",
                            "Katrin在汉堡协调城市气候倡导活动，曾在成都的伙伴机构交流六周。"))
            case .liWei:
                fellow("Li Wei", "李伟", "Green Horizon Environmental Centre", "CN", 2016, partner: "Grünes Netz Hamburg e.V.",
                       ["environmental education", "waste reduction", "volunteer management"],
                       text("Li Wei runs environmental education programmes for schools in Chengdu and was hosted by Grünes Netz in Hamburg.",
                            "李伟在成都负责面向学校的环境教育项目，曾在汉堡的Grünes Netz交流。"))
            case .matteoFerraris:
                fellow("Matteo Ferraris", nil, "Associazione Ponte Sociale", "IT", 2016, partner: "Sunflower Community Service Centre, Guangzhou",
                       ["social inclusion", "disability rights", "social cooperatives"],
                       text("Matteo works on job placement for people with disabilities in Turin's social cooperatives.",
                            "Matteo在都灵的社会合作社从事残障人士就业安置工作。"))
            case .zhangMin:
                fellow("Zhang Min", "张敏", "Sunflower Community Service Centre", "CN", 2016, partner: "Associazione Ponte Sociale",
                       ["social inclusion", "migrant workers", "community services"],
                       text("Zhang Min leads community services for migrant workers' families in Guangzhou and was hosted in Turin.",
                            "张敏在广州负责外来务工人员家庭的社区服务，曾在都灵交流。"))
            case .elodieMarchand:
                fellow("Élodie Marchand", nil, "Réseau Solidarité Rurale", "FR", 2017, partner: "Yunnan Rural Development Association",
                       ["rural development", "short food supply chains"],
                       text("Élodie connects small farmers and consumers in the Lyon region through community-supported agriculture.",
                            "Élodie通过社区支持农业，在里昂地区连接小农户与消费者。"))
            case .chenXiaoyu:
                fellow("Chen Xiaoyu", "陈晓雨", "Yunnan Rural Development Association", "CN", 2017, partner: "Réseau Solidarité Rurale",
                       ["rural development", "farmers' cooperatives", "ecological agriculture"],
                       text("Chen Xiaoyu supports farmers' cooperatives in mountain villages around Kunming.",
                            "陈晓雨在昆明周边山区村庄支持农民合作社的发展。"))
            case .pieterJanssens:
                fellow("Pieter Janssens", nil, "Brussels Youth Platform", "BE", 2017, partner: "Beijing Youth Volunteer Network",
                       ["youth participation", "volunteering"],
                       text("Pieter trains young volunteers and youth councils across Brussels.",
                            "Pieter在布鲁塞尔各区培训青年志愿者和青年议会。"))
            case .wangJing:
                fellow("Wang Jing", "王静", "Beijing Youth Volunteer Network", "CN", 2017, partner: "Brussels Youth Platform",
                       ["youth participation", "volunteering", "NGO networks"],
                       text("Wang Jing coordinates a network of university volunteer associations in Beijing.",
                            "王静在北京协调高校志愿者协会网络。"))
            case .annaKowalska:
                fellow("Anna Kowalska", nil, "Fundacja Otwarte Miasto", "PL", 2017, partner: "Nanjing Urban Commons Centre",
                       ["participatory planning", "public space"],
                       text("Anna runs participatory budgeting and neighbourhood planning projects in Kraków.",
                            "Anna在克拉科夫开展参与式预算和社区规划项目。"))
            case .liuYang:
                fellow("Liu Yang", "刘洋", "Nanjing Urban Commons Centre", "CN", 2017, partner: "Fundacja Otwarte Miasto",
                       ["participatory planning", "old town renewal"],
                       text("Liu Yang involves residents in the renewal of Nanjing's old neighbourhoods.",
                            "刘洋推动居民参与南京老城区的更新改造。"))
            case .sabineHartmann:
                Speaker(id: .init(0), name: "Sabine Hartmann", organisation: "Hartmann & Lind NGO-Beratung", country: "DE",
                        bio: text("Sabine has trained NGO project managers for fifteen years, with a focus on planning and evaluation.",
                                  "Sabine从事NGO项目经理培训十五年，专注于项目规划与评估。"),
                        topics: ["project management", "monitoring and evaluation"])
            case .thomasBrennan:
                Speaker(id: .init(0), name: "Thomas Brennan", organisation: "Open Circle Facilitation", country: "IE",
                        bio: text("Thomas facilitates multilingual workshops and teaches intercultural communication.",
                                  "Thomas主持多语言工作坊，并教授跨文化沟通。"),
                        topics: ["facilitation", "intercultural communication"])
            case .zhouLan:
                Speaker(id: .init(0), name: "Zhou Lan", nameZh: "周岚", organisation: "Bridge Philanthropy Institute", country: "CN",
                        bio: text("Zhou Lan advises Chinese grassroots NGOs on fundraising and online giving.",
                                  "周岚为中国草根NGO提供筹款和网络募捐方面的咨询。"),
                        topics: ["fundraising", "online giving", "philanthropy"])
            }
        }

        private func fellow(_ name: String, _ nameZh: String?, _ organisation: String, _ country: String, _ cohort: Int,
                            partner: String, _ topics: [String], _ bio: TranslatedText) -> Speaker {
            Speaker(id: .init(0), name: name, nameZh: nameZh, organisation: organisation, country: country, bio: bio,
                    topics: topics, fellowship: Fellowship(cohort: cohort, partnerOrganisation: partner))
        }
    }
}

// MARK: - Programmes

extension DemoProgramme {
    /// 15–16 June 2017, Europe/Berlin.
    fileprivate static let hamburgSlots: [Slot] = [
        Slot(day: 15, from: 0930, to: 1030, room: "Plenary Hall", kind: .plenary,
             title: text("Welcome and opening: from exchange to partnership", "欢迎与开幕：从交流到伙伴关系"),
             abstract: text("Introductions, the programme of the two days, and two fellows on what their exchange changed. English with Chinese interpretation.",
                            "相互介绍、两天日程，以及两位学员讲述交流带来的改变。英文进行，提供中文翻译。"),
             speakers: [.thomasBrennan, .katrinVogel, .liWei]),
        Slot(day: 15, from: 1030, to: 1100, room: "Garden Room", kind: .break, title: text("Coffee break", "茶歇")),
        Slot(day: 15, from: 1100, to: 1230, room: "Room A", kind: .workshop,
             title: text("Project management for small NGOs", "小型NGO的项目管理"),
             abstract: text("From a good idea to a workable plan: objectives, work plans, budgets and risks for projects run by a handful of staff.",
                            "从好想法到可行计划：为人手有限的项目设定目标、制定工作计划、预算和风险管理。"),
             speakers: [.sabineHartmann], capacity: 20),
        Slot(day: 15, from: 1100, to: 1230, room: "Room B", kind: .workshop,
             title: text("Fundraising for NGOs: grants, donors and online giving", "NGO筹款：资助、捐赠者与网络募捐"),
             abstract: text("How European and Chinese NGOs diversify their income. Held in Chinese with English interpretation.",
                            "欧洲和中国NGO如何实现收入多元化。以中文进行，提供英文翻译。"),
             speakers: [.zhouLan], capacity: 16, language: "zh"),
        Slot(day: 15, from: 1230, to: 1330, room: "Garden Room", kind: .break, title: text("Lunch", "午餐")),
        Slot(day: 15, from: 1330, to: 1500, room: "Room A", kind: .workshop,
             title: text("Climate and environmental advocacy that works locally", "立足本地的气候与环境倡导"),
             abstract: text("Campaign tools tested in Hamburg and Chengdu: school programmes, repair cafés and talking to city hall.",
                            "在汉堡和成都检验过的倡导工具：学校项目、修理咖啡馆以及与市政府沟通。"),
             speakers: [.katrinVogel, .liWei], capacity: 18),
        Slot(day: 15, from: 1330, to: 1500, room: "Room B", kind: .workshop,
             title: text("Social inclusion: people with disabilities and migrant families", "社会包容：残障人士与外来务工家庭"),
             abstract: text("Turin's social cooperatives and Guangzhou's community centres compared: who is reached, and who is still left out.",
                            "比较都灵的社会合作社与广州的社区中心：服务覆盖了谁，又遗漏了谁。"),
             speakers: [.matteoFerraris, .zhangMin], capacity: 16),
        Slot(day: 15, from: 1500, to: 1530, room: "Garden Room", kind: .break, title: text("Coffee break", "茶歇")),
        Slot(day: 15, from: 1530, to: 1700, room: "Plenary Hall", kind: .panel,
             title: text("Panel: what can European and Chinese NGOs learn from each other?", "圆桌讨论：欧洲与中国NGO能相互学习什么？"),
             abstract: text("Four fellows of the 2017 cohort on rural networks, urban participation and the space for civil society. English with Chinese interpretation.",
                            "四位2017年学员探讨乡村网络、城市参与和公民社会空间。英文进行，提供中文翻译。"),
             speakers: [.thomasBrennan, .elodieMarchand, .chenXiaoyu, .annaKowalska, .liuYang]),
        Slot(day: 16, from: 0930, to: 1100, room: "Room A", kind: .workshop,
             title: text("Communicating across cultures", "跨文化沟通"),
             abstract: text("Directness, hierarchy, e-mail and WeChat: practical exercises for working with a partner NGO far away.",
                            "直接与委婉、等级观念、邮件与微信：与远方伙伴机构合作的实用练习。"),
             speakers: [.thomasBrennan], capacity: 20),
        Slot(day: 16, from: 0930, to: 1100, room: "Room B", kind: .workshop,
             title: text("Monitoring and evaluation: measuring what matters", "监测与评估：衡量真正重要的事"),
             abstract: text("Simple indicators, baselines and stories of change that donors and communities both understand.",
                            "设计资助方和社区都能理解的简单指标、基线和变化故事。"),
             speakers: [.sabineHartmann], capacity: 16),
        Slot(day: 16, from: 0930, to: 1100, room: "Garden Room", kind: .workshop,
             title: text("Recruiting and keeping young volunteers", "招募并留住青年志愿者"),
             abstract: text("What Brussels youth councils and Beijing university associations do to keep volunteers after the first month.",
                            "布鲁塞尔青年议会和北京高校志愿者协会如何在第一个月后留住志愿者。"),
             speakers: [.pieterJanssens, .wangJing], capacity: 12),
        Slot(day: 16, from: 1100, to: 1130, room: "Garden Room", kind: .break, title: text("Coffee break", "茶歇")),
        Slot(day: 16, from: 1130, to: 1300, room: "Room A", kind: .workshop,
             title: text("Community-led rural development", "社区主导的乡村发展"),
             abstract: text("Farmers' cooperatives in Yunnan and short supply chains around Lyon: organising producers and finding buyers.",
                            "云南的农民合作社与里昂周边的短链供应：组织生产者并寻找买家。"),
             speakers: [.elodieMarchand, .chenXiaoyu], capacity: 15),
        Slot(day: 16, from: 1130, to: 1300, room: "Room B", kind: .workshop,
             title: text("Open cities: planning with residents", "开放城市：与居民共同规划"),
             abstract: text("Participatory budgeting in Kraków and old-town renewal in Nanjing, and how to start small.",
                            "克拉科夫的参与式预算与南京的老城更新，以及如何从小处着手。"),
             speakers: [.annaKowalska, .liuYang], capacity: 15),
        Slot(day: 16, from: 1300, to: 1400, room: "Garden Room", kind: .break, title: text("Lunch", "午餐")),
        Slot(day: 16, from: 1400, to: 1530, room: "Plenary Hall", kind: .plenary,
             title: text("Closing plenary: our messages to the C20", "闭幕全体会议：我们对C20的建议"),
             abstract: text("The workshop's results and the recommendations fellows will bring to the C20 Civil Society Summit on 18–19 June.",
                            "工作坊成果，以及学员将带到6月18–19日C20公民社会峰会的建议。"),
             speakers: [.thomasBrennan, .katrinVogel, .liWei]),
    ]

    /// 19 June 2017, Europe/Berlin.
    fileprivate static let sideEventSlots: [Slot] = [
        Slot(day: 19, from: 1230, to: 1250, room: "Seminar Room 3", kind: .talk,
             title: text("The EU-China NGO Twinning programme in brief", "中欧NGO结对交流项目简介"),
             abstract: text("How fellows are paired, what an exchange looks like, and what the first two cohorts have done.",
                            "学员如何结对、交流如何进行，以及前两届学员的成果。"),
             speakers: [.pieterJanssens, .wangJing]),
        Slot(day: 19, from: 1250, to: 1410, room: "Seminar Room 3", kind: .panel,
             title: text("Fellows in dialogue: civil-society cooperation beyond borders", "学员对话：跨越国界的公民社会合作"),
             abstract: text("Two pairs of 2016 fellows on working in each other's organisations. English with Chinese interpretation.",
                            "两对2016年学员讲述在对方机构工作的体验。英文进行，提供中文翻译。"),
             speakers: [.thomasBrennan, .katrinVogel, .liWei, .matteoFerraris, .zhangMin]),
        Slot(day: 19, from: 1410, to: 1500, room: "Seminar Room 3", kind: .talk,
             title: text("From Hamburg to the G20: the fellows' recommendations", "从汉堡到G20：学员的建议"),
             abstract: text("Presenting the recommendations drafted at the Hamburg capacity-building workshop.",
                            "介绍在汉堡能力建设工作坊上起草的建议。"),
             speakers: [.elodieMarchand, .chenXiaoyu]),
    ]

    /// 18 June 2017, Europe/Berlin.
    fileprivate static let receptionSlots: [Slot] = [
        Slot(day: 18, from: 1830, to: 1850, room: "Garden Terrace", kind: .talk,
             title: text("Welcome words", "欢迎致辞"),
             speakers: [.sabineHartmann, .zhouLan]),
        Slot(day: 18, from: 1850, to: 2130, room: "Garden Terrace", kind: .other,
             title: text("Reception and informal networking", "酒会与自由交流"),
             abstract: text("Drinks and snacks on the terrace; fellows, host organisations and C20 delegates meet informally.",
                            "露台上备有饮品和小食；学员、接待机构与C20代表自由交流。")),
    ]

    /// 25 November 2017, Asia/Shanghai.
    fileprivate static let kickoffSlots: [Slot] = [
        Slot(day: 15, from: 900, to: 930, room: "Saal 1", kind: .plenary,
             title: text("Welcome to the 2027 round", "欢迎加入2027年项目"), speakers: [.sabineHartmann]),
        Slot(day: 15, from: 930, to: 1100, room: "Saal 1", kind: .workshop,
             title: text("Working across cultures", "跨文化合作"),
             abstract: text("Expectations, feedback and decisions in German and Chinese NGOs, with role plays.",
                            "德国与中国NGO中的期望、反馈与决策方式，含角色扮演。"),
             speakers: [.zhouLan], capacity: 20),
        Slot(day: 15, from: 930, to: 1100, room: "Workshop Room", kind: .workshop,
             title: text("Planning your exchange", "规划你的交流"),
             abstract: text("Goals, a week-by-week plan and what to agree with your host before you travel.",
                            "目标、逐周计划，以及出发前需与接待机构约定的事项。"),
             speakers: [.thomasBrennan], capacity: 12),
        Slot(day: 15, from: 1100, to: 1130, room: "Saal 1", kind: .break, title: text("Coffee break", "茶歇"), language: nil),
        Slot(day: 15, from: 1130, to: 1230, room: "Saal 1", kind: .panel,
             title: text("Alumni panel: what we wish we had known", "往届学员座谈：我们希望早点知道的事"),
             speakers: [.katrinVogel, .liWei]),
        Slot(day: 16, from: 930, to: 1230, room: "Workshop Room", kind: .workshop,
             title: text("Designing a joint project", "设计联合项目"),
             abstract: text("From a shared problem to a small project both partner NGOs can run after the exchange.",
                            "从共同问题出发，设计一个交流结束后双方都能开展的小项目。"),
             speakers: [.sabineHartmann], capacity: 16),
        Slot(day: 16, from: 1400, to: 1500, room: "Saal 1", kind: .plenary,
             title: text("Closing and next steps", "总结与下一步"), speakers: [.sabineHartmann]),
    ]

    fileprivate static let beijingSlots: [Slot] = [
        Slot(day: 25, from: 1400, to: 1415, room: "Main Hall 主厅", kind: .plenary,
             title: text("Welcome and introduction to the Twinning programme", "欢迎致辞及项目介绍"),
             speakers: [.wangJing], language: "zh"),
        Slot(day: 25, from: 1415, to: 1445, room: "Main Hall 主厅", kind: .talk,
             title: text("Six weeks in Hamburg: what a German environmental NGO taught me about volunteers", "汉堡六周：德国环保组织的志愿者管理经验"),
             abstract: text("Li Wei on volunteer management, repair cafés and working with the city of Hamburg.",
                            "李伟分享志愿者管理、修理咖啡馆以及与汉堡市政府合作的经验。"),
             speakers: [.liWei], language: "zh"),
        Slot(day: 25, from: 1445, to: 1515, room: "Main Hall 主厅", kind: .talk,
             title: text("Inclusion in practice: lessons from the social cooperatives of Turin", "包容的实践：来自都灵社会合作社的经验"),
             abstract: text("Zhang Min on how Italian cooperatives employ people with disabilities, and what Guangzhou could adapt.",
                            "张敏介绍意大利合作社如何雇用残障人士，以及广州可以借鉴什么。"),
             speakers: [.zhangMin], language: "zh"),
        Slot(day: 25, from: 1515, to: 1535, room: "Tea Room 茶室", kind: .break, title: text("Tea break", "茶歇"), language: nil),
        Slot(day: 25, from: 1535, to: 1605, room: "Main Hall 主厅", kind: .talk,
             title: text("Farmers' networks in rural France and Yunnan", "法国乡村与云南的农民网络"),
             abstract: text("Chen Xiaoyu compares French community-supported agriculture with cooperatives in Yunnan's mountain villages.",
                            "陈晓雨比较法国的社区支持农业与云南山区村庄的合作社。"),
             speakers: [.chenXiaoyu], language: "zh"),
        Slot(day: 25, from: 1605, to: 1635, room: "Main Hall 主厅", kind: .talk,
             title: text("Hosting and being hosted: a European fellow in Chengdu", "接待与被接待：一位欧洲学员在成都"),
             abstract: text("Katrin Vogel on her exchange at Green Horizon. In English with consecutive Chinese interpretation.",
                            "Katrin Vogel讲述她在绿色地平线环境中心的交流经历。英文进行，提供中文交替传译。"),
             speakers: [.katrinVogel], language: "en"),
        Slot(day: 25, from: 1635, to: 1720, room: "Main Hall 主厅", kind: .panel,
             title: text("Open discussion: the next steps for EU-China NGO exchange", "开放讨论：中欧NGO交流的下一步"),
             abstract: text("Fellows answer the audience's questions and discuss the 2018 cohort. Chinese and English with interpretation.",
                            "学员回答观众提问并讨论2018年项目。中英双语，提供翻译。"),
             speakers: [.liuYang, .wangJing, .matteoFerraris], language: "zh"),
    ]

    fileprivate static let hamburgAnnouncements: [TranslatedText] = [
        text("Lunch is served in the Garden Room from 12:30 on Thursday and from 13:00 on Friday.",
             "周四12:30起、周五13:00起在花园厅供应午餐。"),
        text("Interpretation headsets (English–Chinese) are available at the registration desk in the Plenary Hall foyer.",
             "英中同声传译耳机可在全体会议厅门厅的签到台领取。"),
    ]
}
