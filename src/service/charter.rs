//! The charter (章程) as data. The plan's annexes are reference outlines (参考提纲): each alliance
//! adapts them in its charter. A charter version carries the governance parameters the plan leaves
//! open (terms other than the chair's, quorum and majority of each body, who admits members,
//! whether the chair unit should be an association); every rule that depends on one reads it here,
//! from the version in force on the day of the decision. The supporting rules (配套制度) are
//! versioned documents beside it.

use chrono::NaiveDate;
use entity::{
    charter,
    enums::{
        AdmissionBody, AllianceStage, MeetingKind, PostKind, ResolutionKind, SupportingRuleKind,
        Threshold,
    },
    supporting_rule,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::{
    directory::{optional_text, text},
    rules,
    write::{Tx, Writer, check_version},
};
use crate::error::{Error, Result};

/// The longest term a charter may set for a post, in years.
const LONGEST_TERM_YEARS: i32 = 10;

/// Quorum and majority of one body's meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voting {
    /// The share of the body that must be present.
    pub quorum: Threshold,
    /// The share of those present that must vote for a resolution.
    pub majority: Threshold,
}

/// What a charter version sets. [`Parameters::default`] is the hub's default, used where a
/// charter is silent; the plan itself fixes none of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameters {
    /// Years a director serves; `None`: no fixed term (until replaced or the post is ended).
    pub director_term_years: Option<i32>,
    pub vice_chair_term_years: Option<i32>,
    pub secretary_general_term_years: Option<i32>,
    pub expert_term_years: Option<i32>,
    pub assembly: Voting,
    pub council: Voting,
    pub expert_review: Voting,
    /// Who admits new members (吸收新成员).
    pub admission_body: AdmissionBody,
    /// Whether the chair unit should be an industry association of the alliance's industry, or
    /// else a large backbone enterprise (Annex 1 §2's preference); `false` drops the preference.
    pub chair_unit_preference: bool,
}

impl Default for Parameters {
    /// The hub's defaults: no fixed terms besides the chair's, more than half of a body present
    /// and more than half of those present voting for, admission by the secretariat, and the
    /// plan's chair-unit preference.
    fn default() -> Self {
        let simple = Voting {
            quorum: Threshold::MoreThanHalf,
            majority: Threshold::MoreThanHalf,
        };
        Self {
            director_term_years: None,
            vice_chair_term_years: None,
            secretary_general_term_years: None,
            expert_term_years: None,
            assembly: simple,
            council: simple,
            expert_review: simple,
            admission_body: AdmissionBody::Secretariat,
            chair_unit_preference: true,
        }
    }
}

impl Parameters {
    pub fn of(row: &charter::Model) -> Self {
        Self {
            director_term_years: row.director_term_years,
            vice_chair_term_years: row.vice_chair_term_years,
            secretary_general_term_years: row.secretary_general_term_years,
            expert_term_years: row.expert_term_years,
            assembly: Voting {
                quorum: row.assembly_quorum,
                majority: row.assembly_majority,
            },
            council: Voting {
                quorum: row.council_quorum,
                majority: row.council_majority,
            },
            expert_review: Voting {
                quorum: row.expert_quorum,
                majority: row.expert_majority,
            },
            admission_body: row.admission_body,
            chair_unit_preference: row.chair_unit_preference,
        }
    }

    /// The voting rule of a meeting of `kind`.
    pub fn voting(&self, kind: MeetingKind) -> Voting {
        match kind {
            MeetingKind::GeneralAssembly | MeetingKind::FoundingAssembly => self.assembly,
            MeetingKind::Council => self.council,
            MeetingKind::ExpertReview => self.expert_review,
        }
    }

    /// When a post of `kind` starting on `start` ends: the chair's term is the plan's five years;
    /// the others as the charter sets (`None`: no fixed end).
    pub fn term_end(&self, kind: PostKind, start: NaiveDate) -> Option<NaiveDate> {
        let years = match kind {
            PostKind::Chair => return Some(rules::five_year_term(start)),
            PostKind::Director => self.director_term_years,
            PostKind::ViceChair => self.vice_chair_term_years,
            PostKind::SecretaryGeneral => self.secretary_general_term_years,
            PostKind::Expert => self.expert_term_years,
            PostKind::Convener | PostKind::GroupLead | PostKind::GroupMember => None,
        };
        years.map(|years| rules::term_of_years(start, years))
    }

