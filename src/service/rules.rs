//! The rules of the seed plan (DOMAIN.md's table), each decided by exactly one function here and
//! reported as RULE_VIOLATION with a stable `extensions.rule` id. The workflow services gather the
//! facts; these functions judge them.

use chrono::{Months, NaiveDate};
use entity::{
    enterprise_profile,
    enums::{
        AdmissionBody, AllianceStage, EnterpriseScale, MeetingKind, OrganizationKind, ProjectStage,
        ResolutionKind,
    },
    meeting, organization, resolution,
};

use super::charter::{Voting, reaches};
use crate::error::{Error, Result};

fn broken(rule: &'static str, message: impl Into<String>) -> Error {
    Error::Rule {
        rule,
        message: message.into(),
    }
}

/// Annex 1 §3: enterprises must be located in the three cities and one base; universities,
/// institutes and social organisations may come from anywhere. Financial institutions are
/// outside partners (§二), not members.
pub fn unit_may_join(unit: &organization::Model) -> Result<()> {
    match unit.kind {
        OrganizationKind::Enterprise if unit.municipality_id.is_none() => Err(broken(
            "ENTERPRISE_OUTSIDE_METRO",
            format!(
                "{} is not located in the three cities and one base; only enterprises located there may join (Annex 1 §3)",
                unit.name_zh
            ),
        )),
        OrganizationKind::FinancialInstitution => Err(broken(
            "MEMBER_KIND_NOT_ELIGIBLE",
            format!(
                "{} is a financial institution: an outside partner of the alliance, not a member (§二)",
                unit.name_zh
            ),
        )),
        _ => Ok(()),
    }
}

/// Open membership (Annex 1 §5): at most one live (applied or active) membership per unit.
pub fn no_live_membership(already: bool, unit: &organization::Model) -> Result<()> {
    if already {
        Err(broken(
            "MEMBERSHIP_EXISTS",
            format!(
                "{} already has a live membership of this alliance",
                unit.name_zh
            ),
        ))
    } else {
        Ok(())
    }
}

/// Annex 1 §5: new members are admitted under the admission rule, which is part of the charter's
/// supporting rules, so admission needs an adopted charter.
pub fn admission_under_charter(charter_adopted: bool) -> Result<()> {
    if charter_adopted {
        Ok(())
    } else {
        Err(broken(
            "ADMISSION_NEEDS_CHARTER",
            "members are admitted under the charter's admission rule; adopt the charter first (Annex 1 §5)",
        ))
    }
}

/// Annex 1 §5 and the charter: once the alliance is founded, a new member is admitted by the body
/// the charter names (before, the preparatory group admits the founding members: the charter's
/// bodies do not sit yet). Where that is the council or the general assembly, admission rests on
/// its passed ADMIT_MEMBERS resolution (`decided_at`: the kind of meeting that took it), taken
/// once the unit had applied.
pub fn admitted_by_charter_body(
    body: AdmissionBody,
    founded: bool,
    decided_at: Option<MeetingKind>,
    after_application: bool,
) -> Result<()> {
    let needed: &[MeetingKind] = match body {
        _ if !founded => return Ok(()),
        AdmissionBody::Secretariat => return Ok(()),
        AdmissionBody::Council => &[MeetingKind::Council],
        AdmissionBody::GeneralAssembly => {
            &[MeetingKind::GeneralAssembly, MeetingKind::FoundingAssembly]
        }
    };
    match decided_at {
        Some(kind) if needed.contains(&kind) && after_application => Ok(()),
        Some(_) if !after_application => Err(broken(
            "ADMISSION_BY_CHARTER_BODY",
            "the admitting resolution was taken before the unit applied",
        )),
        _ => Err(broken(
            "ADMISSION_BY_CHARTER_BODY",
            format!(
                "the charter makes the {body:?} admit new members: name its passed ADMIT_MEMBERS resolution"
            ),
        )),
    }
}

