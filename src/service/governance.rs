//! Governance (Annex 2 §一): meetings and their resolutions, and the elections and appointments
//! recorded from them. Who holds a post when is [`post_active_on`].

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{
    enterprise_profile,
    enums::{
        AllianceStage, Body, Decision, MeetingKind, MembershipStatus, OrganizationKind, PostKind,
        ResolutionKind, WorkingGroupKind,
    },
    meeting, meeting_attendance, membership, organization, person, post, resolution, working_group,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel,
    QueryFilter,
};

use super::{
    directory::{optional_text, text},
    rules,
    write::{Tx, Writer, check_version},
};
use crate::error::{Error, Result};

/// Whether a post is held on `day`: its term has begun, has not run out, and it was not ended early.
pub fn post_active_on(post: &post::Model, day: NaiveDate) -> bool {
    post.term_start <= day
        && post.term_end.is_none_or(|end| day <= end)
        && post.ended_on.is_none_or(|ended| day < ended)
}

/// Whether a membership made its unit a member on `day`: admitted by then and not yet left.
pub fn member_on(membership: &membership::Model, day: NaiveDate) -> bool {
    matches!(
        membership.status,
        MembershipStatus::Active | MembershipStatus::Withdrawn
    ) && membership.joined_on.is_some_and(|joined| joined <= day)
        && membership.left_on.is_none_or(|left| day < left)
}

/// A new meeting: who attended are units (assemblies, council) or people (expert review).
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub kind: MeetingKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub location: Option<String>,
    pub attendees: Vec<i64>,
}

/// A resolution put to a meeting; `person`/`organization` name whom it is about (a nominee, the
/// unit bearing external liability, …).
#[derive(Debug, Clone)]
pub struct NewResolution {
    pub kind: ResolutionKind,
    pub subject: String,
    pub votes_for: i32,
    pub votes_against: i32,
    pub votes_abstain: i32,
    pub person: Option<i64>,
    pub organization: Option<i64>,
}

impl Tx<'_> {
    async fn posts_of(&self, alliance: i64, kind: PostKind) -> Result<Vec<post::Model>> {
        Ok(post::Entity::find()
            .filter(post::Column::AllianceId.eq(alliance))
            .filter(post::Column::Kind.eq(kind))
            .all(&self.db)
            .await?)
    }

    /// Whether `unit` holds a director's post in the alliance on `day`.
    async fn is_director(&self, alliance: i64, unit: i64, day: NaiveDate) -> Result<bool> {
        Ok(self
            .posts_of(alliance, PostKind::Director)
            .await?
            .iter()
            .any(|p| p.organization_id == Some(unit) && post_active_on(p, day)))
    }

    /// Who may attend a meeting of `kind` on `day`: the units that were members that day, the
    /// director units sitting that day, or the experts serving that day.
    async fn body_of(
        &self,
        alliance: i64,
        kind: MeetingKind,
        day: NaiveDate,
    ) -> Result<HashSet<i64>> {
        Ok(match kind {
            MeetingKind::GeneralAssembly | MeetingKind::FoundingAssembly => {
                membership::Entity::find()
                    .filter(membership::Column::AllianceId.eq(alliance))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .filter(|m| member_on(m, day))
                    .map(|m| m.organization_id)
                    .collect()
            }
            MeetingKind::Council => self
                .posts_of(alliance, PostKind::Director)
                .await?
                .iter()
                .filter(|p| post_active_on(p, day))
                .filter_map(|p| p.organization_id)
                .collect(),
            MeetingKind::ExpertReview => self
                .posts_of(alliance, PostKind::Expert)
                .await?
                .iter()
                .filter(|p| post_active_on(p, day))
                .map(|p| p.person_id)
                .collect(),
        })
    }

    /// A resolution with its meeting, if the caller may govern the alliance.
    pub(crate) async fn resolution_with_meeting(
        &mut self,
        id: i64,
    ) -> Result<(resolution::Model, meeting::Model)> {
        let resolution = self.find::<resolution::Entity>(id, "resolution").await?;
        let meeting = self
            .find::<meeting::Entity>(resolution.meeting_id, "meeting")
            .await?;
        self.governed(meeting.alliance_id).await?;
        Ok((resolution, meeting))
    }

    /// The person and unit a resolution elected.
    fn elected(resolution: &resolution::Model) -> Result<(i64, Option<i64>)> {
        let person = resolution
            .person_id
            .ok_or_else(|| Error::bad_input("the resolution does not name the person elected"))?;
        Ok((person, resolution.organization_id))
    }
}

