//! The three demo alliances. The new-materials alliance
//! went through all five stages of Annex 2 §二 and has been governed since; the chemicals alliance
//! is drafting its charter; the equipment alliance has just been proposed.

use chrono::NaiveDate;
use entity::{
    agreement, agreement_party, alliance, alliance_report, alliance_stage_event, charter,
    charter_consent,
    enums::{
        AdmissionBody, AllianceStage as Stage, Body, Decision, FormationMode, MeetingKind,
        MembershipStatus as Status, ParticipantRole, PostKind, ProjectKind, ProjectStage,
        ReportKind, ResolutionKind as R, SectorCode, SupportingRuleKind, WorkingGroupKind,
    },
    meeting, meeting_attendance, membership, post, project, project_participant, resolution,
    supporting_rule, working_group,
};
use sea_orm::ActiveValue::Set;

use super::{Seeder, date};
use crate::{
    error::{Error, Result},
    service::charter::Parameters,
};

/// A membership to record.
struct Member {
    organization: i64,
    status: Status,
    initiator: bool,
    applied: NaiveDate,
    joined: Option<NaiveDate>,
    left: Option<NaiveDate>,
    reason: Option<&'static str>,
}

/// One council election: who is elected, at which general assembly, for which term.
struct Election<'a> {
    /// The general-assembly meeting that elects directors and the secretary-general.
    assembly: i64,
    /// Member units present at that assembly.
    present: i32,
    /// 第一届, 第二届, …
    ordinal: &'a str,
    held_on: NaiveDate,
    directors: &'a [i64],
    chair: i64,
    vice_chairs: &'a [i64],
    secretary_general: i64,
    start: NaiveDate,
    end: NaiveDate,
}

/// A post to record.
struct Term {
    body: Body,
    kind: PostKind,
    person: i64,
    organization: Option<i64>,
    group: Option<i64>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    resolution: Option<i64>,
    decided: Decision,
}