/// After founding, a supporting rule is the general assembly's to adopt, as the charter is.
pub fn supporting_rule_needs_assembly() -> Error {
    broken(
        "SUPPORTING_RULE_ADOPTED_BY_ASSEMBLY",
        "after founding, a supporting rule is adopted by a general-assembly resolution: name it",
    )
}

/// Plan §三 and Annex 2 §二(一): an initiative a municipality registered goes on once the office
/// has confirmed it.
pub fn initiative_confirmed(confirmed: bool) -> Result<()> {
    if confirmed {
        Ok(())
    } else {
        Err(broken(
            "INITIATIVE_NOT_CONFIRMED",
            "a municipality registered this initiative: the office confirms it before the preparatory group is formed",
        ))
    }
}

/// Annex 2 §二(四): the bodies are formed with an expert committee (at least one expert serving)
/// and a secretariat (a member unit hosting it); the council is elected at the founding assembly.
pub fn bodies_formed(experts_serving: usize, secretariat_hosted_by_member: bool) -> Result<()> {
    let mut missing = Vec::new();
    if experts_serving == 0 {
        missing.push("an expert committee (appoint its experts first)");
    }
    if !secretariat_hosted_by_member {
        missing.push("a secretariat hosted by an active member unit");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(broken(
            "BODIES_INCOMPLETE",
            format!(
                "the bodies are formed with {} (Annex 2 §二(四))",
                missing.join(" and ")
            ),
        ))
    }
}

/// Annex 1 §4: the alliance agreement binds the members: at least two parties, each an active
/// member on the day it is signed (or accedes).
pub fn agreement_among_members(parties: usize, not_members: &[String]) -> Result<()> {
    if parties < 2 {
        return Err(broken(
            "AGREEMENT_PARTIES_ARE_MEMBERS",
            "the alliance agreement is concluded among the members: name at least two parties (Annex 1 §4)",
        ));
    }
    if not_members.is_empty() {
        Ok(())
    } else {
        Err(broken(
            "AGREEMENT_PARTIES_ARE_MEMBERS",
            format!(
                "the agreement's parties are members of the alliance that day: {} (Annex 1 §4)",
                not_members.join("; ")
            ),
        ))
    }
}

/// Annex 1 §4: the agreement names the body bearing the alliance's external liability: one of
/// its parties and, once the assembly named one (NAME_LIABILITY_UNIT), that unit.
pub fn agreement_names_liable_unit(is_party: bool, matches_named: bool) -> Result<()> {
    match (is_party, matches_named) {
        (true, true) => Ok(()),
        (false, _) => Err(broken(
            "AGREEMENT_NAMES_LIABLE_UNIT",
            "the unit bearing external liability is a party to the agreement (Annex 1 §4)",
        )),
        (true, false) => Err(broken(
            "AGREEMENT_NAMES_LIABLE_UNIT",
            "the general assembly named another unit to bear external liability (Annex 1 §4)",
        )),
    }
}

/// A dissolved alliance takes no further steps.
pub fn not_dissolved(stage: AllianceStage) -> Result<()> {
    if stage == AllianceStage::Dissolved {
        Err(broken("ALLIANCE_DISSOLVED", "the alliance is dissolved"))
    } else {
        Ok(())
    }
}

/// Annex 2 §二: the five stages advance one at a time, in order; none is skipped. Forming the
/// bodies also needs the charter of stage three adopted.
pub fn next_stage(
    current: AllianceStage,
    wanted: AllianceStage,
    charter_adopted: bool,
) -> Result<()> {
    not_dissolved(current)?;
    let order = [
        AllianceStage::Initiative,
        AllianceStage::Consultation,
        AllianceStage::CharterDrafting,
        AllianceStage::BodiesFormed,
        AllianceStage::Founded,
    ];
    let position = |stage| order.iter().position(|s| *s == stage);
    let follows = matches!((position(current), position(wanted)), (Some(c), Some(w)) if w == c + 1);
    if !follows {
        return Err(broken(
            "STAGE_ORDER",
            format!(
                "an alliance at {current:?} cannot move to {wanted:?}: stages advance one at a time, in order (Annex 2 §二)"
            ),
        ));
    }
    if wanted == AllianceStage::BodiesFormed && !charter_adopted {
        return Err(broken(
            "STAGE_ORDER",
            "the charter must be adopted before the bodies are formed (Annex 2 §二(三))",
        ));
    }
    Ok(())
}