fn council_post(
    kind: PostKind,
    person: i64,
    unit: Option<i64>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    resolution: Option<i64>,
    how: Decision,
) -> post::ActiveModel {
    let body = match kind {
        PostKind::SecretaryGeneral => Body::Secretariat,
        PostKind::Expert => Body::ExpertCommittee,
        PostKind::GroupLead | PostKind::GroupMember => Body::WorkingGroup,
        _ => Body::Council,
    };
    post::ActiveModel {
        body: Set(body),
        kind: Set(kind),
        person_id: Set(person),
        organization_id: Set(unit),
        term_start: Set(start),
        term_end: Set(end),
        resolution_id: Set(resolution),
        decided_how: Set(how),
        ..Default::default()
    }
}

impl<'a> Writer<'a> {
    /// Records a meeting with its attendance; the body's size on that day is the quorum's base.
    pub async fn hold_meeting(self, alliance_id: i64, new: NewMeeting) -> Result<meeting::Model> {
        let mut tx = self.begin("holdMeeting").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            if new.kind == MeetingKind::FoundingAssembly
                && alliance.stage != AllianceStage::BodiesFormed
            {
                return Err(Error::bad_input(
                    "the founding assembly is held once the bodies are formed",
                ));
            }
            let body = tx.body_of(alliance_id, new.kind, new.held_on).await?;
            if body.is_empty() {
                return Err(Error::bad_input(format!(
                    "the {:?} has no members on {}",
                    new.kind, new.held_on
                )));
            }
            let attendees: HashSet<i64> = new.attendees.iter().copied().collect();
            if attendees.len() != new.attendees.len() {
                return Err(Error::bad_input("an attendee is listed twice"));
            }
            if !attendees.is_subset(&body) {
                return Err(Error::bad_input(
                    "attendees must belong to the meeting's body (members, directors, or experts)",
                ));
            }
            let row = meeting::ActiveModel {
                alliance_id: Set(alliance_id),
                kind: Set(new.kind),
                title: Set(text(&new.title, "title", 200)?),
                held_on: Set(new.held_on),
                location: Set(optional_text(new.location.as_deref(), "location", 200)?),
                body_size: Set(body.len() as i32),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            let by_person = new.kind == MeetingKind::ExpertReview;
            for attendee in &new.attendees {
                meeting_attendance::ActiveModel {
                    meeting_id: Set(row.id),
                    organization_id: Set((!by_person).then_some(*attendee)),
                    person_id: Set(by_person.then_some(*attendee)),
                    created_at: Set(tx.now),
                    ..Default::default()
                }
                .insert(&tx.db)
                .await?;
            }
            tx.record("meeting", row.id, Some(alliance_id), None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Records a vote. It passes with the quorum and majority the charter in force on the
    /// meeting's day sets for that body; a passed NAME_LIABILITY_UNIT names the alliance's liable
    /// unit.
    pub async fn record_resolution(
        self,
        meeting_id: i64,
        new: NewResolution,
    ) -> Result<resolution::Model> {
        let mut tx = self.begin("recordResolution").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let meeting = tx.find::<meeting::Entity>(meeting_id, "meeting").await?;
            let alliance = tx.governed(meeting.alliance_id).await?;
            let present = meeting_attendance::Entity::find()
                .filter(meeting_attendance::Column::MeetingId.eq(meeting_id))
                .all(&tx.db)
                .await?
                .len() as i32;
            let votes = [new.votes_for, new.votes_against, new.votes_abstain];
            if votes.iter().any(|v| *v < 0) || votes.iter().sum::<i32>() > present {
                return Err(Error::bad_input(format!(
                    "votes must be non-negative and add up to at most the {present} present"
                )));
            }
            if let Some(person) = new.person {
                let person = tx.find::<person::Entity>(person, "person").await?;
                if new.organization.is_some() && person.organization_id != new.organization {
                    return Err(Error::bad_input(format!(
                        "{} does not work for that unit",
                        person.name_zh
                    )));
                }
            }
            if let Some(unit) = new.organization {
                tx.find::<organization::Entity>(unit, "organization")
                    .await?;
            }
            let voting = tx
                .charter_on(alliance.id, meeting.held_on)
                .await?
                .voting(meeting.kind);
            rules::assembly_power(new.kind, meeting.kind)?;
            let passed =
                rules::resolution_passes(voting, present, meeting.body_size, new.votes_for);
            let row = resolution::ActiveModel {
                meeting_id: Set(meeting_id),
                kind: Set(new.kind),
                subject: Set(text(&new.subject, "subject", 1000)?),
                person_id: Set(new.person),
                organization_id: Set(new.organization),
                votes_for: Set(new.votes_for),
                votes_against: Set(new.votes_against),
                votes_abstain: Set(new.votes_abstain),
                passed: Set(passed),
                created_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("resolution", row.id, Some(alliance.id), None, Some(&row))
                .await?;
            if passed && new.kind == ResolutionKind::NameLiabilityUnit {
                let unit = new
                    .organization
                    .ok_or_else(|| Error::bad_input("name the unit bearing external liability"))?;
                if !tx.is_active_member(alliance.id, unit).await? {
                    return Err(Error::bad_input(
                        "the unit bearing external liability is an active member",
                    ));
                }
                let mut changed = alliance.clone().into_active_model();
                changed.liability_unit_id = Set(Some(unit));
                tx.save_alliance(&alliance, changed).await?;
            }
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Director units elected by the general assembly: active members, one representative each.
    pub async fn elect_directors(
        self,
        resolution_id: i64,
        directors: Vec<(i64, i64)>,
        term_start: Option<NaiveDate>,
    ) -> Result<Vec<post::Model>> {
        let mut tx = self.begin("electDirectors").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let (resolution, meeting) = tx.resolution_with_meeting(resolution_id).await?;
            let assemblies = [MeetingKind::GeneralAssembly, MeetingKind::FoundingAssembly];
            rules::decided_by(
                &resolution,
                &meeting,
                ResolutionKind::ElectDirectors,
                &assemblies,
                "DIRECTORS_ELECTED_BY_ASSEMBLY",
                "director units are elected by the general assembly",
            )?;
            let alliance = meeting.alliance_id;
            let start = term_start.unwrap_or(meeting.held_on);
            let sitting: HashSet<i64> = tx
                .posts_of(alliance, PostKind::Director)
                .await?
                .iter()
                .filter(|p| post_active_on(p, start))
                .filter_map(|p| p.organization_id)
                .collect();
            let (mut not_members, mut twice, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
            for (unit, _) in &directors {
                let name = tx
                    .find::<organization::Entity>(*unit, "organization")
                    .await?
                    .name_zh;
                if !tx.is_active_member(alliance, *unit).await? {
                    not_members.push(name.clone());
                }
                if !seen.insert(*unit) || sitting.contains(unit) {
                    twice.push(name);
                }
            }
            rules::directors_eligible(&not_members, &twice)?;
            let charter = tx.charter_on(alliance, meeting.held_on).await?;
            let mut posts = Vec::new();
            for (unit, person) in directors {
                tx.representative(person, unit).await?;
                let post = council_post(
                    PostKind::Director,
                    person,
                    Some(unit),
                    start,
                    charter.term_end(PostKind::Director, start),
                    Some(resolution.id),
                    Decision::GeneralAssemblyElection,
                );
                posts.push(tx.add_post(alliance, post).await?);
            }
            Ok(posts)
        }
        .await;
        tx.finish(outcome).await
    }

    /// The chair elected by the council meeting, for five years (the plan's fixed term); one
    /// sitting chair at a time.
    pub async fn elect_chair(
        self,
        resolution_id: i64,
        term_start: Option<NaiveDate>,
        reason: Option<&str>,
    ) -> Result<post::Model> {
        let mut tx = self.begin("electChair").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let (resolution, meeting) = tx.resolution_with_meeting(resolution_id).await?;
            rules::decided_by(
                &resolution,
                &meeting,
                ResolutionKind::ElectChair,
                &[MeetingKind::Council],
                "CHAIR_ELECTED_BY_COUNCIL",
                "the chair is elected by the council meeting",
            )?;
            let (person, unit) = Tx::elected(&resolution)?;
            let unit = unit
                .ok_or_else(|| Error::bad_input("the resolution does not name the chair unit"))?;
            let alliance = tx
                .find::<entity::alliance::Entity>(meeting.alliance_id, "alliance")
                .await?;
            let start = term_start.unwrap_or(meeting.held_on);
            let sitting = tx
                .posts_of(alliance.id, PostKind::Chair)
                .await?
                .into_iter()
                .find(|p| post_active_on(p, start));
            rules::no_sitting_chair(sitting.map(|p| p.term_end.unwrap_or(start)))?;
            rules::from_directors(
                tx.is_director(alliance.id, unit, meeting.held_on).await?,
                "chair",
            )?;
            let chair_unit = tx
                .find::<organization::Entity>(unit, "organization")
                .await?;
            let profile = enterprise_profile::Entity::find_by_id(unit)
                .one(&tx.db)
                .await?;
            let associations = sector_associations(&tx.db, alliance.sector_id).await?;
            let charter = tx.charter_on(alliance.id, meeting.held_on).await?;
            let reason = optional_text(reason, "reason", 1000)?;
            if reason.is_some() {
                tx.authorize(
                    tx.viewer.may_make_governance_exception(),
                    "alliance",
                    Some(alliance.id),
                    "an exception to the chair-unit rule is the office's decision",
                )?;
            }
            rules::chair_unit_eligible(
                &rules::ChairCandidate {
                    unit: &chair_unit,
                    profile: profile.as_ref(),
                    is_sector_association: associations.contains(&unit),
                    sector_has_association: !associations.is_empty(),
                    charter_prefers: charter.chair_unit_preference,
                },
                reason.as_deref(),
            )?;
            let post = council_post(
                PostKind::Chair,
                person,
                Some(unit),
                start,
                charter.term_end(PostKind::Chair, start),
                Some(resolution.id),
                Decision::CouncilElection,
            );
            let post = tx.add_post(alliance.id, post).await?;
            let mut changed = alliance.clone().into_active_model();
            changed.chair_unit_id = Set(Some(unit));
            changed.chair_unit_reason = Set(reason);
            tx.save_alliance(&alliance, changed).await?;
            Ok(post)
        }
        .await;
        tx.finish(outcome).await
    }

    /// A vice-chair nominated by the sitting chair and approved by a council vote, for the term
    /// the charter sets (none by default).
    pub async fn approve_vice_chair(
        self,
        resolution_id: i64,
        nominated_by: i64,
        term_start: Option<NaiveDate>,
    ) -> Result<post::Model> {
        let mut tx = self.begin("approveViceChair").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let (resolution, meeting) = tx.resolution_with_meeting(resolution_id).await?;
            rules::decided_by(
                &resolution,
                &meeting,
                ResolutionKind::ApproveViceChairs,
                &[MeetingKind::Council],
                "VICE_CHAIR_APPROVED_BY_COUNCIL",
                "vice-chairs are approved by a council vote",
            )?;
            let (person, unit) = Tx::elected(&resolution)?;
            let unit = unit.ok_or_else(|| {
                Error::bad_input("the resolution does not name the vice-chair's unit")
            })?;
            rules::from_directors(
                tx.is_director(meeting.alliance_id, unit, meeting.held_on)
                    .await?,
                "vice-chair",
            )?;
            let start = term_start.unwrap_or(meeting.held_on);
            let chair = tx
                .posts_of(meeting.alliance_id, PostKind::Chair)
                .await?
                .into_iter()
                .find(|p| post_active_on(p, start));
            rules::nominated_by_chair(chair.as_ref().is_some_and(|c| c.person_id == nominated_by))?;
            let end = tx
                .charter_on(meeting.alliance_id, meeting.held_on)
                .await?
                .term_end(PostKind::ViceChair, start);
            let post = council_post(
                PostKind::ViceChair,
                person,
                Some(unit),
                start,
                end,
                Some(resolution.id),
                Decision::ChairNominationCouncilApproval,
            );
            tx.add_post(meeting.alliance_id, post).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// The secretary-general the council nominated, elected by the general assembly, for the term
    /// the charter sets (none by default); a sitting secretary-general's post ends when the new
    /// term starts.
    pub async fn elect_secretary_general(
        self,
        nomination_id: i64,
        election_id: i64,
        term_start: Option<NaiveDate>,
    ) -> Result<post::Model> {
        let mut tx = self.begin("electSecretaryGeneral").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let (nomination, nominated_at) = tx.resolution_with_meeting(nomination_id).await?;
            let (election, elected_at) = tx.resolution_with_meeting(election_id).await?;
            if nominated_at.alliance_id != elected_at.alliance_id {
                return Err(Error::bad_input(
                    "the nomination and the election belong to different alliances",
                ));
            }
            rules::decided_by(
                &nomination,
                &nominated_at,
                ResolutionKind::NominateSecretaryGeneral,
                &[MeetingKind::Council],
                "SECRETARY_GENERAL_NOMINATED_BY_COUNCIL",
                "the secretary-general is nominated by the council",
            )?;
            let assemblies = [MeetingKind::GeneralAssembly, MeetingKind::FoundingAssembly];
            rules::decided_by(
                &election,
                &elected_at,
                ResolutionKind::ElectSecretaryGeneral,
                &assemblies,
                "SECRETARY_GENERAL_ELECTED_BY_ASSEMBLY",
                "the secretary-general is elected by the general assembly",
            )?;
            let (person, unit) = Tx::elected(&election)?;
            rules::secretary_general_as_nominated(
                nomination.person_id == Some(person),
                nominated_at.held_on <= elected_at.held_on,
            )?;
            let alliance = elected_at.alliance_id;
            let start = term_start.unwrap_or(elected_at.held_on);
            let sitting: Vec<i64> = tx
                .posts_of(alliance, PostKind::SecretaryGeneral)
                .await?
                .iter()
                .filter(|p| post_active_on(p, start))
                .map(|p| p.id)
                .collect();
            tx.end_posts(
                alliance,
                Condition::all().add(post::Column::Id.is_in(sitting)),
                start,
            )
            .await?;
            let end = tx
                .charter_on(alliance, elected_at.held_on)
                .await?
                .term_end(PostKind::SecretaryGeneral, start);
            let post = council_post(
                PostKind::SecretaryGeneral,
                person,
                unit,
                start,
                end,
                Some(election.id),
                Decision::CouncilNominationAssemblyElection,
            );
            tx.add_post(alliance, post).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// An expert-committee member: representing a member unit, or an external expert (no unit).
    pub async fn appoint_expert(
        self,
        alliance_id: i64,
        person: i64,
        representing: Option<i64>,
        term_start: Option<NaiveDate>,
    ) -> Result<post::Model> {
        let mut tx = self.begin("appointExpert").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            let member = match representing {
                Some(unit) => Some(tx.is_active_member(alliance_id, unit).await?),
                None => None,
            };
            rules::expert_from_member_or_external(member)?;
            match representing {
                Some(unit) => drop(tx.representative(person, unit).await?),
                None => drop(tx.find::<person::Entity>(person, "person").await?),
            }
            let start = term_start.unwrap_or(tx.today());
            let end = tx
                .charter_on(alliance_id, start)
                .await?
                .term_end(PostKind::Expert, start);
            tx.add_post(
                alliance_id,
                council_post(
                    PostKind::Expert,
                    person,
                    representing,
                    start,
                    end,
                    None,
                    Decision::Appointment,
                ),
            )
            .await
        }
        .await;
        tx.finish(outcome).await
    }

    /// A working group of the alliance (policy research, standards, project management, …).
    pub async fn create_working_group(
        self,
        alliance_id: i64,
        kind: WorkingGroupKind,
        name_zh: &str,
        name_en: &str,
        purpose: Option<&str>,
        date: Option<NaiveDate>,
    ) -> Result<working_group::Model> {
        let mut tx = self.begin("createWorkingGroup").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            if kind == WorkingGroupKind::Preparatory {
                return Err(Error::bad_input(
                    "the preparatory group is formed with formPreparatoryGroup",
                ));
            }
            let row = working_group::ActiveModel {
                alliance_id: Set(alliance_id),
                kind: Set(kind),
                name_zh: Set(text(name_zh, "nameZh", 200)?),
                name_en: Set(text(name_en, "nameEn", 300)?),
                purpose: Set(optional_text(purpose, "purpose", 1000)?),
                established_on: Set(date.unwrap_or(tx.today())),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("working_group", row.id, Some(alliance_id), None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// A person joins (or leads) a working group.
    pub async fn appoint_to_working_group(
        self,
        group_id: i64,
        person: i64,
        unit: Option<i64>,
        lead: bool,
        date: Option<NaiveDate>,
    ) -> Result<post::Model> {
        let mut tx = self.begin("appointToWorkingGroup").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let group = tx
                .find::<working_group::Entity>(group_id, "working group")
                .await?;
            tx.governed(group.alliance_id).await?;
            if group.dissolved_on.is_some() {
                return Err(Error::bad_input("the working group is dissolved"));
            }
            match unit {
                Some(unit) => drop(tx.representative(person, unit).await?),
                None => drop(tx.find::<person::Entity>(person, "person").await?),
            }
            let kind = if lead {
                PostKind::GroupLead
            } else {
                PostKind::GroupMember
            };
            let mut post = council_post(
                kind,
                person,
                unit,
                date.unwrap_or(tx.today()),
                None,
                None,
                Decision::Appointment,
            );
            post.working_group_id = Set(Some(group_id));
            tx.add_post(group.alliance_id, post).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// Dissolves a working group; its posts end that day.
    pub async fn dissolve_working_group(
        self,
        group_id: i64,
        expected_version: i32,
        date: Option<NaiveDate>,
    ) -> Result<working_group::Model> {
        let mut tx = self.begin("dissolveWorkingGroup").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx
                .find::<working_group::Entity>(group_id, "working group")
                .await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "working group")?;
            if before.dissolved_on.is_some() {
                return Err(Error::Conflict(
                    "the working group is already dissolved".into(),
                ));
            }
            let on = date.unwrap_or(tx.today());
            tx.end_posts(
                before.alliance_id,
                Condition::all().add(post::Column::WorkingGroupId.eq(group_id)),
                on,
            )
            .await?;
            let mut row = before.clone().into_active_model();
            row.dissolved_on = Set(Some(on));
            let after = tx
                .save(
                    "working_group",
                    group_id,
                    Some(before.alliance_id),
                    &before,
                    row,
                )
                .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Ends a post before its term does (resignation, replacement).
    pub async fn end_post(
        self,
        post_id: i64,
        expected_version: i32,
        date: Option<NaiveDate>,
    ) -> Result<post::Model> {
        let mut tx = self.begin("endPost").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<post::Entity>(post_id, "post").await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "post")?;
            let on = date.unwrap_or(tx.today());
            if !post_active_on(&before, on) && before.term_start <= on {
                return Err(Error::Conflict("the post is not held on that day".into()));
            }
            let mut row = before.clone().into_active_model();
            row.ended_on = Set(Some(on));
            let after = tx
                .save("post", post_id, Some(before.alliance_id), &before, row)
                .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }
}

/// Live industry associations that work in the sector (have one of its chain segments).
async fn sector_associations(db: &sea_orm::DatabaseTransaction, sector: i64) -> Result<Vec<i64>> {
    use sea_orm::{QuerySelect, QueryTrait};
    let segments = entity::chain_segment::Entity::find()
        .select_only()
        .column(entity::chain_segment::Column::Id)
        .filter(entity::chain_segment::Column::SectorId.eq(sector))
        .into_query();
    let associations = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq(OrganizationKind::IndustryAssociation))
        .filter(organization::Column::ArchivedAt.is_null())
        .into_query();
    Ok(entity::organization_segment::Entity::find()
        .select_only()
        .column(entity::organization_segment::Column::OrganizationId)
        .distinct()
        .filter(entity::organization_segment::Column::SegmentId.in_subquery(segments))
        .filter(entity::organization_segment::Column::OrganizationId.in_subquery(associations))
        .into_tuple()
        .all(db)
        .await?)
}