    /// Refuses parameters no charter could mean: terms outside 1–10 years, a majority that
    /// needs no votes.
    fn check(&self) -> Result<()> {
        for (field, years) in [
            ("directorTermYears", self.director_term_years),
            ("viceChairTermYears", self.vice_chair_term_years),
            (
                "secretaryGeneralTermYears",
                self.secretary_general_term_years,
            ),
            ("expertTermYears", self.expert_term_years),
        ] {
            if years.is_some_and(|y| !(1..=LONGEST_TERM_YEARS).contains(&y)) {
                return Err(Error::bad_input(format!(
                    "`{field}` is between 1 and {LONGEST_TERM_YEARS} years, or none"
                )));
            }
        }
        for (field, voting) in [
            ("assembly", self.assembly),
            ("council", self.council),
            ("expertReview", self.expert_review),
        ] {
            if voting.majority == Threshold::None {
                return Err(Error::bad_input(format!(
                    "`{field}.majority` must require some share of the votes"
                )));
            }
        }
        Ok(())
    }

    /// A new charter version's row holding these parameters.
    fn row(&self) -> charter::ActiveModel {
        charter::ActiveModel {
            director_term_years: Set(self.director_term_years),
            vice_chair_term_years: Set(self.vice_chair_term_years),
            secretary_general_term_years: Set(self.secretary_general_term_years),
            expert_term_years: Set(self.expert_term_years),
            assembly_quorum: Set(self.assembly.quorum),
            assembly_majority: Set(self.assembly.majority),
            council_quorum: Set(self.council.quorum),
            council_majority: Set(self.council.majority),
            expert_quorum: Set(self.expert_review.quorum),
            expert_majority: Set(self.expert_review.majority),
            admission_body: Set(self.admission_body),
            chair_unit_preference: Set(self.chair_unit_preference),
            ..Default::default()
        }
    }
}

/// Whether `part` reaches the `threshold` share of `whole`.
pub fn reaches(threshold: Threshold, part: i32, whole: i32) -> bool {
    match threshold {
        Threshold::None => true,
        Threshold::AtLeastHalf => part * 2 >= whole,
        Threshold::MoreThanHalf => part * 2 > whole,
        Threshold::AtLeastTwoThirds => part * 3 >= whole * 2,
        Threshold::AtLeastThreeQuarters => part * 4 >= whole * 3,
        Threshold::All => part >= whole,
    }
}

/// The charter in force on `day`: the latest version adopted by then; before any adoption, the
/// latest draft. Several versions of one day: the last recorded.
pub fn in_force(versions: &[charter::Model], day: NaiveDate) -> Option<&charter::Model> {
    let adopted = versions
        .iter()
        .filter(|c| c.adopted_on.is_some_and(|on| on <= day))
        .max_by_key(|c| (c.adopted_on, c.id));
    adopted.or_else(|| {
        versions
            .iter()
            .filter(|c| c.adopted_on.is_none())
            .max_by_key(|c| (c.drafted_on, c.id))
    })
}

/// A new supporting rule version.
#[derive(Debug, Clone)]
pub struct NewSupportingRule {
    pub kind: SupportingRuleKind,
    pub title: String,
    pub rule_version: String,
    pub adopted_on: NaiveDate,
    pub summary: Option<String>,
    /// The passed resolution that adopted it, if a meeting did.
    pub resolution: Option<i64>,
}