/// Annex 2 §二(三): the charter is adopted only with the consent of every initiating unit.
pub fn charter_consented(missing: &[String]) -> Result<()> {
    if missing.is_empty() {
        Ok(())
    } else {
        Err(broken(
            "CHARTER_CONSENT_MISSING",
            format!(
                "every initiating unit must consent to the charter; still missing: {}",
                missing.join(", ")
            ),
        ))
    }
}

/// What the founding assembly must have done (Annex 2 §二(五), Annex 1 §4).
#[derive(Debug, Default)]
pub struct Founding {
    pub charter_signed: bool,
    pub chair_elected: bool,
    pub secretary_general_elected: bool,
    pub liability_unit_named: bool,
}

/// "Founded" needs: charter signed, a chair elected by the council, a secretary-general elected,
/// and the body bearing external liability named.
pub fn founding_complete(f: &Founding) -> Result<()> {
    let missing: Vec<&str> = [
        (
            f.charter_signed,
            "the charter signed at the founding assembly",
        ),
        (f.chair_elected, "a chair elected by the council"),
        (
            f.secretary_general_elected,
            "a secretary-general elected by the general assembly",
        ),
        (
            f.liability_unit_named,
            "the unit bearing external liability named",
        ),
    ]
    .into_iter()
    .filter(|(done, _)| !done)
    .map(|(_, what)| what)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(broken(
            "FOUNDING_PREREQUISITES",
            format!(
                "the alliance cannot be declared founded yet; missing: {}",
                missing.join("; ")
            ),
        ))
    }
}

/// Annex 2 §一: the chair and the vice-chairs sit on the council, so their unit is one of the
/// council's director units when the council meeting decides.
pub fn from_directors(is_director: bool, post: &str) -> Result<()> {
    if is_director {
        Ok(())
    } else {
        Err(broken(
            "CHAIR_FROM_DIRECTORS",
            format!(
                "the {post} comes from the council's director units: elect the unit a director first (Annex 2 §一)"
            ),
        ))
    }
}

/// What the chair-unit rule needs to know of a candidate.
pub struct ChairCandidate<'a> {
    pub unit: &'a organization::Model,
    pub profile: Option<&'a enterprise_profile::Model>,
    /// The unit is an industry association of the alliance's sector.
    pub is_sector_association: bool,
    /// The sector has an industry association (registered, live).
    pub sector_has_association: bool,
    /// The charter keeps the plan's preference (it may drop it: Annex 1 is a reference outline).
    pub charter_prefers: bool,
}

/// Annex 1 §2: the chair unit is an industry association of the alliance's industry; where that
/// industry has none (无行业协会的), a large backbone enterprise. Any other choice is an exception
/// the office makes with a recorded reason.
pub fn chair_unit_eligible(
    candidate: &ChairCandidate<'_>,
    office_exception: Option<&str>,
) -> Result<()> {
    let large_backbone = candidate
        .profile
        .is_some_and(|p| p.is_backbone && p.scale == EnterpriseScale::Large);
    let preferred = !candidate.charter_prefers
        || candidate.is_sector_association
        || (large_backbone && !candidate.sector_has_association);
    if preferred || office_exception.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    if large_backbone {
        Err(broken(
            "CHAIR_UNIT_REASON_REQUIRED",
            "an industry association of the alliance's sector exists: an enterprise as chair unit is the office's exception, with a stated reason (Annex 1 §2)",
        ))
    } else {
        Err(broken(
            "CHAIR_UNIT_NOT_ELIGIBLE",
            format!(
                "{} cannot be the chair unit: it must be an industry association of the alliance's sector or, where the sector has none, a large backbone enterprise; other choices are the office's exception, with a stated reason (Annex 1 §2)",
                candidate.unit.name_zh
            ),
        ))
    }
}

