//! How an alliance is formed (Annex 2 §二), from initiative to founding (and dissolution).
//! Each step checks its rules in `service::rules`; who may take it is `Viewer::may_govern`.

use chrono::NaiveDate;
use entity::{
    alliance, alliance_stage_event, charter_consent,
    enums::{
        AllianceStage, Body, Decision, FormationMode, MeetingKind, MembershipStatus, PostKind,
        ResolutionKind, SectorCode, WorkingGroupKind,
    },
    meeting, membership, organization, person, post, resolution, sector, working_group,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{
    charter::Parameters,
    directory::text,
    governance::post_active_on,
    rules,
    write::{Tx, Writer, check_version},
};
use crate::error::{Error, Result};

/// A new alliance initiative.
#[derive(Debug, Clone)]
pub struct NewAlliance {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sector: SectorCode,
    pub initiators: Vec<i64>,
    pub convener: i64,
    pub formation_mode: FormationMode,
    pub date: Option<NaiveDate>,
}

impl Tx<'_> {
    /// The alliance, if the caller may govern it.
    pub(crate) async fn governed(&mut self, alliance_id: i64) -> Result<alliance::Model> {
        let alliance = self
            .find::<alliance::Entity>(alliance_id, "alliance")
            .await?;
        let allowed = self.viewer.may_govern(alliance.id);
        self.authorize(
            allowed,
            "alliance",
            Some(alliance.id),
            "only the office or this alliance's secretariat may do this",
        )?;
        Ok(alliance)
    }

    /// Writes the changed alliance with a new version, and audits it.
    pub(crate) async fn save_alliance(
        &mut self,
        before: &alliance::Model,
        row: alliance::ActiveModel,
    ) -> Result<alliance::Model> {
        self.save("alliance", before.id, Some(before.id), before, row)
            .await
    }

    async fn stage_event(
        &mut self,
        alliance: &alliance::Model,
        to: AllianceStage,
        on: NaiveDate,
        note: Option<String>,
    ) -> Result<()> {
        let last = alliance_stage_event::Entity::find()
            .filter(alliance_stage_event::Column::AllianceId.eq(alliance.id))
            .order_by_desc(alliance_stage_event::Column::OccurredOn)
            .one(&self.db)
            .await?;
        if let Some(last) = last.filter(|last| last.occurred_on > on) {
            return Err(Error::bad_input(format!(
                "the alliance reached its previous stage on {}; a later stage cannot be dated {on}",
                last.occurred_on
            )));
        }
        let event = alliance_stage_event::ActiveModel {
            alliance_id: Set(alliance.id),
            from_stage: Set(Some(alliance.stage).filter(|_| to != AllianceStage::Initiative)),
            to_stage: Set(to),
            occurred_on: Set(on),
            note: Set(note),
            created_at: Set(self.now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        self.record(
            "alliance_stage_event",
            event.id,
            Some(alliance.id),
            None,
            Some(&event),
        )
        .await
    }

    /// Moves the alliance one stage on, recording the transition.
    async fn advance(
        &mut self,
        before: &alliance::Model,
        to: AllianceStage,
        on: NaiveDate,
        note: Option<String>,
        mut row: alliance::ActiveModel,
    ) -> Result<alliance::Model> {
        rules::next_stage(before.stage, to, before.charter_adopted_on.is_some())?;
        self.stage_event(before, to, on, note).await?;
        row.stage = Set(to);
        self.save_alliance(before, row).await
    }

    /// The unit's live (applied or active) membership of the alliance.
    pub(crate) async fn live_membership(
        &self,
        alliance: i64,
        unit: i64,
    ) -> Result<Option<membership::Model>> {
        Ok(membership::Entity::find()
            .filter(membership::Column::AllianceId.eq(alliance))
            .filter(membership::Column::OrganizationId.eq(unit))
            .filter(
                membership::Column::Status
                    .is_in([MembershipStatus::Applied, MembershipStatus::Active]),
            )
            .one(&self.db)
            .await?)
    }

    pub(crate) async fn is_active_member(&self, alliance: i64, unit: i64) -> Result<bool> {
        Ok(self
            .live_membership(alliance, unit)
            .await?
            .is_some_and(|m| m.status == MembershipStatus::Active))
    }

    /// A person who must work for `unit`.
    pub(crate) async fn representative(&self, person: i64, unit: i64) -> Result<person::Model> {
        let row = self.find::<person::Entity>(person, "person").await?;
        if row.organization_id != Some(unit) {
            return Err(Error::bad_input(format!(
                "{} does not work for that unit",
                row.name_zh
            )));
        }
        Ok(row)
    }

    pub(crate) async fn add_post(
        &mut self,
        alliance: i64,
        post: post::ActiveModel,
    ) -> Result<post::Model> {
        let mut post = post;
        post.alliance_id = Set(alliance);
        post.version = Set(1);
        post.created_at = Set(self.now);
        post.updated_at = Set(self.now);
        let row = post.insert(&self.db).await?;
        self.record("post", row.id, Some(alliance), None, Some(&row))
            .await?;
        Ok(row)
    }

    /// Ends every open post matching `filter` on `day` (withdrawal, dissolution, founding).
    pub(crate) async fn end_posts(
        &mut self,
        alliance: i64,
        filter: Condition,
        day: NaiveDate,
    ) -> Result<()> {
        let open = post::Entity::find()
            .filter(post::Column::AllianceId.eq(alliance))
            .filter(post::Column::EndedOn.is_null())
            .filter(filter)
            .all(&self.db)
            .await?;
        for before in open
            .into_iter()
            .filter(|p| p.term_end.is_none_or(|end| end >= day))
        {
            let mut row = before.clone().into_active_model();
            row.ended_on = Set(Some(day));
            self.save("post", before.id, Some(alliance), &before, row)
                .await?;
        }
        Ok(())
    }
}

impl<'a> Writer<'a> {
    /// Stage 1 (Annex 2 §二(一)): units propose an alliance; a convener coordinates its formation.
    /// The office registers an initiative, or a municipality for units in its territory; the
    /// office then confirms the latter.
    pub async fn initiate_alliance(self, new: NewAlliance) -> Result<alliance::Model> {
        let mut tx = self.begin("initiateAlliance").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let mut units = Vec::new();
            for id in &new.initiators {
                units.push(tx.find::<organization::Entity>(*id, "organization").await?);
            }
            let places: Vec<Option<i64>> = units.iter().map(|u| u.municipality_id).collect();
            tx.authorize(
                tx.viewer.may_register_initiative(&places),
                "alliance",
                None,
                "the office registers an alliance initiative, or a municipality for units in its territory",
            )?;
            let code = text(&new.code, "code", 40)?.to_ascii_uppercase();
            if alliance::Entity::find()
                .filter(alliance::Column::Code.eq(&code))
                .count(&tx.db)
                .await?
                > 0
            {
                return Err(Error::Conflict(format!(
                    "an alliance with code {code} exists"
                )));
            }
            let sector = sector::Entity::find()
                .filter(sector::Column::Code.eq(new.sector))
                .one(&tx.db)
                .await?
                .ok_or_else(|| Error::not_found("no such sector"))?;
            let mut initiators = new.initiators.clone();
            initiators.sort_unstable();
            initiators.dedup();
            if initiators.is_empty() || initiators.len() != new.initiators.len() {
                return Err(Error::bad_input(
                    "list each initiating unit once, at least one",
                ));
            }
            if !initiators.contains(&new.convener) {
                return Err(Error::bad_input(
                    "the convener must be one of the initiating units",
                ));
            }
            for unit in &units {
                if unit.archived_at.is_some() {
                    return Err(Error::bad_input(format!("{} is archived", unit.name_zh)));
                }
                rules::unit_may_join(unit)?;
            }
            let on = new.date.unwrap_or(tx.today());
            let registrar = tx.viewer.own_municipality();
            let row = alliance::ActiveModel {
                code: Set(code),
                name_zh: Set(text(&new.name_zh, "nameZh", 200)?),
                name_en: Set(text(&new.name_en, "nameEn", 300)?),
                sector_id: Set(sector.id),
                stage: Set(AllianceStage::Initiative),
                convener_id: Set(Some(new.convener)),
                formation_mode: Set(Some(new.formation_mode)),
                registered_by_municipality_id: Set(registrar),
                initiative_confirmed_on: Set(registrar.is_none().then_some(on)),
                is_demo: Set(false),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("alliance", row.id, Some(row.id), None, Some(&row))
                .await?;
            tx.stage_event(&row, AllianceStage::Initiative, on, Some("倡议".into()))
                .await?;
            for unit in units {
                let member = membership::ActiveModel {
                    alliance_id: Set(row.id),
                    organization_id: Set(unit.id),
                    status: Set(MembershipStatus::Active),
                    is_initiator: Set(true),
                    applied_on: Set(on),
                    joined_on: Set(Some(on)),
                    version: Set(1),
                    created_at: Set(tx.now),
                    updated_at: Set(tx.now),
                    ..Default::default()
                }
                .insert(&tx.db)
                .await?;
                tx.record("membership", member.id, Some(row.id), None, Some(&member))
                    .await?;
            }
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// The office confirms an initiative a municipality registered.
    pub async fn confirm_initiative(
        self,
        alliance_id: i64,
        expected_version: i32,
        date: Option<NaiveDate>,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("confirmInitiative").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<alliance::Entity>(alliance_id, "alliance").await?;
            tx.authorize(
                tx.viewer.may_write_everything(),
                "alliance",
                Some(alliance_id),
                "only the office confirms an initiative",
            )?;
            check_version(before.version, expected_version, "alliance")?;
            rules::not_dissolved(before.stage)?;
            if let Some(on) = before.initiative_confirmed_on {
                return Err(Error::Conflict(format!(
                    "the initiative was confirmed on {on}"
                )));
            }
            let mut row = before.clone().into_active_model();
            row.initiative_confirmed_on = Set(Some(date.unwrap_or(tx.today())));
            tx.save_alliance(&before, row).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// Stage 2 (Annex 2 §二(二)): the convener and the initiating units form the preparatory
    /// working group. The convener is a person, from any unit (召集人 may be self-nominated or
    /// recommended); `members` are (unit, person) of initiating units.
    pub async fn form_preparatory_group(
        self,
        alliance_id: i64,
        expected_version: i32,
        convener_person: i64,
        members: Vec<(i64, i64)>,
        date: Option<NaiveDate>,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("formPreparatoryGroup").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            let on = date.unwrap_or(tx.today());
            rules::next_stage(before.stage, AllianceStage::Consultation, false)?;
            rules::initiative_confirmed(before.initiative_confirmed_on.is_some())?;
            let convener = tx.find::<person::Entity>(convener_person, "person").await?;
            let group = working_group::ActiveModel {
                alliance_id: Set(alliance_id),
                kind: Set(WorkingGroupKind::Preparatory),
                name_zh: Set("筹建工作小组".into()),
                name_en: Set("Preparatory working group".into()),
                purpose: Set(Some("制定组建方案和时间表".into())),
                established_on: Set(on),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record(
                "working_group",
                group.id,
                Some(alliance_id),
                None,
                Some(&group),
            )
            .await?;
            let mut seats = vec![(
                convener.organization_id,
                convener_person,
                PostKind::Convener,
            )];
            for (unit, person) in &members {
                let initiator = tx
                    .live_membership(alliance_id, *unit)
                    .await?
                    .is_some_and(|m| m.is_initiator && m.status == MembershipStatus::Active);
                if !initiator {
                    return Err(Error::bad_input(
                        "the preparatory group is formed by the convener and the initiating units",
                    ));
                }
                tx.representative(*person, *unit).await?;
                seats.push((Some(*unit), *person, PostKind::GroupMember));
            }
            for (unit, person, kind) in seats {
                let post = post::ActiveModel {
                    body: Set(Body::PreparatoryGroup),
                    kind: Set(kind),
                    person_id: Set(person),
                    organization_id: Set(unit),
                    working_group_id: Set(Some(group.id)),
                    term_start: Set(on),
                    decided_how: Set(Decision::InitiatorAgreement),
                    ..Default::default()
                };
                tx.add_post(alliance_id, post).await?;
            }
            let row = before.clone().into_active_model();
            tx.advance(
                &before,
                AllianceStage::Consultation,
                on,
                Some("成立筹建工作小组".into()),
                row,
            )
            .await
        }
        .await;
        tx.finish(outcome).await
    }

    /// Stage 3 (Annex 2 §二(三)): the charter and its supporting rules are drafted; the first
    /// draft carries the governance parameters the alliance proposes.
    pub async fn start_charter_drafting(
        self,
        alliance_id: i64,
        expected_version: i32,
        charter_version: &str,
        parameters: Parameters,
        date: Option<NaiveDate>,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("startCharterDrafting").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            let on = date.unwrap_or(tx.today());
            rules::next_stage(before.stage, AllianceStage::CharterDrafting, false)?;
            let draft = tx
                .add_charter(alliance_id, charter_version, &parameters, on, None, None)
                .await?;
            let mut row = before.clone().into_active_model();
            row.charter_version = Set(Some(draft.charter_version));
            tx.advance(
                &before,
                AllianceStage::CharterDrafting,
                on,
                Some("起草联盟章程".into()),
                row,
            )
            .await
        }
        .await;
        tx.finish(outcome).await
    }

    /// An initiating unit consents to the current charter draft.
    pub async fn record_charter_consent(
        self,
        alliance_id: i64,
        unit: i64,
        date: Option<NaiveDate>,
    ) -> Result<charter_consent::Model> {
        let mut tx = self.begin("recordCharterConsent").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            if alliance.stage != AllianceStage::CharterDrafting
                || alliance.charter_adopted_on.is_some()
            {
                return Err(Error::bad_input(
                    "consents are given to a charter draft, while the charter is being drafted",
                ));
            }
            let version = alliance
                .charter_version
                .clone()
                .ok_or_else(|| Error::bad_input("there is no charter draft"))?;
            let initiator = tx
                .live_membership(alliance_id, unit)
                .await?
                .is_some_and(|m| m.is_initiator && m.status == MembershipStatus::Active);
            if !initiator {
                return Err(Error::bad_input(
                    "only initiating units consent to the charter draft",
                ));
            }
            let exists = charter_consent::Entity::find()
                .filter(charter_consent::Column::AllianceId.eq(alliance_id))
                .filter(charter_consent::Column::OrganizationId.eq(unit))
                .filter(charter_consent::Column::CharterVersion.eq(&version))
                .count(&tx.db)
                .await?;
            if exists > 0 {
                return Err(Error::Conflict(format!(
                    "the unit already consented to charter {version}"
                )));
            }
            let row = charter_consent::ActiveModel {
                alliance_id: Set(alliance_id),
                organization_id: Set(unit),
                charter_version: Set(version),
                consented_on: Set(date.unwrap_or(tx.today())),
                created_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record(
                "charter_consent",
                row.id,
                Some(alliance_id),
                None,
                Some(&row),
            )
            .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Adopts the charter draft: every initiating unit must have consented to it.
    pub async fn adopt_charter(
        self,
        alliance_id: i64,
        expected_version: i32,
        date: Option<NaiveDate>,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("adoptCharter").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            rules::not_dissolved(before.stage)?;
            if before.stage != AllianceStage::CharterDrafting {
                return Err(Error::bad_input(
                    "the charter is adopted at the end of charter drafting",
                ));
            }
            if before.charter_adopted_on.is_some() {
                return Err(Error::Conflict("the charter is already adopted".into()));
            }
            let version = before.charter_version.clone().unwrap_or_default();
            let initiators = membership::Entity::find()
                .filter(membership::Column::AllianceId.eq(alliance_id))
                .filter(membership::Column::IsInitiator.eq(true))
                .filter(membership::Column::Status.eq(MembershipStatus::Active))
                .all(&tx.db)
                .await?;
            let consented: Vec<i64> = charter_consent::Entity::find()
                .filter(charter_consent::Column::AllianceId.eq(alliance_id))
                .filter(charter_consent::Column::CharterVersion.eq(&version))
                .all(&tx.db)
                .await?
                .into_iter()
                .map(|c| c.organization_id)
                .collect();
            let mut missing = Vec::new();
            for m in initiators
                .iter()
                .filter(|m| !consented.contains(&m.organization_id))
            {
                missing.push(
                    tx.find::<organization::Entity>(m.organization_id, "organization")
                        .await?
                        .name_zh,
                );
            }
            rules::charter_consented(&missing)?;
            let on = date.unwrap_or(tx.today());
            tx.date_charter(alliance_id, &version, Some(on), None)
                .await?;
            let mut row = before.clone().into_active_model();
            row.charter_adopted_on = Set(Some(on));
            tx.save_alliance(&before, row).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// Stage 4 (Annex 2 §二(四)): the bodies are formed (the charter must be adopted): the expert
    /// committee (its experts appointed before), the secretariat (hosted by a member unit) and
    /// the working groups set up by then, which the stage's note records. The council is elected
    /// at the founding assembly.
    pub async fn form_bodies(
        self,
        alliance_id: i64,
        expected_version: i32,
        secretariat_unit: i64,
        date: Option<NaiveDate>,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("formBodies").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            let on = date.unwrap_or(tx.today());
            rules::next_stage(
                before.stage,
                AllianceStage::BodiesFormed,
                before.charter_adopted_on.is_some(),
            )?;
            let posts = post::Entity::find()
                .filter(post::Column::AllianceId.eq(alliance_id))
                .filter(post::Column::Kind.eq(PostKind::Expert))
                .all(&tx.db)
                .await?;
            let experts = posts.iter().filter(|p| post_active_on(p, on)).count();
            let host = tx.is_active_member(alliance_id, secretariat_unit).await?;
            rules::bodies_formed(experts, host)?;
            let groups: Vec<String> = working_group::Entity::find()
                .filter(working_group::Column::AllianceId.eq(alliance_id))
                .filter(working_group::Column::Kind.ne(WorkingGroupKind::Preparatory))
                .filter(working_group::Column::DissolvedOn.is_null())
                .order_by_asc(working_group::Column::Id)
                .all(&tx.db)
                .await?
                .into_iter()
                .map(|g| g.name_zh)
                .collect();
            let note = if groups.is_empty() {
                format!("组建专家委员会（{experts}人）和秘书处")
            } else {
                format!(
                    "组建专家委员会（{experts}人）、秘书处和工作组：{}",
                    groups.join("、")
                )
            };
            let mut row = before.clone().into_active_model();
            row.secretariat_unit_id = Set(Some(secretariat_unit));
            tx.advance(&before, AllianceStage::BodiesFormed, on, Some(note), row)
                .await
        }
        .await;
        tx.finish(outcome).await
    }

    /// Stage 5 (Annex 2 §二(五)): the founding assembly declared the alliance founded.
    pub async fn found_alliance(
        self,
        alliance_id: i64,
        expected_version: i32,
        founding_assembly: i64,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("foundAlliance").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            let assembly = tx
                .find::<meeting::Entity>(founding_assembly, "meeting")
                .await?;
            if assembly.alliance_id != alliance_id || assembly.kind != MeetingKind::FoundingAssembly
            {
                return Err(Error::bad_input("name this alliance's founding assembly"));
            }
            rules::next_stage(
                before.stage,
                AllianceStage::Founded,
                before.charter_adopted_on.is_some(),
            )?;
            let day = assembly.held_on;
            let signed = resolution::Entity::find()
                .filter(resolution::Column::MeetingId.eq(assembly.id))
                .filter(resolution::Column::Kind.eq(ResolutionKind::SignCharter))
                .filter(resolution::Column::Passed.eq(true))
                .count(&tx.db)
                .await?
                > 0;
            let posts = post::Entity::find()
                .filter(post::Column::AllianceId.eq(alliance_id))
                .all(&tx.db)
                .await?;
            let sitting = |kind: PostKind, how: Decision| {
                posts
                    .iter()
                    .any(|p| p.kind == kind && p.decided_how == how && post_active_on(p, day))
            };
            rules::founding_complete(&rules::Founding {
                charter_signed: signed,
                chair_elected: sitting(PostKind::Chair, Decision::CouncilElection),
                secretary_general_elected: sitting(
                    PostKind::SecretaryGeneral,
                    Decision::CouncilNominationAssemblyElection,
                ),
                liability_unit_named: before.liability_unit_id.is_some(),
            })?;
            let preparatory = Condition::all().add(post::Column::Body.eq(Body::PreparatoryGroup));
            tx.end_posts(alliance_id, preparatory, day).await?;
            let groups = working_group::Entity::find()
                .filter(working_group::Column::AllianceId.eq(alliance_id))
                .filter(working_group::Column::Kind.eq(WorkingGroupKind::Preparatory))
                .filter(working_group::Column::DissolvedOn.is_null())
                .all(&tx.db)
                .await?;
            for group in groups {
                let mut row = group.clone().into_active_model();
                row.dissolved_on = Set(Some(day));
                tx.save("working_group", group.id, Some(alliance_id), &group, row)
                    .await?;
            }
            if let Some(version) = &before.charter_version {
                tx.date_charter(alliance_id, version, None, Some(day))
                    .await?;
            }
            let mut row = before.clone().into_active_model();
            row.founded_on = Set(Some(day));
            row.charter_signed_on = Set(Some(day));
            tx.advance(
                &before,
                AllianceStage::Founded,
                day,
                Some("联盟成立大会宣布联盟成立".into()),
                row,
            )
            .await
        }
        .await;
        tx.finish(outcome).await
    }

    /// Dissolves an alliance at any stage (OFFICE); its open posts end that day.
    pub async fn dissolve_alliance(
        self,
        alliance_id: i64,
        expected_version: i32,
        date: Option<NaiveDate>,
        reason: &str,
    ) -> Result<alliance::Model> {
        let mut tx = self.begin("dissolveAlliance").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<alliance::Entity>(alliance_id, "alliance").await?;
            tx.authorize(
                tx.viewer.may_write_everything(),
                "alliance",
                Some(alliance_id),
                "only the office dissolves an alliance",
            )?;
            check_version(before.version, expected_version, "alliance")?;
            rules::not_dissolved(before.stage)?;
            let on = date.unwrap_or(tx.today());
            let reason = text(reason, "reason", 500)?;
            tx.end_posts(alliance_id, Condition::all(), on).await?;
            tx.stage_event(&before, AllianceStage::Dissolved, on, Some(reason))
                .await?;
            let mut row = before.clone().into_active_model();
            row.stage = Set(AllianceStage::Dissolved);
            row.dissolved_on = Set(Some(on));
            tx.save_alliance(&before, row).await
        }
        .await;
        tx.finish(outcome).await
    }
}
