//! Every decision in the demo data, judged by the same rule functions the mutations call: who
//! attended each meeting, whether each resolution passed under the charter in force that day,
//! who was elected from which resolution and for which term, who was admitted by whom, and what
//! the founding needed. The seeder writes rows directly; this is what keeps it honest.

use std::collections::{HashMap, HashSet};

use alliance_hub::database::Store;
use alliance_hub::service::{
    charter::{Parameters, in_force},
    governance::{member_on, post_active_on},
    rules,
};
use chrono::NaiveDate;
use entity::{
    agreement, agreement_party, alliance, alliance_report, alliance_stage_event, chain_segment,
    charter, charter_consent, enterprise_profile,
    enums::{AllianceStage, MeetingKind, OrganizationKind, PostKind, ResolutionKind},
    joint_result, meeting, meeting_attendance, membership, organization, organization_segment,
    post, project_participant, resolution, result_funding, result_holder, support_measure,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::TestApp;

const ASSEMBLIES: [MeetingKind; 2] = [MeetingKind::GeneralAssembly, MeetingKind::FoundingAssembly];

/// One alliance's governance records.
struct Records {
    alliance: alliance::Model,
    charters: Vec<charter::Model>,
    members: Vec<membership::Model>,
    meetings: HashMap<i64, meeting::Model>,
    resolutions: Vec<resolution::Model>,
    posts: Vec<post::Model>,
}

impl Records {
    async fn load(db: &Store, alliance: alliance::Model) -> Self {
        let id = alliance.id;
        let meetings: HashMap<i64, meeting::Model> = meeting::Entity::find()
            .filter(meeting::Column::AllianceId.eq(id))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        Self {
            charters: charter::Entity::find()
                .filter(charter::Column::AllianceId.eq(id))
                .all(db)
                .await
                .unwrap(),
            members: membership::Entity::find()
                .filter(membership::Column::AllianceId.eq(id))
                .all(db)
                .await
                .unwrap(),
            resolutions: resolution::Entity::find()
                .filter(resolution::Column::MeetingId.is_in(meetings.keys().copied()))
                .order_by_asc(resolution::Column::Id)
                .all(db)
                .await
                .unwrap(),
            posts: post::Entity::find()
                .filter(post::Column::AllianceId.eq(id))
                .all(db)
                .await
                .unwrap(),
            meetings,
            alliance,
        }
    }

    fn charter_on(&self, day: NaiveDate) -> Parameters {
        in_force(&self.charters, day)
            .map(Parameters::of)
            .unwrap_or_default()
    }

    fn is_director(&self, unit: i64, day: NaiveDate) -> bool {
        self.posts.iter().any(|p| {
            p.kind == PostKind::Director
                && p.organization_id == Some(unit)
                && post_active_on(p, day)
        })
    }

    /// Who could attend a meeting of `kind` on `day` (as `holdMeeting` decides it).
    fn body(&self, kind: MeetingKind, day: NaiveDate) -> HashSet<i64> {
        match kind {
            MeetingKind::GeneralAssembly | MeetingKind::FoundingAssembly => self
                .members
                .iter()
                .filter(|m| member_on(m, day))
                .map(|m| m.organization_id)
                .collect(),
            MeetingKind::Council => self
                .posts
                .iter()
                .filter(|p| p.kind == PostKind::Director && post_active_on(p, day))
                .filter_map(|p| p.organization_id)
                .collect(),
            MeetingKind::ExpertReview => self
                .posts
                .iter()
                .filter(|p| p.kind == PostKind::Expert && post_active_on(p, day))
                .map(|p| p.person_id)
                .collect(),
        }
    }
}

#[tokio::test]
async fn every_seeded_decision_passes_the_rules_the_mutations_use() {
    let app = TestApp::spawn().await;
    let db = app.db();
    let attendance = meeting_attendance::Entity::find().all(db).await.unwrap();
    let units: HashMap<i64, organization::Model> = organization::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let stages = alliance_stage_event::Entity::find().all(db).await.unwrap();
    let reports = alliance_report::Entity::find().all(db).await.unwrap();
    let agreements = agreement::Entity::find().all(db).await.unwrap();
    let parties = agreement_party::Entity::find().all(db).await.unwrap();
    let results = joint_result::Entity::find().all(db).await.unwrap();
    let holders = result_holder::Entity::find().all(db).await.unwrap();
    let funding = result_funding::Entity::find().all(db).await.unwrap();
    let participants = project_participant::Entity::find().all(db).await.unwrap();
    let measures = support_measure::Entity::find().all(db).await.unwrap();
    let mut judged = 0;
    for alliance in alliance::Entity::find().all(db).await.unwrap() {
        let r = Records::load(db, alliance).await;
        let code = r.alliance.code.clone();

        // Meetings: attendees belong to the body that day, whose size is recorded.
        let mut present: HashMap<i64, i32> = HashMap::new();
        for m in r.meetings.values() {
            let body = r.body(m.kind, m.held_on);
            let attendees: Vec<i64> = attendance
                .iter()
                .filter(|a| a.meeting_id == m.id)
                .filter_map(|a| a.organization_id.or(a.person_id))
                .collect();
            let distinct: HashSet<i64> = attendees.iter().copied().collect();
            assert_eq!(
                distinct.len(),
                attendees.len(),
                "{code} {}: listed twice",
                m.title
            );
            assert!(
                distinct.is_subset(&body),
                "{code} {}: outsiders attended",
                m.title
            );
            assert_eq!(
                m.body_size as usize,
                body.len(),
                "{code} {}: body size",
                m.title
            );
            present.insert(m.id, attendees.len() as i32);
        }

        // Resolutions: taken by the body that holds the power, passed as the charter says.
        for res in &r.resolutions {
            let m = &r.meetings[&res.meeting_id];
            let here = present[&m.id];
            assert!(res.votes_for + res.votes_against + res.votes_abstain <= here);
            rules::assembly_power(res.kind, m.kind).unwrap();
            let voting = r.charter_on(m.held_on).voting(m.kind);
            assert_eq!(
                res.passed,
                rules::resolution_passes(voting, here, m.body_size, res.votes_for),
                "{code} {}: {}",
                m.title,
                res.subject
            );
            judged += 1;
        }

        // Elections: from the right resolution, about the person elected, for the charter's term.
        for p in r.posts.iter().filter(|p| p.resolution_id.is_some()) {
            let res = r
                .resolutions
                .iter()
                .find(|x| Some(x.id) == p.resolution_id)
                .unwrap();
            let m = &r.meetings[&res.meeting_id];
            let (kind, bodies): (ResolutionKind, &[MeetingKind]) = match p.kind {
                PostKind::Director => (ResolutionKind::ElectDirectors, &ASSEMBLIES),
                PostKind::Chair => (ResolutionKind::ElectChair, &[MeetingKind::Council]),
                PostKind::ViceChair => (ResolutionKind::ApproveViceChairs, &[MeetingKind::Council]),
                PostKind::SecretaryGeneral => (ResolutionKind::ElectSecretaryGeneral, &ASSEMBLIES),
                other => panic!("{code}: a {other:?} post rests on a resolution"),
            };
            rules::decided_by(res, m, kind, bodies, "REPLAY", "seeded").unwrap();
            if p.kind != PostKind::Director {
                assert_eq!(
                    res.person_id,
                    Some(p.person_id),
                    "{code}: {:?} names its person",
                    p.kind
                );
            }
            let unit = p.organization_id.unwrap();
            match p.kind {
                PostKind::Director => assert!(
                    r.members
                        .iter()
                        .any(|x| x.organization_id == unit && member_on(x, m.held_on)),
                    "{code}: a director unit is a member"
                ),
                PostKind::Chair | PostKind::ViceChair => {
                    assert_eq!(res.organization_id, Some(unit));
                    rules::from_directors(r.is_director(unit, m.held_on), "chair").unwrap();
                }
                _ => {}
            }
            assert_eq!(
                p.term_end,
                r.charter_on(m.held_on).term_end(p.kind, p.term_start),
                "{code}: a {:?} term",
                p.kind
            );
            judged += 1;
        }

        // The chair unit, as the charter in force when it was elected prefers.
        if let Some(chair) = r.alliance.chair_unit_id {
            let profile = enterprise_profile::Entity::find_by_id(chair)
                .one(db)
                .await
                .unwrap();
            let associations = sector_associations(db, r.alliance.sector_id, &units).await;
            let elected = r
                .posts
                .iter()
                .filter(|p| p.kind == PostKind::Chair)
                .map(|p| p.term_start)
                .max()
                .unwrap();
            rules::chair_unit_eligible(
                &rules::ChairCandidate {
                    unit: &units[&chair],
                    profile: profile.as_ref(),
                    is_sector_association: associations.contains(&chair),
                    sector_has_association: !associations.is_empty(),
                    charter_prefers: r.charter_on(elected).chair_unit_preference,
                },
                r.alliance.chair_unit_reason.as_deref(),
            )
            .unwrap();
        }

        // Members: eligible units; after founding, admitted by the charter's body.
        for m in &r.members {
            if m.joined_on.is_some() {
                rules::unit_may_join(&units[&m.organization_id]).unwrap();
            }
            let Some(joined) = m.joined_on else { continue };
            let founded = r.alliance.founded_on.is_some_and(|f| f < joined);
            let decision = r.resolutions.iter().find(|x| {
                let at = &r.meetings[&x.meeting_id];
                x.kind == ResolutionKind::AdmitMembers
                    && x.passed
                    && at.held_on == joined
                    && x.organization_id.is_none_or(|u| u == m.organization_id)
            });
            rules::admitted_by_charter_body(
                r.charter_on(joined).admission_body,
                founded,
                decision.map(|x| r.meetings[&x.meeting_id].kind),
                decision.is_none_or(|x| r.meetings[&x.meeting_id].held_on >= m.applied_on),
            )
            .unwrap();
        }

        // Formation: confirmed before the preparatory group; bodies formed with an expert
        // committee and a secretariat hosted by a member.
        let reached = |stage| {
            stages
                .iter()
                .find(|e| e.alliance_id == r.alliance.id && e.to_stage == stage)
                .map(|e| e.occurred_on)
        };
        if let Some(consulted) = reached(AllianceStage::Consultation) {
            let confirmed = r.alliance.initiative_confirmed_on;
            rules::initiative_confirmed(confirmed.is_some_and(|c| c <= consulted)).unwrap();
        }
        if let Some(formed) = reached(AllianceStage::BodiesFormed) {
            let experts = r
                .posts
                .iter()
                .filter(|p| p.kind == PostKind::Expert && post_active_on(p, formed))
                .count();
            let host = r.alliance.secretariat_unit_id.is_some_and(|unit| {
                r.members
                    .iter()
                    .any(|m| m.organization_id == unit && member_on(m, formed))
            });
            rules::bodies_formed(experts, host).unwrap();
        }

        // Plans and reports: a reviewed one rests on a passed REVIEW_REPORT resolution of the
        // council or an assembly, held once it was submitted.
        for report in reports.iter().filter(|x| x.alliance_id == r.alliance.id) {
            let Some(id) = report.resolution_id else {
                continue;
            };
            let res = r.resolutions.iter().find(|x| x.id == id).unwrap();
            let m = &r.meetings[&res.meeting_id];
            let bodies = [
                MeetingKind::Council,
                MeetingKind::GeneralAssembly,
                MeetingKind::FoundingAssembly,
            ];
            rules::decided_by(
                res,
                m,
                ResolutionKind::ReviewReport,
                &bodies,
                "REPLAY",
                "seeded",
            )
            .unwrap();
            assert!(report.submitted_on <= m.held_on);
            assert_eq!(report.reviewed_on, Some(m.held_on));
            judged += 1;
        }

        // The agreement: signed by members, naming the liable unit the assembly named; every
        // later member acceded on admission.
        for version in agreements.iter().filter(|x| x.alliance_id == r.alliance.id) {
            let signed: Vec<&agreement_party::Model> = parties
                .iter()
                .filter(|p| p.agreement_id == version.id)
                .collect();
            let outsiders: Vec<String> = signed
                .iter()
                .filter(|p| {
                    !r.members.iter().any(|m| {
                        m.organization_id == p.organization_id && member_on(m, p.acceded_on)
                    })
                })
                .map(|p| units[&p.organization_id].name_zh.clone())
                .collect();
            rules::agreement_among_members(signed.len(), &outsiders).unwrap();
            rules::agreement_names_liable_unit(
                signed
                    .iter()
                    .any(|p| p.organization_id == version.liable_unit_id),
                r.alliance.liability_unit_id == Some(version.liable_unit_id),
            )
            .unwrap();
            for m in r
                .members
                .iter()
                .filter(|m| m.joined_on.is_some_and(|j| j > version.signed_on))
            {
                assert!(
                    signed
                        .iter()
                        .any(|p| p.organization_id == m.organization_id
                            && p.membership_id == Some(m.id)),
                    "{code}: a member admitted after signing accedes"
                );
            }
            judged += 1;
        }

        // Results: held by the project's participants in shares adding up to 100, funded by
        // live measures that benefited the alliance or a holder.
        for result in results.iter().filter(|x| x.alliance_id == r.alliance.id) {
            let held: Vec<&result_holder::Model> = holders
                .iter()
                .filter(|h| h.result_id == result.id)
                .collect();
            assert_eq!(
                held.iter().map(|h| h.share_percent).sum::<i32>(),
                100,
                "{code}: shares"
            );
            if let Some(project) = result.project_id {
                for h in &held {
                    assert!(
                        participants
                            .iter()
                            .any(|p| p.project_id == project
                                && p.organization_id == h.organization_id),
                        "{code}: {} holds a result of a project it did not take part in",
                        result.title
                    );
                }
            }
            for f in funding.iter().filter(|f| f.result_id == result.id) {
                let m = measures
                    .iter()
                    .find(|m| m.id == f.support_measure_id)
                    .unwrap();
                assert!(
                    m.beneficiary_alliance_id == Some(r.alliance.id)
                        || held
                            .iter()
                            .any(|h| m.beneficiary_organization_id == Some(h.organization_id)),
                    "{code}: {} funded by an unrelated measure",
                    result.title
                );
            }
            judged += 1;
        }

        // Charter adoption and founding.
        let version = r.alliance.charter_version.clone();
        if let Some(adopted) = r.alliance.charter_adopted_on {
            let consents = charter_consent::Entity::find()
                .filter(charter_consent::Column::AllianceId.eq(r.alliance.id))
                .all(db)
                .await
                .unwrap();
            let adopted_version = in_force(&r.charters, adopted).unwrap();
            assert_eq!(adopted_version.adopted_on, Some(adopted));
            let missing: Vec<String> = r
                .members
                .iter()
                .filter(|m| m.is_initiator)
                .filter(|m| {
                    !consents.iter().any(|c| {
                        c.organization_id == m.organization_id
                            && c.charter_version == adopted_version.charter_version
                            && c.consented_on <= adopted
                    })
                })
                .map(|m| units[&m.organization_id].name_zh.clone())
                .collect();
            rules::charter_consented(&missing).unwrap();
        }
        if let Some(day) = r.alliance.founded_on {
            assert_eq!(r.alliance.stage, AllianceStage::Founded);
            let founding = r
                .meetings
                .values()
                .find(|m| m.kind == MeetingKind::FoundingAssembly && m.held_on == day)
                .unwrap();
            let passed = |kind| {
                r.resolutions
                    .iter()
                    .find(|x| x.meeting_id == founding.id && x.kind == kind && x.passed)
            };
            let sitting = |kind| {
                r.posts
                    .iter()
                    .any(|p| p.kind == kind && post_active_on(p, day))
            };
            let liable = passed(ResolutionKind::NameLiabilityUnit).and_then(|x| x.organization_id);
            assert_eq!(
                liable, r.alliance.liability_unit_id,
                "{code}: the liable unit named"
            );
            rules::founding_complete(&rules::Founding {
                charter_signed: passed(ResolutionKind::SignCharter).is_some(),
                chair_elected: sitting(PostKind::Chair),
                secretary_general_elected: sitting(PostKind::SecretaryGeneral),
                liability_unit_named: liable.is_some(),
            })
            .unwrap();
            let signed = r
                .charters
                .iter()
                .find(|c| Some(&c.charter_version) == version.as_ref())
                .unwrap();
            assert_eq!(
                signed.signed_on,
                Some(day),
                "{code}: the charter signed at founding"
            );
        }
    }
    assert!(judged >= 40, "the replay judged only {judged} decisions");
}

/// Live industry associations working in one of the sector's segments.
async fn sector_associations(
    db: &Store,
    sector: i64,
    units: &HashMap<i64, organization::Model>,
) -> HashSet<i64> {
    let segments: HashSet<i64> = chain_segment::Entity::find()
        .filter(chain_segment::Column::SectorId.eq(sector))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    organization_segment::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|link| segments.contains(&link.segment_id))
        .map(|link| link.organization_id)
        .filter(|id| {
            units[id].kind == OrganizationKind::IndustryAssociation
                && units[id].archived_at.is_none()
        })
        .collect()
}