/// The resolution an election rests on was taken by the right body and passed (Annex 2 §一).
pub fn decided_by(
    resolution: &resolution::Model,
    meeting: &meeting::Model,
    kind: ResolutionKind,
    bodies: &[MeetingKind],
    rule: &'static str,
    who: &str,
) -> Result<()> {
    if resolution.kind != kind || !bodies.contains(&meeting.kind) {
        return Err(broken(
            rule,
            format!(
                "{who} (Annex 2 §一): this resolution is a {:?} of a {:?} meeting",
                resolution.kind, meeting.kind
            ),
        ));
    }
    if !resolution.passed {
        return Err(broken(
            "RESOLUTION_NOT_PASSED",
            "the resolution did not pass: nothing was decided",
        ));
    }
    Ok(())
}

/// Annex 2 §一: the general assembly holds the alliance's powers: technical direction, key tasks,
/// raising and using funds, commercialisation of results and the sharing of returns, and the
/// charter and its supporting rules after founding. Such a resolution is only an assembly's.
pub fn assembly_power(kind: ResolutionKind, meeting: MeetingKind) -> Result<()> {
    let assembly_only = matches!(
        kind,
        ResolutionKind::SetTechnicalDirection
            | ResolutionKind::SetKeyTasks
            | ResolutionKind::RaiseAndUseFunds
            | ResolutionKind::CommercialiseResults
            | ResolutionKind::AmendCharter
            | ResolutionKind::AdoptSupportingRule
    );
    if assembly_only
        && !matches!(
            meeting,
            MeetingKind::GeneralAssembly | MeetingKind::FoundingAssembly
        )
    {
        return Err(broken(
            "ASSEMBLY_POWER",
            format!("a {kind:?} resolution is the general assembly's to take (Annex 2 §一)"),
        ));
    }
    Ok(())
}

/// Director units: active members, one representative each (Annex 2 §一).
pub fn directors_eligible(not_members: &[String], represented_twice: &[String]) -> Result<()> {
    if let Some(unit) = not_members.first() {
        return Err(broken(
            "DIRECTOR_NOT_ACTIVE_MEMBER",
            format!(
                "{unit} is not an active member; director units are elected from active members"
            ),
        ));
    }
    if let Some(unit) = represented_twice.first() {
        return Err(broken(
            "DIRECTOR_ONE_REPRESENTATIVE",
            format!(
                "{unit} would have two representatives on the council; each director unit names one"
            ),
        ));
    }
    Ok(())
}

/// One sitting chair at a time (Annex 2 §一); re-election after a term ends is allowed.
pub fn no_sitting_chair(sitting_until: Option<NaiveDate>) -> Result<()> {
    match sitting_until {
        Some(until) => Err(broken(
            "CHAIR_ALREADY_SITTING",
            format!("a chair is sitting until {until}; a new term can start only after it ends"),
        )),
        None => Ok(()),
    }
}

/// A chair's term is five years (理事长每届任期五年): from `start` to the day before its fifth
/// anniversary. Other posts' terms are the charter's (`charter::Parameters::term_end`).
pub fn five_year_term(start: NaiveDate) -> NaiveDate {
    term_of_years(start, 5)
}

/// A term of `years` from `start`: it ends the day before the anniversary.
pub fn term_of_years(start: NaiveDate, years: i32) -> NaiveDate {
    start
        .checked_add_months(Months::new(12 * years.unsigned_abs()))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start)
}

/// Vice-chairs are nominated by the sitting chair (Annex 2 §一).
pub fn nominated_by_chair(nominator_is_sitting_chair: bool) -> Result<()> {
    if nominator_is_sitting_chair {
        Ok(())
    } else {
        Err(broken(
            "VICE_CHAIR_NOMINATED_BY_CHAIR",
            "vice-chairs are nominated by the sitting chair",
        ))
    }
}

