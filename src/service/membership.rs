//! Joining and leaving an alliance (Annex 1 §3, §5): applications, decisions, withdrawals.
//! Who may decide is `Viewer::may_govern`; the rules are in `service::rules`.

use chrono::NaiveDate;
use entity::{
    enums::{AllianceStage, MeetingKind, MembershipStatus, ResolutionKind},
    membership, organization, post,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, IntoActiveModel};

use super::{
    agreement::Terms,
    directory::optional_text,
    rules,
    write::{Tx, Writer, check_version},
};
use crate::error::{Error, Result};

impl Tx<'_> {
    /// The meeting kind and day of the passed ADMIT_MEMBERS resolution admitting `applicant`.
    async fn admission_decision(
        &mut self,
        applicant: &membership::Model,
        resolution: i64,
    ) -> Result<(MeetingKind, NaiveDate)> {
        let (resolution, meeting) = self.resolution_with_meeting(resolution).await?;
        if meeting.alliance_id != applicant.alliance_id {
            return Err(Error::bad_input(
                "the resolution belongs to another alliance",
            ));
        }
        if resolution
            .organization_id
            .is_some_and(|unit| unit != applicant.organization_id)
        {
            return Err(Error::bad_input("the resolution admits another unit"));
        }
        rules::decided_by(
            &resolution,
            &meeting,
            ResolutionKind::AdmitMembers,
            &[
                MeetingKind::Council,
                MeetingKind::GeneralAssembly,
                MeetingKind::FoundingAssembly,
            ],
            "ADMISSION_BY_CHARTER_BODY",
            "new members are admitted by the body the charter names",
        )?;
        Ok((meeting.kind, meeting.held_on))
    }
}

impl Writer<'_> {
    /// A unit applies to join (Annex 1 §3, §5).
    pub async fn apply_for_membership(
        self,
        alliance_id: i64,
        unit: i64,
        date: Option<NaiveDate>,
    ) -> Result<membership::Model> {
        let mut tx = self.begin("applyForMembership").await?;
        let outcome = tx.apply_for_membership(alliance_id, unit, date).await;
        tx.finish(outcome).await
    }

    /// Approves (admits) or rejects an application; a rejection states its reason. Where the
    /// charter makes the council or the general assembly admit members, an admission names its
    /// passed ADMIT_MEMBERS resolution, and the member joins on the meeting's day by default.
    pub async fn decide_membership(
        self,
        membership_id: i64,
        expected_version: i32,
        approve: bool,
        reason: Option<&str>,
        resolution: Option<i64>,
        date: Option<NaiveDate>,
    ) -> Result<membership::Model> {
        let mut tx = self.begin("decideMembership").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx
                .find::<membership::Entity>(membership_id, "membership")
                .await?;
            let alliance = tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "membership")?;
            if before.status != MembershipStatus::Applied {
                return Err(Error::Conflict(format!(
                    "the application was already decided ({:?})",
                    before.status
                )));
            }
            let reason = optional_text(reason, "reason", 500)?;
            let mut row = before.clone().into_active_model();
            if approve {
                rules::not_dissolved(alliance.stage)?;
                rules::admission_under_charter(alliance.charter_adopted_on.is_some())?;
                rules::unit_may_join(
                    &tx.find::<organization::Entity>(before.organization_id, "organization")
                        .await?,
                )?;
                let decision = match resolution {
                    Some(id) => Some(tx.admission_decision(&before, id).await?),
                    None => None,
                };
                let on = date.or(decision.map(|(_, day)| day)).unwrap_or(tx.today());
                if on < before.applied_on {
                    return Err(Error::bad_input(format!(
                        "a unit joins on or after the day it applied ({})",
                        before.applied_on
                    )));
                }
                let charter = tx.charter_on(alliance.id, on).await?;
                rules::admitted_by_charter_body(
                    charter.admission_body,
                    alliance.stage == AllianceStage::Founded,
                    decision.map(|(kind, _)| kind),
                    decision.is_none_or(|(_, day)| day >= before.applied_on),
                )?;
                row.status = Set(MembershipStatus::Active);
                row.joined_on = Set(Some(on));
            } else {
                if reason.is_none() {
                    return Err(Error::bad_input("a rejection states its `reason`"));
                }
                row.status = Set(MembershipStatus::Rejected);
            }
            row.decision_reason = Set(reason);
            let after = tx
                .save(
                    "membership",
                    membership_id,
                    Some(before.alliance_id),
                    &before,
                    row,
                )
                .await?;
            // A new member accedes to the agreement in force (Annex 1 §4, §5).
            if let Some(joined) = after.joined_on.filter(|_| approve) {
                tx.accede(
                    after.alliance_id,
                    after.organization_id,
                    &Terms::default(),
                    joined,
                    Some(after.id),
                )
                .await?;
            }
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// A member leaves; the posts held for it in the alliance end that day.
    pub async fn withdraw_membership(
        self,
        membership_id: i64,
        expected_version: i32,
        reason: Option<&str>,
        date: Option<NaiveDate>,
    ) -> Result<membership::Model> {
        let mut tx = self.begin("withdrawMembership").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx
                .find::<membership::Entity>(membership_id, "membership")
                .await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "membership")?;
            if before.status != MembershipStatus::Active {
                return Err(Error::Conflict(format!(
                    "only an active membership can be withdrawn (this one is {:?})",
                    before.status
                )));
            }
            let on = date.unwrap_or(tx.today());
            tx.end_posts(
                before.alliance_id,
                Condition::all().add(post::Column::OrganizationId.eq(before.organization_id)),
                on,
            )
            .await?;
            let mut row = before.clone().into_active_model();
            row.status = Set(MembershipStatus::Withdrawn);
            row.left_on = Set(Some(on));
            row.decision_reason = Set(optional_text(reason, "reason", 500)?);
            let after = tx
                .save(
                    "membership",
                    membership_id,
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
}

/// The bodies of the mutations above, for a caller that runs several in one transaction (an
/// import).
impl Tx<'_> {
    pub async fn apply_for_membership(
        &mut self,
        alliance_id: i64,
        unit: i64,
        date: Option<NaiveDate>,
    ) -> Result<membership::Model> {
        let tx = self;
        let alliance = tx.governed(alliance_id).await?;
        rules::not_dissolved(alliance.stage)?;
        let org = tx
            .find::<organization::Entity>(unit, "organization")
            .await?;
        if org.archived_at.is_some() {
            return Err(Error::bad_input(format!("{} is archived", org.name_zh)));
        }
        rules::unit_may_join(&org)?;
        rules::no_live_membership(tx.live_membership(alliance_id, unit).await?.is_some(), &org)?;
        let row = membership::ActiveModel {
            alliance_id: Set(alliance_id),
            organization_id: Set(unit),
            status: Set(MembershipStatus::Applied),
            is_initiator: Set(false),
            applied_on: Set(date.unwrap_or(tx.today())),
            version: Set(1),
            created_at: Set(tx.now),
            updated_at: Set(tx.now),
            ..Default::default()
        }
        .insert(&tx.db)
        .await?;
        tx.record("membership", row.id, Some(alliance_id), None, Some(&row))
            .await?;
        Ok(row)
    }
}