impl Seeder<'_> {
    pub(super) async fn alliances(&mut self) -> Result<()> {
        self.new_materials_alliance().await?;
        self.chemicals_alliance().await?;
        self.equipment_alliance().await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn alliance(
        &self,
        code: &str,
        zh: &str,
        en: &str,
        sector: SectorCode,
        stage: Stage,
        (convener, mode, initiated): (i64, FormationMode, NaiveDate),
    ) -> Result<alliance::Model> {
        let sector_id = self
            .sectors
            .get(&sector)
            .copied()
            .ok_or_else(|| Error::internal("seed: no sector"))?;
        self.insert(alliance::ActiveModel {
            code: Set(code.into()),
            name_zh: Set(zh.into()),
            name_en: Set(en.into()),
            sector_id: Set(sector_id),
            stage: Set(stage),
            convener_id: Set(Some(convener)),
            formation_mode: Set(Some(mode)),
            registered_by_municipality_id: Set(None),
            initiative_confirmed_on: Set(Some(initiated)),
            secretariat_unit_id: Set(None),
            chair_unit_id: Set(None),
            chair_unit_reason: Set(None),
            liability_unit_id: Set(None),
            charter_version: Set(None),
            charter_adopted_on: Set(None),
            charter_signed_on: Set(None),
            founded_on: Set(None),
            dissolved_on: Set(None),
            is_demo: Set(true),
            version: Set(1),
            created_at: Set(self.stamp),
            updated_at: Set(self.stamp),
            ..Default::default()
        })
        .await
    }

    /// Records the stage transitions `stages[0] → stages[1] → …` on their dates.
    async fn stages(&self, alliance: i64, steps: &[(Stage, NaiveDate, &str)]) -> Result<()> {
        let mut previous = None;
        for (stage, on, note) in steps {
            self.insert(alliance_stage_event::ActiveModel {
                alliance_id: Set(alliance),
                from_stage: Set(previous),
                to_stage: Set(*stage),
                occurred_on: Set(*on),
                note: Set(Some((*note).into())),
                created_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
            previous = Some(*stage);
        }
        Ok(())
    }

    async fn member(&self, alliance: i64, m: Member) -> Result<i64> {
        Ok(self
            .insert(membership::ActiveModel {
                alliance_id: Set(alliance),
                organization_id: Set(m.organization),
                status: Set(m.status),
                is_initiator: Set(m.initiator),
                applied_on: Set(m.applied),
                joined_on: Set(m.joined),
                left_on: Set(m.left),
                decision_reason: Set(m.reason.map(str::to_owned)),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?
            .id)
    }

    /// A charter version with its parameters: a draft unless `adopted`.
    async fn charter(
        &self,
        alliance: i64,
        label: &str,
        (drafted, adopted, signed): (NaiveDate, Option<NaiveDate>, Option<NaiveDate>),
        parameters: &Parameters,
    ) -> Result<()> {
        self.insert(charter::ActiveModel {
            alliance_id: Set(alliance),
            charter_version: Set(label.into()),
            drafted_on: Set(drafted),
            adopted_on: Set(adopted),
            signed_on: Set(signed),
            resolution_id: Set(None),
            director_term_years: Set(parameters.director_term_years),
            vice_chair_term_years: Set(parameters.vice_chair_term_years),
            secretary_general_term_years: Set(parameters.secretary_general_term_years),
            expert_term_years: Set(parameters.expert_term_years),
            assembly_quorum: Set(parameters.assembly.quorum),
            assembly_majority: Set(parameters.assembly.majority),
            council_quorum: Set(parameters.council.quorum),
            council_majority: Set(parameters.council.majority),
            expert_quorum: Set(parameters.expert_review.quorum),
            expert_majority: Set(parameters.expert_review.majority),
            admission_body: Set(parameters.admission_body),
            chair_unit_preference: Set(parameters.chair_unit_preference),
            version: Set(1),
            created_at: Set(self.stamp),
            updated_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    /// The secretariat's work report on `year` and its plan for the next, submitted on
    /// `submitted` and reviewed by `review` (a REVIEW_REPORT resolution and its meeting's day).
    async fn yearly_reports(
        &self,
        alliance: i64,
        year: i32,
        submitted: NaiveDate,
        review: Option<(i64, NaiveDate)>,
    ) -> Result<()> {
        for (kind, year, title) in [
            (
                ReportKind::WorkReport,
                year,
                format!("{year}年度联盟工作报告"),
            ),
            (
                ReportKind::WorkPlan,
                year + 1,
                format!("{}年度联盟工作计划", year + 1),
            ),
        ] {
            self.insert(alliance_report::ActiveModel {
                alliance_id: Set(alliance),
                kind: Set(kind),
                year: Set(year),
                title: Set(title),
                summary: Set(Some("秘书处起草，提请成员大会审议".into())),
                submitted_on: Set(submitted),
                resolution_id: Set(review.map(|(resolution, _)| resolution)),
                reviewed_on: Set(review.map(|(_, on)| on)),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        }
        Ok(())
    }

    /// A supporting rule drafted with the charter.
    async fn supporting_rule(
        &self,
        alliance: i64,
        kind: SupportingRuleKind,
        title: &str,
        adopted: NaiveDate,
        summary: &str,
    ) -> Result<()> {
        self.insert(supporting_rule::ActiveModel {
            alliance_id: Set(alliance),
            kind: Set(kind),
            title: Set(title.into()),
            rule_version: Set("v1.0".into()),
            adopted_on: Set(adopted),
            summary: Set(Some(summary.into())),
            resolution_id: Set(None),
            version: Set(1),
            created_at: Set(self.stamp),
            updated_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    async fn consent(
        &self,
        alliance: i64,
        organization: i64,
        version: &str,
        on: NaiveDate,
    ) -> Result<()> {
        self.insert(charter_consent::ActiveModel {
            alliance_id: Set(alliance),
            organization_id: Set(organization),
            charter_version: Set(version.into()),
            consented_on: Set(on),
            created_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn group(
        &self,
        alliance: i64,
        kind: WorkingGroupKind,
        zh: &str,
        en: &str,
        purpose: &str,
        from: NaiveDate,
        until: Option<NaiveDate>,
    ) -> Result<i64> {
        Ok(self
            .insert(working_group::ActiveModel {
                alliance_id: Set(alliance),
                kind: Set(kind),
                name_zh: Set(zh.into()),
                name_en: Set(en.into()),
                purpose: Set(Some(purpose.into())),
                established_on: Set(from),
                dissolved_on: Set(until),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?
            .id)
    }

    /// A meeting with its attendance (units, or people for the expert committee).
    #[allow(clippy::too_many_arguments)]
    async fn meeting(
        &self,
        alliance: i64,
        kind: MeetingKind,
        title: &str,
        on: NaiveDate,
        body_size: usize,
        units: &[i64],
        people: &[i64],
    ) -> Result<i64> {
        let row = self
            .insert(meeting::ActiveModel {
                alliance_id: Set(alliance),
                kind: Set(kind),
                title: Set(title.into()),
                held_on: Set(on),
                location: Set(Some("银川市".into())),
                body_size: Set(body_size as i32),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        for unit in units {
            self.attend(row.id, Some(*unit), None).await?;
        }
        for person in people {
            self.attend(row.id, None, Some(*person)).await?;
        }
        Ok(row.id)
    }

    async fn attend(
        &self,
        meeting: i64,
        organization: Option<i64>,
        person: Option<i64>,
    ) -> Result<()> {
        self.insert(meeting_attendance::ActiveModel {
            meeting_id: Set(meeting),
            organization_id: Set(organization),
            person_id: Set(person),
            created_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    /// A resolution; it passes with a majority of those present (Annex 2 §一).
    async fn resolve(
        &self,
        meeting: i64,
        kind: R,
        subject: &str,
        votes: (i32, i32, i32),
    ) -> Result<i64> {
        self.resolve_about(meeting, kind, subject, votes, (None, None))
            .await
    }

    /// A resolution about a person and/or a unit (a nominee and their unit, the liable unit, an
    /// admitted member), as the elections recorded from it need.
    async fn resolve_about(
        &self,
        meeting: i64,
        kind: R,
        subject: &str,
        votes: (i32, i32, i32),
        (person, unit): (Option<i64>, Option<i64>),
    ) -> Result<i64> {
        let (yes, no, abstain) = votes;
        Ok(self
            .insert(resolution::ActiveModel {
                meeting_id: Set(meeting),
                kind: Set(kind),
                subject: Set(subject.into()),
                person_id: Set(person),
                organization_id: Set(unit),
                votes_for: Set(yes),
                votes_against: Set(no),
                votes_abstain: Set(abstain),
                passed: Set(yes * 2 > yes + no + abstain),
                created_at: Set(self.stamp),
                ..Default::default()
            })
            .await?
            .id)
    }

    async fn post(&self, alliance: i64, t: Term) -> Result<()> {
        self.insert(post::ActiveModel {
            alliance_id: Set(alliance),
            body: Set(t.body),
            kind: Set(t.kind),
            person_id: Set(t.person),
            organization_id: Set(t.organization),
            working_group_id: Set(t.group),
            term_start: Set(t.start),
            term_end: Set(t.end),
            ended_on: Set(None),
            resolution_id: Set(t.resolution),
            decided_how: Set(t.decided),
            version: Set(1),
            created_at: Set(self.stamp),
            updated_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    /// The council of one five-year term (Annex 2 §一): the general assembly elects the director
    /// units, each represented by one person; the council elects the chair, approves the
    /// vice-chairs the chair nominates and nominates the secretary-general, whom the general
    /// assembly then elects.
    async fn elect_council(&self, alliance: i64, e: Election<'_>) -> Result<()> {
        let seats = e.directors.len() as i32;
        let subject = format!("选举{}理事会理事单位（{seats}家）", e.ordinal);
        let elect_directors = self
            .resolve(
                e.assembly,
                R::ElectDirectors,
                &subject,
                (e.present - 1, 0, 1),
            )
            .await?;
        let title = format!("{}理事会第一次会议", e.ordinal);
        let council = self
            .meeting(
                alliance,
                MeetingKind::Council,
                &title,
                e.held_on,
                e.directors.len(),
                e.directors,
                &[],
            )
            .await?;
        let chair_person = self.contact(e.chair)?;
        let elect_chair = self
            .resolve_about(
                council,
                R::ElectChair,
                "选举理事长（任期五年，可连任）",
                (seats, 0, 0),
                (Some(chair_person), Some(e.chair)),
            )
            .await?;
        // One vote per vice-chair the chair nominates.
        let mut approve_vices = Vec::new();
        for &unit in e.vice_chairs {
            let vote = self
                .resolve_about(
                    council,
                    R::ApproveViceChairs,
                    "表决通过理事长提名的副理事长人选",
                    (seats - 1, 0, 1),
                    (Some(self.contact(unit)?), Some(unit)),
                )
                .await?;
            approve_vices.push((unit, vote));
        }
        let nominee = (Some(e.secretary_general), Some(e.chair));
        self.resolve_about(
            council,
            R::NominateSecretaryGeneral,
            "提名秘书长人选，提请成员大会选举",
            (seats, 0, 0),
            nominee,
        )
        .await?;
        let elect_sg = self
            .resolve_about(
                e.assembly,
                R::ElectSecretaryGeneral,
                "选举联盟秘书长",
                (e.present, 0, 0),
                nominee,
            )
            .await?;
        let term = |kind, person, unit, resolution, decided| Term {
            body: Body::Council,
            kind,
            person,
            organization: Some(unit),
            group: None,
            start: e.start,
            end: Some(e.end),
            resolution: Some(resolution),
            decided,
        };
        for &unit in e.directors {
            let person = self.contact(unit)?;
            self.post(
                alliance,
                term(
                    PostKind::Director,
                    person,
                    unit,
                    elect_directors,
                    Decision::GeneralAssemblyElection,
                ),
            )
            .await?;
            if unit == e.chair {
                self.post(
                    alliance,
                    term(
                        PostKind::Chair,
                        person,
                        unit,
                        elect_chair,
                        Decision::CouncilElection,
                    ),
                )
                .await?;
            }
            if let Some((_, approved)) = approve_vices.iter().find(|(vice, _)| *vice == unit) {
                self.post(
                    alliance,
                    term(
                        PostKind::ViceChair,
                        person,
                        unit,
                        *approved,
                        Decision::ChairNominationCouncilApproval,
                    ),
                )
                .await?;
            }
        }
        let secretary_general = Term {
            body: Body::Secretariat,
            kind: PostKind::SecretaryGeneral,
            decided: Decision::CouncilNominationAssemblyElection,
            ..term(
                PostKind::SecretaryGeneral,
                e.secretary_general,
                e.chair,
                elect_sg,
                Decision::CouncilNominationAssemblyElection,
            )
        };
        self.post(alliance, secretary_general).await
    }

    async fn new_materials_alliance(&mut self) -> Result<()> {
        let association = self.institution("NXNMA")?;
        let nxu = self.institution("NXU")?;
        // North Minzu University, not the SJTU Yinchuan institute: that one opened in 2021, after
        // this alliance was initiated (2020).
        let nmu = self.institution("NMU")?;
        let rare = self.leader("NMAT-02")?.id;
        let crystal = self.leader("NMAT-04")?.id;
        let battery = self.leader("NMAT-07")?.id;
        let alloys = self.leader("NMAT-03")?.id;
        let initiators = [association, rare, crystal, battery, nxu, nmu];

        let (initiative, consultation, drafting, bodies, founding) = (
            date(2020, 3, 16),
            date(2020, 4, 20),
            date(2020, 6, 15),
            date(2020, 9, 10),
            date(2020, 11, 26),
        );
        let a = self
            .alliance(
                "YMA-NMAT",
                "银川都市圈新材料产业联盟",
                "Yinchuan Metropolitan Area New Materials Industry Alliance",
                SectorCode::NewMaterials,
                Stage::Founded,
                (association, FormationMode::Other, initiative),
            )
            .await?;
        self.stages(
            a.id,
            &[
                (
                    Stage::Initiative,
                    initiative,
                    "宁夏新材料行业协会联合五家单位发出倡议，自荐为召集人",
                ),
                (
                    Stage::Consultation,
                    consultation,
                    "成立筹建工作小组，制定组建方案和时间表",
                ),
                (
                    Stage::CharterDrafting,
                    drafting,
                    "起草联盟章程及议事、财务、新成员吸收管理办法",
                ),
                (
                    Stage::BodiesFormed,
                    bodies,
                    "组建专家委员会、理事会筹备组、秘书处和工作组",
                ),
                (
                    Stage::Founded,
                    founding,
                    "召开联盟成立大会，签署章程，选举理事会、理事长和秘书长",
                ),
            ],
        )
        .await?;

        // Members: the initiators, then metro-area units of the chain that joined at the founding.
        for unit in initiators {
            self.member(
                a.id,
                Member {
                    organization: unit,
                    status: Status::Active,
                    initiator: true,
                    applied: initiative,
                    joined: Some(initiative),
                    left: None,
                    reason: None,
                },
            )
            .await?;
        }
        let mut founders: Vec<i64> = initiators.to_vec();
        for segment in [
            "NMAT-01", "NMAT-03", "NMAT-04", "NMAT-05", "NMAT-06", "NMAT-07", "NMAT-08", "NMAT-09",
            "NMAT-10",
        ] {
            for n in 0..2 {
                let unit = self.nth_of(segment, n)?.id;
                if !founders.contains(&unit) {
                    founders.push(unit);
                }
            }
        }
        for key in ["NIST", "YCUST"] {
            founders.push(self.institution(key)?);
        }
        let withdrawn = founders[founders.len() - 3];
        for unit in &founders[initiators.len()..] {
            let left = (*unit == withdrawn).then(|| date(2023, 6, 30));
            let status = if left.is_some() {
                Status::Withdrawn
            } else {
                Status::Active
            };
            self.member(
                a.id,
                Member {
                    organization: *unit,
                    status,
                    initiator: false,
                    applied: date(2020, 9, 21),
                    joined: Some(founding),
                    left,
                    reason: None,
                },
            )
            .await?;
        }
        // Open membership after founding (Annex 1 §5): one admitted, one refused, one pending.
        let admitted = self.nth_of("NMAT-02", 1)?.id;
        let admission = self
            .member(
                a.id,
                Member {
                    organization: admitted,
                    status: Status::Active,
                    initiator: false,
                    applied: date(2022, 10, 12),
                    joined: Some(date(2022, 12, 9)),
                    left: None,
                    reason: Some("符合新成员吸收管理办法，经成员大会审议通过"),
                },
            )
            .await?;
        let outside = self
            .enterprises
            .iter()
            .find(|e| e.segment == "NMAT-04" && e.municipality.is_none())
            .map(|e| e.id)
            .ok_or_else(|| Error::internal("seed: no outside unit"))?;
        self.member(
            a.id,
            Member {
                organization: outside,
                status: Status::Rejected,
                initiator: false,
                applied: date(2022, 10, 12),
                joined: None,
                left: None,
                reason: Some("企业不在三市一基地范围内（附件1第三条）"),
            },
        )
        .await?;
        let pending = self.nth_of("NMAT-10", 2)?.id;
        self.member(
            a.id,
            Member {
                organization: pending,
                status: Status::Applied,
                initiator: false,
                applied: date(2026, 10, 20),
                joined: None,
                left: None,
                reason: None,
            },
        )
        .await?;

        // Consultation: the preparatory working group, coordinated by the convener.
        let preparatory = self
            .group(
                a.id,
                WorkingGroupKind::Preparatory,
                "筹建工作小组",
                "Preparatory working group",
                "制定组建方案和时间表",
                consultation,
                Some(founding),
            )
            .await?;
        for unit in initiators {
            let kind = if unit == association {
                PostKind::Convener
            } else {
                PostKind::GroupMember
            };
            self.post(
                a.id,
                Term {
                    body: Body::PreparatoryGroup,
                    kind,
                    person: self.contact(unit)?,
                    organization: Some(unit),
                    group: Some(preparatory),
                    start: consultation,
                    end: Some(founding),
                    resolution: None,
                    decided: Decision::InitiatorAgreement,
                },
            )
            .await?;
        }

        // Charter drafting: every initiating unit consents to v1.0, adopted on 28 August. The
        // charter gives the council's other posts the chair's five-year span and makes the
        // general assembly admit new members; the supporting rules are drafted with it.
        for (i, unit) in initiators.iter().enumerate() {
            self.consent(a.id, *unit, "v1.0", date(2020, 7, 1 + 7 * i as u32))
                .await?;
        }
        let adopted = date(2020, 8, 28);
        let charter = Parameters {
            director_term_years: Some(5),
            vice_chair_term_years: Some(5),
            secretary_general_term_years: Some(5),
            admission_body: AdmissionBody::GeneralAssembly,
            ..Parameters::default()
        };
        self.charter(
            a.id,
            "v1.0",
            (drafting, Some(adopted), Some(founding)),
            &charter,
        )
        .await?;
        for (kind, title, summary) in [
            (
                SupportingRuleKind::DecisionMaking,
                "银川都市圈新材料产业联盟议事规则",
                "成员大会、理事会议和专家委员会评审会的召集、表决和记录",
            ),
            (
                SupportingRuleKind::FinancialManagement,
                "银川都市圈新材料产业联盟财务管理办法",
                "会费和项目经费的收取、使用、审批与公开",
            ),
            (
                SupportingRuleKind::MemberAdmission,
                "银川都市圈新材料产业联盟新成员吸收管理办法",
                "申请、秘书处初审、成员大会审议通过后加入，并签署联盟协议",
            ),
        ] {
            self.supporting_rule(a.id, kind, title, adopted, summary)
                .await?;
        }

        // Bodies: expert committee (three from member units, two external), working groups.
        let mut experts = vec![
            self.person_of(nxu, 0)?,
            self.person_of(nmu, 1)?,
            self.person_of(rare, 1)?,
        ];
        let external_one = self
            .person(None, "教授级高级工程师（外聘专家）", "experts.example")
            .await?;
        let external_two = self
            .person(None, "研究员（外聘专家）", "experts.example")
            .await?;
        experts.extend([external_one, external_two]);
        for (i, person) in experts.iter().enumerate() {
            let organization = match i {
                0 => Some(nxu),
                1 => Some(nmu),
                2 => Some(rare),
                _ => None,
            };
            self.post(
                a.id,
                Term {
                    body: Body::ExpertCommittee,
                    kind: PostKind::Expert,
                    person: *person,
                    organization,
                    group: None,
                    start: bodies,
                    end: None,
                    resolution: None,
                    decided: Decision::Appointment,
                },
            )
            .await?;
        }
        let policy = self
            .group(
                a.id,
                WorkingGroupKind::PolicyResearch,
                "政策研究组",
                "Policy research group",
                "研究产业政策，提出支持措施建议",
                bodies,
                None,
            )
            .await?;
        let standards = self
            .group(
                a.id,
                WorkingGroupKind::Standards,
                "标准工作组",
                "Standards group",
                "组织制定团体标准",
                bodies,
                None,
            )
            .await?;
        let projects = self
            .group(
                a.id,
                WorkingGroupKind::ProjectManagement,
                "项目管理组",
                "Project management group",
                "管理联合攻关项目",
                bodies,
                None,
            )
            .await?;
        for (group, unit) in [
            (policy, association),
            (standards, crystal),
            (projects, rare),
        ] {
            self.post(
                a.id,
                Term {
                    body: Body::WorkingGroup,
                    kind: PostKind::GroupLead,
                    person: self.contact(unit)?,
                    organization: Some(unit),
                    group: Some(group),
                    start: bodies,
                    end: None,
                    resolution: None,
                    decided: Decision::Appointment,
                },
            )
            .await?;
        }

        // Founding assembly, with the first council meeting the same day.
        let present: Vec<i64> = founders.iter().copied().take(founders.len() - 1).collect();
        let n = present.len() as i32;
        let assembly = self
            .meeting(
                a.id,
                MeetingKind::FoundingAssembly,
                "银川都市圈新材料产业联盟成立大会",
                founding,
                founders.len(),
                &present,
                &[],
            )
            .await?;
        self.resolve(
            assembly,
            R::SignCharter,
            "审议并签署《银川都市圈新材料产业联盟章程》v1.0",
            (n, 0, 0),
        )
        .await?;
        self.resolve_about(
            assembly,
            R::NameLiabilityUnit,
            "确定宁夏新材料行业协会为联盟对外承担责任的主体",
            (n, 0, 0),
            (None, Some(association)),
        )
        .await?;
        let directors = [
            association,
            rare,
            crystal,
            battery,
            alloys,
            nxu,
            nmu,
            self.nth_of("NMAT-01", 0)?.id,
            self.nth_of("NMAT-08", 0)?.id,
        ];
        let secretary_general = self.person_of(association, 1)?;
        let first_term = Election {
            assembly,
            present: n,
            ordinal: "第一届",
            held_on: founding,
            directors: &directors,
            chair: association,
            vice_chairs: &[rare, crystal],
            secretary_general,
            start: founding,
            end: date(2025, 11, 25),
        };
        self.elect_council(a.id, first_term).await?;
        // The founders sign the alliance agreement; the unit admitted in 2022 accedes to it.
        let agreement = self
            .insert(agreement::ActiveModel {
                alliance_id: Set(a.id),
                agreement_version: Set("v1.0".into()),
                signed_on: Set(founding),
                liable_unit_id: Set(association),
                summary: Set(Some(
                    "成员单位的权利、义务和任务分工；宁夏新材料行业协会为对外承担责任的主体".into(),
                )),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        let tasks = |unit: i64| match unit {
            u if u == association => Some("秘书处日常工作、对外联络和政策研究"),
            u if u == rare => Some("牵头高纯钽粉联合攻关"),
            u if u == crystal => Some("牵头光伏用石英坩埚团体标准"),
            _ => None,
        };
        let parties = founders.iter().map(|u| (*u, founding, None)).chain([(
            admitted,
            date(2022, 12, 9),
            Some(admission),
        )]);
        for (unit, on, membership) in parties {
            self.insert(agreement_party::ActiveModel {
                agreement_id: Set(agreement.id),
                alliance_id: Set(a.id),
                organization_id: Set(unit),
                rights: Set(None),
                duties: Set(None),
                tasks: Set(tasks(unit).map(str::to_owned)),
                acceded_on: Set(on),
                membership_id: Set(membership),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        }
        self.resolve(
            assembly,
            R::DeclareFounded,
            "宣布银川都市圈新材料产业联盟成立",
            (n, 0, 0),
        )
        .await?;

        // After its withdrawal (2023-06-30) a unit no longer sits in the assembly.
        let staying: Vec<i64> = present
            .iter()
            .copied()
            .filter(|u| *u != withdrawn)
            .collect();
        // The assembly's body is every member that day: the founders, less the withdrawn unit
        // after it left, plus the unit the 2022 assembly admitted (a member from that day).
        let assembly_of = |on: NaiveDate| {
            let admitted = usize::from(on >= date(2022, 12, 9));
            if on > date(2023, 6, 30) {
                (&staying, founders.len() - 1 + admitted)
            } else {
                (&present, founders.len() + admitted)
            }
        };
        // Governed since: yearly assemblies, a new member admitted, projects reviewed.
        for (year, month, day) in [
            (2021, 12, 10),
            (2022, 12, 9),
            (2023, 12, 15),
            (2024, 12, 13),
        ] {
            let title = format!("{year}年度联盟成员大会");
            let (attending, body) = assembly_of(date(year, month, day));
            let held = self
                .meeting(
                    a.id,
                    MeetingKind::GeneralAssembly,
                    &title,
                    date(year, month, day),
                    body,
                    attending,
                    &[],
                )
                .await?;
            let votes = (attending.len() as i32 - 2, 1, 1);
            let reviewed = self
                .resolve(
                    held,
                    R::ReviewReport,
                    "审议年度工作报告和下年度工作计划",
                    votes,
                )
                .await?;
            self.yearly_reports(
                a.id,
                year,
                date(year, month, day) - chrono::Days::new(14),
                Some((reviewed, date(year, month, day))),
            )
            .await?;
            if year == 2022 {
                self.resolve_about(
                    held,
                    R::AdmitMembers,
                    "审议通过吸收新成员",
                    votes,
                    (None, Some(admitted)),
                )
                .await?;
            } else {
                self.resolve(held, R::RaiseAndUseFunds, "审议经费筹集和使用情况", votes)
                    .await?;
            }
        }
        let review = self
            .meeting(
                a.id,
                MeetingKind::ExpertReview,
                "专家委员会2021年第一次评审会",
                date(2021, 4, 8),
                experts.len(),
                &[],
                &experts,
            )
            .await?;
        self.resolve(
            review,
            R::ReviewProject,
            "评审《高纯钽粉制备关键技术联合攻关》可行性、预算和实施计划",
            (5, 0, 0),
        )
        .await?;
        let p1 = self
            .project(
                a.id,
                "YMA-NMAT-P001",
                "高纯钽粉制备关键技术联合攻关",
                "Joint research on high-purity tantalum powder",
                ProjectKind::JointRnd,
                28_000_000,
                ProjectStage::InProgress,
                date(2021, 3, 15),
                Some((review, date(2021, 4, 8))),
                None,
            )
            .await?;
        for (unit, role) in [
            (rare, ParticipantRole::Lead),
            (nxu, ParticipantRole::Participant),
            (nmu, ParticipantRole::Participant),
            (alloys, ParticipantRole::Participant),
        ] {
            self.participant(p1, unit, role).await?;
        }
        let review_two = self
            .meeting(
                a.id,
                MeetingKind::ExpertReview,
                "专家委员会2022年第二次评审会",
                date(2022, 7, 14),
                experts.len(),
                &[],
                &experts,
            )
            .await?;
        self.resolve(
            review_two,
            R::ReviewProject,
            "评审《光伏用石英坩埚》团体标准制定计划",
            (4, 0, 1),
        )
        .await?;
        let p2 = self
            .project(
                a.id,
                "YMA-NMAT-P002",
                "《光伏用石英坩埚》团体标准",
                "Group standard for PV quartz crucibles",
                ProjectKind::Standard,
                1_200_000,
                ProjectStage::Completed,
                date(2022, 6, 6),
                Some((review_two, date(2022, 7, 14))),
                Some(date(2024, 5, 30)),
            )
            .await?;
        for (unit, role) in [
            (crystal, ParticipantRole::Lead),
            (self.nth_of("NMAT-05", 0)?.id, ParticipantRole::Participant),
        ] {
            self.participant(p2, unit, role).await?;
        }
        let p3 = self
            .project(
                a.id,
                "YMA-NMAT-P003",
                "锂电正极材料产业化中试",
                "Pilot industrialisation of cathode materials",
                ProjectKind::Industrialisation,
                46_000_000,
                ProjectStage::Proposed,
                date(2026, 9, 18),
                None,
                None,
            )
            .await?;
        self.participant(p3, battery, ParticipantRole::Lead).await?;

        // The second term: chair re-elected (re-election is allowed), one vice-chair changed.
        let (attending, body) = assembly_of(date(2025, 11, 20));
        let assembly_two = self
            .meeting(
                a.id,
                MeetingKind::GeneralAssembly,
                "2025年度联盟成员大会（换届）",
                date(2025, 11, 20),
                body,
                attending,
                &[],
            )
            .await?;
        let votes = (attending.len() as i32 - 1, 0, 1);
        let reviewed = self
            .resolve(
                assembly_two,
                R::ReviewReport,
                "审议2025年度工作报告和2026年度工作计划",
                votes,
            )
            .await?;
        self.yearly_reports(
            a.id,
            2025,
            date(2025, 11, 6),
            Some((reviewed, date(2025, 11, 20))),
        )
        .await?;
        let second_term = Election {
            assembly: assembly_two,
            present: attending.len() as i32,
            ordinal: "第二届",
            held_on: date(2025, 11, 20),
            directors: &directors,
            chair: association,
            vice_chairs: &[rare, battery],
            secretary_general,
            start: date(2025, 11, 26),
            end: date(2030, 11, 25),
        };
        self.elect_council(a.id, second_term).await?;

        let mut founded = alliance::ActiveModel::from(a);
        founded.chair_unit_id = Set(Some(association));
        founded.secretariat_unit_id = Set(Some(association));
        founded.liability_unit_id = Set(Some(association));
        founded.charter_version = Set(Some("v1.0".into()));
        founded.charter_adopted_on = Set(Some(date(2020, 8, 28)));
        founded.charter_signed_on = Set(Some(founding));
        founded.founded_on = Set(Some(founding));
        self.insert_update(founded).await
    }

    async fn chemicals_alliance(&mut self) -> Result<()> {
        let ctl = self.leader("CHEM-03")?.id;
        let olefins = self.leader("CHEM-04")?.id;
        let fibres = self.leader("CHEM-08")?.id;
        let nxu = self.institution("NXU")?;
        let initiators = [olefins, ctl, fibres, nxu];
        let (initiative, consultation, drafting) =
            (date(2025, 3, 18), date(2025, 5, 12), date(2025, 9, 1));
        let a = self
            .alliance(
                "YMA-CHEM",
                "银川都市圈化工产业联盟",
                "Yinchuan Metropolitan Area Chemical Industry Alliance",
                SectorCode::Chemicals,
                Stage::CharterDrafting,
                (olefins, FormationMode::EnterpriseOrganised, initiative),
            )
            .await?;
        self.stages(
            a.id,
            &[
                (
                    Stage::Initiative,
                    initiative,
                    "宁东四家单位联合倡议，由大型骨干企业召集",
                ),
                (Stage::Consultation, consultation, "成立筹建工作小组"),
                (Stage::CharterDrafting, drafting, "起草章程（征求意见稿）"),
            ],
        )
        .await?;
        for unit in initiators {
            self.member(
                a.id,
                Member {
                    organization: unit,
                    status: Status::Active,
                    initiator: true,
                    applied: initiative,
                    joined: Some(initiative),
                    left: None,
                    reason: None,
                },
            )
            .await?;
        }
        for segment in ["CHEM-05", "CHEM-07"] {
            let unit = self.nth_of(segment, 0)?.id;
            self.member(
                a.id,
                Member {
                    organization: unit,
                    status: Status::Applied,
                    initiator: false,
                    applied: date(2025, 10, 9),
                    joined: None,
                    left: None,
                    reason: None,
                },
            )
            .await?;
        }
        let preparatory = self
            .group(
                a.id,
                WorkingGroupKind::Preparatory,
                "筹建工作小组",
                "Preparatory working group",
                "制定组建方案和时间表",
                consultation,
                None,
            )
            .await?;
        for unit in initiators {
            let kind = if unit == olefins {
                PostKind::Convener
            } else {
                PostKind::GroupMember
            };
            self.post(
                a.id,
                Term {
                    body: Body::PreparatoryGroup,
                    kind,
                    person: self.contact(unit)?,
                    organization: Some(unit),
                    group: Some(preparatory),
                    start: consultation,
                    end: None,
                    resolution: None,
                    decided: Decision::InitiatorAgreement,
                },
            )
            .await?;
        }
        // Two of four initiators have consented to the draft so far: adoption must wait.
        self.consent(a.id, olefins, "v0.9", date(2025, 10, 20))
            .await?;
        self.consent(a.id, ctl, "v0.9", date(2025, 11, 3)).await?;
        self.charter(a.id, "v0.9", (drafting, None, None), &Parameters::default())
            .await?;
        let mut drafting_row = alliance::ActiveModel::from(a);
        drafting_row.charter_version = Set(Some("v0.9".into()));
        self.insert_update(drafting_row).await
    }

    async fn equipment_alliance(&mut self) -> Result<()> {
        let castings = self.leader("EQUIP-01")?.id;
        let bearings = self.leader("EQUIP-02")?.id;
        let valves = self.leader("EQUIP-04")?.id;
        let initiative = date(2026, 10, 15);
        let a = self
            .alliance(
                "YMA-EQUIP",
                "银川都市圈先进装备制造产业联盟",
                "Yinchuan Metropolitan Area Advanced Equipment Manufacturing Industry Alliance",
                SectorCode::Equipment,
                Stage::Initiative,
                (bearings, FormationMode::EnterpriseOrganised, initiative),
            )
            .await?;
        self.stages(
            a.id,
            &[(
                Stage::Initiative,
                initiative,
                "三家骨干企业倡议组建，轴承企业自荐为召集人",
            )],
        )
        .await?;
        for unit in [bearings, castings, valves] {
            self.member(
                a.id,
                Member {
                    organization: unit,
                    status: Status::Active,
                    initiator: true,
                    applied: initiative,
                    joined: Some(initiative),
                    left: None,
                    reason: None,
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn insert_update(&self, row: alliance::ActiveModel) -> Result<()> {
        use sea_orm::ActiveModelTrait;
        row.update(self.db).await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn project(
        &self,
        alliance: i64,
        code: &str,
        zh: &str,
        en: &str,
        kind: ProjectKind,
        budget: i64,
        stage: ProjectStage,
        proposed: NaiveDate,
        review: Option<(i64, NaiveDate)>,
        completed: Option<NaiveDate>,
    ) -> Result<i64> {
        let reviewed = review.map(|(_, on)| on);
        let decided = reviewed.map(|on| on + chrono::Days::new(12));
        Ok(self
            .insert(project::ActiveModel {
                alliance_id: Set(alliance),
                code: Set(code.into()),
                title_zh: Set(zh.into()),
                title_en: Set(Some(en.into())),
                kind: Set(kind),
                budget: Set(budget),
                stage: Set(stage),
                summary: Set(Some(format!("{zh}：联盟成员联合实施，产学研协同。"))),
                proposed_on: Set(proposed),
                review_meeting_id: Set(review.map(|(m, _)| m)),
                review_feasibility: Set(review.map(|_| "技术路线可行，具备中试基础".into())),
                review_budget: Set(review.map(|_| "预算结构合理，建议设备费压减5%".into())),
                review_plan: Set(review.map(|_| "计划分三阶段实施，节点明确".into())),
                reviewed_on: Set(reviewed),
                decided_on: Set(decided),
                started_on: Set(decided.map(|on| on + chrono::Days::new(10))),
                completed_on: Set(completed),
                is_demo: Set(true),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?
            .id)
    }

    async fn participant(
        &self,
        project: i64,
        organization: i64,
        role: ParticipantRole,
    ) -> Result<()> {
        self.insert(project_participant::ActiveModel {
            project_id: Set(project),
            organization_id: Set(organization),
            role: Set(role),
            created_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    pub(super) async fn alliance_id(&self, code: &str) -> Result<i64> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        alliance::Entity::find()
            .filter(alliance::Column::Code.eq(code))
            .one(self.db)
            .await?
            .map(|a| a.id)
            .ok_or_else(|| Error::internal("seed: no alliance"))
    }
}