/// The secretary-general elected is the one the council nominated (Annex 2 §一).
pub fn secretary_general_as_nominated(same_person: bool, nominated_before: bool) -> Result<()> {
    if same_person && nominated_before {
        Ok(())
    } else {
        Err(broken(
            "SECRETARY_GENERAL_NOMINATED_BY_COUNCIL",
            "the general assembly elects the person the council nominated, after the nomination",
        ))
    }
}

/// Expert-committee members come from member units, or are external experts (Annex 2 §一).
pub fn expert_from_member_or_external(represents_member: Option<bool>) -> Result<()> {
    match represents_member {
        Some(false) => Err(broken(
            "EXPERT_FROM_MEMBER_OR_EXTERNAL",
            "an expert represents a member unit, or is appointed as an external expert (no unit)",
        )),
        _ => Ok(()),
    }
}

/// Key projects are reviewed by the expert committee (feasibility, budget, plan) before approval.
pub fn reviewed_by_experts(reviewed: bool) -> Result<()> {
    if reviewed {
        Ok(())
    } else {
        Err(broken(
            "PROJECT_REVIEW_REQUIRED",
            "the expert committee must review the project's feasibility, budget and plan first (Annex 2 §一)",
        ))
    }
}

/// A project moves PROPOSED → UNDER_REVIEW → APPROVED/REJECTED → IN_PROGRESS → COMPLETED.
pub fn project_moves(current: ProjectStage, wanted: ProjectStage) -> Result<()> {
    use ProjectStage::*;
    let allowed = matches!(
        (current, wanted),
        (Proposed, UnderReview)
            | (UnderReview, Approved)
            | (UnderReview, Rejected)
            | (Approved, InProgress)
            | (InProgress, Completed)
    );
    if allowed {
        Ok(())
    } else {
        Err(broken(
            "PROJECT_STAGE_ORDER",
            format!("a project {current:?} cannot become {wanted:?}"),
        ))
    }
}

/// A resolution passes with the charter's quorum of the body present and its majority of those
/// present voting for it (the hub's default: more than half of each).
pub fn resolution_passes(voting: Voting, present: i32, body_size: i32, votes_for: i32) -> bool {
    votes_for > 0
        && reaches(voting.quorum, present, body_size)
        && reaches(voting.majority, votes_for, present)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_of_five_years_ends_the_day_before_the_fifth_anniversary() {
        let start = NaiveDate::from_ymd_opt(2020, 11, 26).unwrap();
        assert_eq!(
            five_year_term(start),
            NaiveDate::from_ymd_opt(2025, 11, 25).unwrap()
        );
    }

    #[test]
    fn a_resolution_needs_a_quorum_and_a_majority_of_those_present() {
        let simple = super::super::charter::Parameters::default().council;
        assert!(resolution_passes(simple, 6, 10, 4));
        assert!(
            !resolution_passes(simple, 5, 10, 5),
            "no quorum: half is not more than half"
        );
        assert!(!resolution_passes(simple, 6, 10, 3), "a tie is no majority");
        let two_thirds = Voting {
            quorum: entity::enums::Threshold::AtLeastTwoThirds,
            majority: entity::enums::Threshold::AtLeastTwoThirds,
        };
        assert!(
            !resolution_passes(two_thirds, 6, 10, 6),
            "6 of 10 is no quorum"
        );
        assert!(resolution_passes(two_thirds, 7, 10, 5));
        assert!(!resolution_passes(two_thirds, 7, 10, 4));
    }

    #[test]
    fn stages_cannot_be_skipped_or_repeated() {
        assert!(
            next_stage(
                AllianceStage::Initiative,
                AllianceStage::Consultation,
                false
            )
            .is_ok()
        );
        assert!(
            next_stage(
                AllianceStage::Initiative,
                AllianceStage::CharterDrafting,
                false
            )
            .is_err()
        );
        assert!(next_stage(AllianceStage::Founded, AllianceStage::Founded, true).is_err());
        assert!(
            next_stage(
                AllianceStage::CharterDrafting,
                AllianceStage::BodiesFormed,
                false
            )
            .is_err()
        );
    }
}
