//! The API's enums: the stored codes of `entity::enums`, exposed under the same names.

use async_graphql::Enum;
use sea_orm::ActiveEnum;

/// A participating department (DOMAIN.md).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::DepartmentCode")]
pub enum DepartmentCode {
    Miit,
    Drc,
    Dst,
    Dof,
    Hrss,
    Doc,
    Tax,
}

/// One of the three cities and one base.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::MunicipalityCode")]
pub enum MunicipalityCode {
    Yinchuan,
    Shizuishan,
    Wuzhong,
    Ningdong,
}

/// A prefecture-level city or the Ningdong base.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::MunicipalityKind")]
pub enum MunicipalityKind {
    City,
    Base,
}

/// A key industry of the plan.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::SectorCode")]
pub enum SectorCode {
    Equipment,
    Chemicals,
    NewMaterials,
}

/// Where a chain segment sits.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::SegmentPosition")]
pub enum SegmentPosition {
    Upstream,
    Midstream,
    Downstream,
}

/// Approval level of an industrial park.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ParkLevel")]
pub enum ParkLevel {
    National,
    Regional,
}

/// What kind of unit an organization is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::OrganizationKind")]
pub enum OrganizationKind {
    Enterprise,
    University,
    ResearchInstitute,
    IndustryAssociation,
    SocialOrganization,
    FinancialInstitution,
}

/// Enterprise size class (large/medium/small/micro).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::EnterpriseScale")]
pub enum EnterpriseScale {
    Large,
    Medium,
    Small,
    Micro,
}

/// A designation an enterprise is granted (the tags of industrial-chain maps).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Designation")]
pub enum Designation {
    /// 规模以上工业企业: main-business revenue of 20 million yuan or more.
    AboveDesignatedSize,
    /// 专精特新“小巨人”企业 (national).
    SrdiLittleGiant,
    /// 自治区专精特新中小企业 (regional).
    SrdiProvincial,
    /// 高新技术企业.
    HighTech,
    /// 制造业单项冠军企业 (national).
    SingleChampion,
    /// 科技型中小企业.
    TechSme,
    /// 国家企业技术中心.
    TechCenterNational,
    /// 自治区企业技术中心.
    TechCenterRegional,
}

/// Formation stage of an alliance, in order (Annex 2 section 2).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::AllianceStage")]
pub enum AllianceStage {
    Initiative,
    Consultation,
    CharterDrafting,
    BodiesFormed,
    Founded,
    Dissolved,
}

/// Where a membership stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::MembershipStatus")]
pub enum MembershipStatus {
    Applied,
    Active,
    Withdrawn,
    Rejected,
}

/// An alliance body in which posts are held.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Body")]
pub enum Body {
    Council,
    ExpertCommittee,
    Secretariat,
    WorkingGroup,
    PreparatoryGroup,
}

/// A post within a body.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PostKind")]
pub enum PostKind {
    Chair,
    ViceChair,
    Director,
    SecretaryGeneral,
    Expert,
    Convener,
    GroupLead,
    GroupMember,
}

/// How a post was decided.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Decision")]
pub enum Decision {
    GeneralAssemblyElection,
    CouncilElection,
    ChairNominationCouncilApproval,
    CouncilNominationAssemblyElection,
    Appointment,
    InitiatorAgreement,
}

/// What a working group works on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::WorkingGroupKind")]
pub enum WorkingGroupKind {
    Preparatory,
    PolicyResearch,
    Standards,
    ProjectManagement,
    Other,
}

/// Kind of meeting.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::MeetingKind")]
pub enum MeetingKind {
    GeneralAssembly,
    Council,
    FoundingAssembly,
    ExpertReview,
}