impl Tx<'_> {
    /// Every version of the alliance's charter.
    async fn charters(&self, alliance: i64) -> Result<Vec<charter::Model>> {
        Ok(charter::Entity::find()
            .filter(charter::Column::AllianceId.eq(alliance))
            .order_by_asc(charter::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The parameters in force on `day` (the hub's defaults where there is no charter yet).
    pub(crate) async fn charter_on(&self, alliance: i64, day: NaiveDate) -> Result<Parameters> {
        let versions = self.charters(alliance).await?;
        Ok(in_force(&versions, day)
            .map(Parameters::of)
            .unwrap_or_default())
    }

    /// The version labelled `label`, which must exist.
    pub(crate) async fn charter_version(
        &self,
        alliance: i64,
        label: &str,
    ) -> Result<charter::Model> {
        charter::Entity::find()
            .filter(charter::Column::AllianceId.eq(alliance))
            .filter(charter::Column::CharterVersion.eq(label))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::not_found(format!("no charter version {label}")))
    }

    /// Records a new charter version (a draft unless `adopted_on`), refusing a label in use.
    pub(crate) async fn add_charter(
        &mut self,
        alliance: i64,
        label: &str,
        parameters: &Parameters,
        drafted_on: NaiveDate,
        adopted_on: Option<NaiveDate>,
        resolution: Option<i64>,
    ) -> Result<charter::Model> {
        parameters.check()?;
        let label = text(label, "charterVersion", 40)?;
        let taken = charter::Entity::find()
            .filter(charter::Column::AllianceId.eq(alliance))
            .filter(charter::Column::CharterVersion.eq(&label))
            .count(&self.db)
            .await?;
        if taken > 0 {
            return Err(Error::Conflict(format!(
                "the alliance already has a charter version {label}"
            )));
        }
        let mut row = parameters.row();
        row.alliance_id = Set(alliance);
        row.charter_version = Set(label);
        row.drafted_on = Set(drafted_on);
        row.adopted_on = Set(adopted_on);
        row.resolution_id = Set(resolution);
        row.version = Set(1);
        row.created_at = Set(self.now);
        row.updated_at = Set(self.now);
        let row = row.insert(&self.db).await?;
        self.record("charter", row.id, Some(alliance), None, Some(&row))
            .await?;
        Ok(row)
    }

    /// Marks a charter version adopted or signed on `day`.
    pub(crate) async fn date_charter(
        &mut self,
        alliance: i64,
        label: &str,
        adopted_on: Option<NaiveDate>,
        signed_on: Option<NaiveDate>,
    ) -> Result<()> {
        let before = self.charter_version(alliance, label).await?;
        let mut row = before.clone().into_active_model();
        if adopted_on.is_some() {
            row.adopted_on = Set(adopted_on);
        }
        if signed_on.is_some() {
            row.signed_on = Set(signed_on);
        }
        self.save("charter", before.id, Some(alliance), &before, row)
            .await?;
        Ok(())
    }

    /// A passed resolution of `kind` at a general assembly of the alliance, with its meeting day.
    async fn assembly_decision(
        &mut self,
        alliance: i64,
        resolution: i64,
        kind: ResolutionKind,
        rule: &'static str,
        what: &str,
    ) -> Result<NaiveDate> {
        let (resolution, meeting) = self.resolution_with_meeting(resolution).await?;
        if meeting.alliance_id != alliance {
            return Err(Error::bad_input(
                "the resolution belongs to another alliance",
            ));
        }
        let assemblies = [MeetingKind::GeneralAssembly, MeetingKind::FoundingAssembly];
        rules::decided_by(&resolution, &meeting, kind, &assemblies, rule, what)?;
        Ok(meeting.held_on)
    }
}

impl Writer<'_> {
    /// A revised charter draft while drafting: a new version label, so the initiating units
    /// consent to it afresh.
    pub async fn revise_charter_draft(
        self,
        alliance_id: i64,
        expected_version: i32,
        label: &str,
        parameters: Parameters,
        date: Option<NaiveDate>,
    ) -> Result<entity::alliance::Model> {
        let mut tx = self.begin("reviseCharterDraft").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            if before.stage != AllianceStage::CharterDrafting || before.charter_adopted_on.is_some()
            {
                return Err(Error::bad_input(
                    "a draft is revised while the charter is being drafted, before adoption",
                ));
            }
            let on = date.unwrap_or(tx.today());
            let draft = tx
                .add_charter(alliance_id, label, &parameters, on, None, None)
                .await?;
            let mut row = before.clone().into_active_model();
            row.charter_version = Set(Some(draft.charter_version));
            tx.save_alliance(&before, row).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// An amendment of a founded alliance's charter, adopted by a general-assembly resolution
    /// (AMEND_CHARTER); it is in force from the meeting's day.
    pub async fn amend_charter(
        self,
        alliance_id: i64,
        expected_version: i32,
        label: &str,
        resolution: i64,
        parameters: Parameters,
    ) -> Result<entity::alliance::Model> {
        let mut tx = self.begin("amendCharter").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.governed(alliance_id).await?;
            check_version(before.version, expected_version, "alliance")?;
            rules::not_dissolved(before.stage)?;
            if before.stage != AllianceStage::Founded {
                return Err(Error::bad_input(
                    "a founded alliance amends its charter; before founding, revise the draft",
                ));
            }
            let day = tx
                .assembly_decision(
                    alliance_id,
                    resolution,
                    ResolutionKind::AmendCharter,
                    "CHARTER_AMENDED_BY_ASSEMBLY",
                    "the general assembly amends the charter",
                )
                .await?;
            let amended = tx
                .add_charter(
                    alliance_id,
                    label,
                    &parameters,
                    day,
                    Some(day),
                    Some(resolution),
                )
                .await?;
            let mut row = before.clone().into_active_model();
            row.charter_version = Set(Some(amended.charter_version));
            tx.save_alliance(&before, row).await
        }
        .await;
        tx.finish(outcome).await
    }

    /// A version of one of the charter's supporting rules. One adopted after founding rests on
    /// a general-assembly resolution (ADOPT_SUPPORTING_RULE), as the charter itself does.
    pub async fn record_supporting_rule(
        self,
        alliance_id: i64,
        new: NewSupportingRule,
    ) -> Result<supporting_rule::Model> {
        let mut tx = self.begin("recordSupportingRule").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            if alliance.stage < AllianceStage::CharterDrafting {
                return Err(Error::bad_input(
                    "supporting rules are drafted with the charter (Annex 2 §二(三))",
                ));
            }
            let mut adopted_on = new.adopted_on;
            if let Some(resolution) = new.resolution {
                adopted_on = tx
                    .assembly_decision(
                        alliance_id,
                        resolution,
                        ResolutionKind::AdoptSupportingRule,
                        "SUPPORTING_RULE_ADOPTED_BY_ASSEMBLY",
                        "after founding, the general assembly adopts supporting rules",
                    )
                    .await?;
            } else if alliance.founded_on.is_some_and(|f| f <= new.adopted_on) {
                return Err(rules::supporting_rule_needs_assembly());
            }
            let rule_version = text(&new.rule_version, "ruleVersion", 40)?;
            let taken = supporting_rule::Entity::find()
                .filter(supporting_rule::Column::AllianceId.eq(alliance_id))
                .filter(supporting_rule::Column::Kind.eq(new.kind))
                .filter(supporting_rule::Column::RuleVersion.eq(&rule_version))
                .count(&tx.db)
                .await?;
            if taken > 0 {
                return Err(Error::Conflict(format!(
                    "this supporting rule already has a version {rule_version}"
                )));
            }
            let row = supporting_rule::ActiveModel {
                alliance_id: Set(alliance_id),
                kind: Set(new.kind),
                title: Set(text(&new.title, "title", 200)?),
                rule_version: Set(rule_version),
                adopted_on: Set(adopted_on),
                summary: Set(optional_text(new.summary.as_deref(), "summary", 4000)?),
                resolution_id: Set(new.resolution),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record(
                "supporting_rule",
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_shares_of_the_whole() {
        assert!(reaches(Threshold::MoreThanHalf, 6, 10));
        assert!(!reaches(Threshold::MoreThanHalf, 5, 10));
        assert!(reaches(Threshold::AtLeastHalf, 5, 10));
        assert!(reaches(Threshold::AtLeastTwoThirds, 6, 9));
        assert!(!reaches(Threshold::AtLeastTwoThirds, 5, 9));
        assert!(reaches(Threshold::AtLeastThreeQuarters, 3, 4));
        assert!(!reaches(Threshold::All, 9, 10));
        assert!(reaches(Threshold::None, 0, 10));
    }

    #[test]
    fn only_the_chair_has_a_term_by_default() {
        let start = NaiveDate::from_ymd_opt(2020, 11, 26).unwrap();
        let defaults = Parameters::default();
        assert_eq!(
            defaults.term_end(PostKind::Chair, start),
            NaiveDate::from_ymd_opt(2025, 11, 25)
        );
        for kind in [
            PostKind::Director,
            PostKind::ViceChair,
            PostKind::SecretaryGeneral,
            PostKind::Expert,
        ] {
            assert_eq!(defaults.term_end(kind, start), None, "{kind:?}");
        }
        let three_years = Parameters {
            director_term_years: Some(3),
            ..Parameters::default()
        };
        assert_eq!(
            three_years.term_end(PostKind::Director, start),
            NaiveDate::from_ymd_opt(2023, 11, 25)
        );
    }

    #[test]
    fn the_charter_in_force_is_the_last_adopted_by_that_day() {
        let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        let version = |id, label: &str, drafted, adopted| charter::Model {
            id,
            alliance_id: 1,
            charter_version: label.into(),
            drafted_on: drafted,
            adopted_on: adopted,
            signed_on: None,
            resolution_id: None,
            director_term_years: None,
            vice_chair_term_years: None,
            secretary_general_term_years: None,
            expert_term_years: None,
            assembly_quorum: Threshold::MoreThanHalf,
            assembly_majority: Threshold::MoreThanHalf,
            council_quorum: Threshold::MoreThanHalf,
            council_majority: Threshold::MoreThanHalf,
            expert_quorum: Threshold::MoreThanHalf,
            expert_majority: Threshold::MoreThanHalf,
            admission_body: AdmissionBody::Secretariat,
            chair_unit_preference: true,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        let versions = [
            version(1, "v0.9", day(1, 1), None),
            version(2, "v1.0", day(2, 1), Some(day(3, 1))),
            version(3, "v1.1", day(6, 1), Some(day(6, 1))),
        ];
        let label = |d| in_force(&versions, d).map(|c| c.charter_version.as_str());
        assert_eq!(
            label(day(2, 15)),
            Some("v0.9"),
            "before adoption: the draft"
        );
        assert_eq!(label(day(3, 1)), Some("v1.0"));
        assert_eq!(label(day(5, 31)), Some("v1.0"));
        assert_eq!(label(day(6, 1)), Some("v1.1"));
    }
}