/// What a resolution decides.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ResolutionKind")]
pub enum ResolutionKind {
    AdoptCharter,
    SignCharter,
    ElectDirectors,
    ElectChair,
    ApproveViceChairs,
    NominateSecretaryGeneral,
    ElectSecretaryGeneral,
    NameLiabilityUnit,
    DeclareFounded,
    ReviewProject,
    AdmitMembers,
    /// The council or the assembly reviews a work plan or a work report.
    ReviewReport,
    AmendCharter,
    AdoptSupportingRule,
    /// The general assembly's powers (Annex 2 §一); only an assembly takes them.
    SetTechnicalDirection,
    SetKeyTasks,
    RaiseAndUseFunds,
    CommercialiseResults,
    Other,
}

/// What joint work produced (plan §二 二是).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ResultKind")]
pub enum ResultKind {
    Patent,
    /// Software copyrights, know-how and other intellectual property.
    OtherIntellectualProperty,
    Standard,
    NewProduct,
}

/// A plan or report of an alliance (Annex 2 §一).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ReportKind")]
pub enum ReportKind {
    /// 年度工作计划, by the secretariat.
    WorkPlan,
    /// 年度工作报告, by the secretariat.
    WorkReport,
    /// The expert committee's report to the members.
    ExpertCommitteeReport,
}

/// How an alliance is organised (plan §三: 政府组织或企业组织等方式).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::FormationMode")]
pub enum FormationMode {
    GovernmentOrganised,
    EnterpriseOrganised,
    /// Another way (an association, a university, …).
    Other,
}

/// A share of a whole a vote must reach: a quorum of the body, a majority of those present.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Threshold")]
pub enum Threshold {
    /// No minimum (a quorum the charter does not require).
    None,
    AtLeastHalf,
    MoreThanHalf,
    AtLeastTwoThirds,
    AtLeastThreeQuarters,
    All,
}

/// The body a charter makes responsible for admitting new members.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::AdmissionBody")]
pub enum AdmissionBody {
    Secretariat,
    Council,
    GeneralAssembly,
}

/// A supporting rule of the charter (Annex 2 §二(三)).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::SupportingRuleKind")]
pub enum SupportingRuleKind {
    /// 议事规则
    DecisionMaking,
    /// 财务管理制度
    FinancialManagement,
    /// 吸收新成员管理办法
    MemberAdmission,
    Other,
}

/// Kind of joint project.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ProjectKind")]
pub enum ProjectKind {
    JointRnd,
    Industrialisation,
    Standard,
}

/// Stage of a joint project.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ProjectStage")]
pub enum ProjectStage {
    Proposed,
    UnderReview,
    Approved,
    Rejected,
    InProgress,
    Completed,
}

/// Role of a unit in a project.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ParticipantRole")]
pub enum ParticipantRole {
    Lead,
    Participant,
}

/// Kind of support measure (plan section 4).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::SupportKind")]
pub enum SupportKind {
    RndFund,
    TechCenter,
    Talent,
    TaxIncentive,
    IndustryFund,
    Financing,
    MarketExpansion,
}

/// Where a support measure stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::SupportStatus")]
pub enum SupportStatus {
    Planned,
    Granted,
    Disbursed,
    Revoked,
}

/// Whether an audited mutation was allowed.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::AuditOutcome")]
pub enum AuditOutcome {
    Allowed,
    Denied,
}

/// The stored code of an API enum value (for filters).
pub trait Code {
    fn code(self) -> String;
}

macro_rules! stored_codes {
    ($($name:ident),*) => {$(
        impl Code for $name {
            fn code(self) -> String {
                entity::enums::$name::from(self).to_value()
            }
        }
    )*};
}

stored_codes!(
    DepartmentCode,
    MunicipalityCode,
    MunicipalityKind,
    SectorCode,
    SegmentPosition,
    ParkLevel,
    OrganizationKind,
    EnterpriseScale,
    Designation,
    AllianceStage,
    MembershipStatus,
    Body,
    PostKind,
    Decision,
    WorkingGroupKind,
    MeetingKind,
    ResolutionKind,
    ProjectKind,
    ProjectStage,
    ParticipantRole,
    SupportKind,
    SupportStatus,
    AuditOutcome
);
