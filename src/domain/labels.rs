//! Display labels, in Chinese and English, for every coded value the API shows: one table, read
//! by the `labels` query, by statistics keys and by exports, so that a chart never shows a code.
//! Reference rows (municipalities, sectors, parks, …) carry their own names in the database; the
//! codes of their fixed enumerations are labelled here as well, with the official names.

use entity::enums::{
    AdmissionBody, AllianceStage, AuditOutcome, Body, Decision, DepartmentCode, Designation,
    EnterpriseScale, FormationMode, MeetingKind, MembershipStatus, MunicipalityCode,
    MunicipalityKind, OrganizationKind, ParkLevel, ParticipantRole, PostKind, ProjectKind,
    ProjectStage, ReportKind, ResolutionKind, ResultKind, SectorCode, SegmentPosition, SupportKind,
    SupportStatus, SupportingRuleKind, Threshold, WorkingGroupKind,
};
use sea_orm::Iterable;
use serde::{Serialize, de::DeserializeOwned};

/// A value's name for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub zh: &'static str,
    pub en: &'static str,
}

/// A coded enumeration with a label for each value.
pub trait Labelled: Iterable + Serialize + DeserializeOwned + Copy {
    /// The enumeration's name in the API.
    const NAME: &'static str;

    fn label(self) -> Label;

    /// The value's code in the API (`LARGE`, `NEW_MATERIALS`).
    fn code(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(code)) => code,
            _ => String::new(),
        }
    }

    /// The value of an API code, if it is one.
    fn parse(code: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
    }
}

/// One value of an enumeration, labelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueLabel {
    pub code: String,
    pub label: Label,
}

/// An enumeration and the labels of all its values, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumLabels {
    pub name: &'static str,
    pub values: Vec<ValueLabel>,
}

fn labels_of<E: Labelled>() -> EnumLabels {
    EnumLabels {
        name: E::NAME,
        values: E::iter()
            .map(|value| ValueLabel {
                code: value.code(),
                label: value.label(),
            })
            .collect(),
    }
}

/// The label of a code of the named enumeration (`("EnterpriseScale", "LARGE")`).
pub fn label_of(enumeration: &str, code: &str) -> Option<Label> {
    LOOKUPS
        .iter()
        .find(|(name, _)| *name == enumeration)
        .and_then(|(_, lookup)| lookup(code))
        .or_else(|| {
            ANSWER_CODES
                .iter()
                .find(|(name, _)| *name == enumeration)
                .and_then(|(_, values)| values.iter().find(|(c, _)| *c == code))
                .map(|(_, label)| *label)
        })
}

/// Every labelled enumeration: the stored codes, then the codes answers carry.
pub fn catalogue() -> Vec<EnumLabels> {
    let mut all = stored_catalogue();
    all.extend(ANSWER_CODES.iter().map(|(name, values)| {
        EnumLabels {
            name,
            values: values
                .iter()
                .map(|(code, label)| ValueLabel {
                    code: (*code).to_owned(),
                    label: *label,
                })
                .collect(),
        }
    }));
    all
}

const fn label(zh: &'static str, en: &'static str) -> Label {
    Label { zh, en }
}

/// Codes that are no stored value but that answers carry and charts show: how a statistics cell
/// was protected, and how precisely a point places a unit.
const ANSWER_CODES: &[(&str, &[(&str, Label)])] = &[
    (
        "CellProtection",
        &[
            ("NONE", label("精确值", "Exact")),
            (
                "SUPPRESSED_THRESHOLD",
                label("单位数不足，不予公布", "Suppressed: too few units"),
            ),
            (
                "SUPPRESSED_DOMINANCE",
                label(
                    "单一单位占比过高，不予公布",
                    "Suppressed: one unit dominates",
                ),
            ),
            (
                "SUPPRESSED_SECONDARY",
                label(
                    "为保护其他单元，不予公布",
                    "Suppressed to protect another cell",
                ),
            ),
            ("PERTURBED", label("已加扰动", "Perturbed")),
        ],
    ),
    (
        "LocationPrecision",
        &[
            ("EXACT", label("精确位置", "Exact position")),
            ("PARK", label("园区中心", "Park centre")),
            ("MUNICIPALITY", label("市（基地）中心", "City centre")),
        ],
    ),
];

macro_rules! labels {
    ($($enum:ident { $($variant:ident => $zh:literal, $en:literal;)+ })+) => {
        $(impl Labelled for $enum {
            const NAME: &'static str = stringify!($enum);
            fn label(self) -> Label {
                match self { $(Self::$variant => Label { zh: $zh, en: $en }),+ }
            }
        })+

        /// Every enumeration of stored codes, labelled.
        fn stored_catalogue() -> Vec<EnumLabels> {
            vec![$(labels_of::<$enum>()),+]
        }

        type Lookup = fn(&str) -> Option<Label>;
        const LOOKUPS: &[(&str, Lookup)] = &[
            $((stringify!($enum), |code| $enum::parse(code).map(Labelled::label))),+
        ];
    };
}

labels! {
    DepartmentCode {
        Miit => "自治区工业和信息化厅", "Department of Industry and Information Technology";
        Drc => "自治区发展和改革委员会", "Development and Reform Commission";
        Dst => "自治区科学技术厅", "Department of Science and Technology";
        Dof => "自治区财政厅", "Department of Finance";
        Hrss => "自治区人力资源和社会保障厅", "Department of Human Resources and Social Security";
        Doc => "自治区商务厅", "Department of Commerce";
        Tax => "国家税务总局宁夏回族自治区税务局", "Ningxia Tax Service";
    }
    MunicipalityCode {
        Yinchuan => "银川市", "Yinchuan";
        Shizuishan => "石嘴山市", "Shizuishan";
        Wuzhong => "吴忠市", "Wuzhong";
        Ningdong => "宁东能源化工基地", "Ningdong Base";
    }
    MunicipalityKind {
        City => "市", "City";
        Base => "基地", "Base";
    }
    SectorCode {
        Equipment => "先进装备制造", "Advanced equipment manufacturing";
        Chemicals => "化工", "Chemicals";
        NewMaterials => "新材料", "New materials";
    }
    SegmentPosition {
        Upstream => "上游", "Upstream";
        Midstream => "中游", "Midstream";
        Downstream => "下游", "Downstream";
    }
    ParkLevel {
        National => "国家级", "National";
        Regional => "自治区级", "Regional";
    }
    OrganizationKind {
        Enterprise => "企业", "Enterprise";
        University => "高等院校", "University";
        ResearchInstitute => "科研院所", "Research institute";
        IndustryAssociation => "行业协会", "Industry association";
        SocialOrganization => "社会组织", "Social organisation";
        FinancialInstitution => "金融机构", "Financial institution";
    }
    EnterpriseScale {
        Large => "大型", "Large";
        Medium => "中型", "Medium";
        Small => "小型", "Small";
        Micro => "微型", "Micro";
    }
    Designation {
        AboveDesignatedSize => "规模以上工业企业", "Above designated size";
        SrdiLittleGiant => "专精特新“小巨人”企业", "Specialised and innovative \"little giant\"";
        SrdiProvincial => "自治区专精特新中小企业", "Specialised and innovative SME (regional)";
        HighTech => "高新技术企业", "High-tech enterprise";
        SingleChampion => "制造业单项冠军企业", "Manufacturing single champion";
        TechSme => "科技型中小企业", "Technology-based SME";
        TechCenterNational => "国家企业技术中心", "National enterprise technology centre";
        TechCenterRegional => "自治区企业技术中心", "Regional enterprise technology centre";
    }
    AllianceStage {
        Initiative => "酝酿发起", "Initiative";
        Consultation => "协商筹备", "Consultation";
        CharterDrafting => "起草章程", "Charter drafting";
        BodiesFormed => "组建机构", "Bodies formed";
        Founded => "正式成立", "Founded";
        Dissolved => "已解散", "Dissolved";
    }
    MembershipStatus {
        Applied => "申请中", "Applied";
        Active => "成员", "Active";
        Withdrawn => "已退出", "Withdrawn";
        Rejected => "未获批准", "Rejected";
    }
    Body {
        Council => "理事会", "Council";
        ExpertCommittee => "专家委员会", "Expert committee";
        Secretariat => "秘书处", "Secretariat";
        WorkingGroup => "工作组", "Working group";
        PreparatoryGroup => "筹备组", "Preparatory group";
    }
    PostKind {
        Chair => "理事长", "Chair";
        ViceChair => "副理事长", "Vice-chair";
        Director => "理事", "Director";
        SecretaryGeneral => "秘书长", "Secretary-general";
        Expert => "专家", "Expert";
        Convener => "召集人", "Convener";
        GroupLead => "组长", "Group lead";
        GroupMember => "组员", "Group member";
    }
    Decision {
        GeneralAssemblyElection => "成员大会选举", "Elected by the general assembly";
        CouncilElection => "理事会选举", "Elected by the council";
        ChairNominationCouncilApproval => "理事长提名、理事会表决通过", "Nominated by the chair, approved by the council";
        CouncilNominationAssemblyElection => "理事会提名、成员大会选举", "Nominated by the council, elected by the assembly";
        Appointment => "聘任", "Appointment";
        InitiatorAgreement => "发起单位协商", "Agreed by the initiators";
    }
    WorkingGroupKind {
        Preparatory => "筹备", "Preparatory";
        PolicyResearch => "政策研究", "Policy research";
        Standards => "标准", "Standards";
        ProjectManagement => "项目管理", "Project management";
        Other => "其他", "Other";
    }
    MeetingKind {
        GeneralAssembly => "成员大会", "General assembly";
        Council => "理事会议", "Council meeting";
        FoundingAssembly => "成立大会", "Founding assembly";
        ExpertReview => "专家评审会", "Expert review";
    }
    ResolutionKind {
        AdoptCharter => "通过章程", "Adopt the charter";
        SignCharter => "签署章程", "Sign the charter";
        ElectDirectors => "选举理事", "Elect directors";
        ElectChair => "选举理事长", "Elect the chair";
        ApproveViceChairs => "表决副理事长", "Approve vice-chairs";
        NominateSecretaryGeneral => "提名秘书长", "Nominate the secretary-general";
        ElectSecretaryGeneral => "选举秘书长", "Elect the secretary-general";
        NameLiabilityUnit => "确定责任单位", "Name the liable unit";
        DeclareFounded => "宣布成立", "Declare the alliance founded";
        ReviewProject => "评审项目", "Review a project";
        AdmitMembers => "吸收新成员", "Admit members";
        ReviewReport => "审议工作计划或报告", "Review a work plan or report";
        AmendCharter => "修改章程", "Amend the charter";
        AdoptSupportingRule => "通过配套制度", "Adopt a supporting rule";
        SetTechnicalDirection => "确定技术方向", "Set the technical direction";
        SetKeyTasks => "确定重点任务", "Set key tasks";
        RaiseAndUseFunds => "经费筹集与使用", "Raise and use funds";
        CommercialiseResults => "成果转化与收益分享", "Commercialise results and share returns";
        Other => "其他", "Other";
    }
    FormationMode {
        GovernmentOrganised => "政府组织", "Organised by government";
        EnterpriseOrganised => "企业组织", "Organised by enterprises";
        Other => "其他方式", "Organised otherwise";
    }
    ResultKind {
        Patent => "专利", "Patent";
        OtherIntellectualProperty => "其他知识产权", "Other intellectual property";
        Standard => "标准", "Standard";
        NewProduct => "新产品", "New product";
    }
    ReportKind {
        WorkPlan => "年度工作计划", "Annual work plan";
        WorkReport => "年度工作报告", "Annual work report";
        ExpertCommitteeReport => "专家委员会报告", "Expert committee report";
    }
    Threshold {
        None => "不设", "None";
        AtLeastHalf => "半数以上（含半数）", "At least half";
        MoreThanHalf => "过半数", "More than half";
        AtLeastTwoThirds => "三分之二以上（含）", "At least two thirds";
        AtLeastThreeQuarters => "四分之三以上（含）", "At least three quarters";
        All => "全体", "All";
    }
    AdmissionBody {
        Secretariat => "秘书处", "Secretariat";
        Council => "理事会", "Council";
        GeneralAssembly => "成员大会", "General assembly";
    }
    SupportingRuleKind {
        DecisionMaking => "议事规则", "Decision-making rules";
        FinancialManagement => "财务管理制度", "Financial management rules";
        MemberAdmission => "吸收新成员管理办法", "Member admission rules";
        Other => "其他制度", "Other rules";
    }
    ProjectKind {
        JointRnd => "联合研发", "Joint R&D";
        Industrialisation => "成果产业化", "Industrialisation";
        Standard => "标准制定", "Standard";
    }
    ProjectStage {
        Proposed => "已提出", "Proposed";
        UnderReview => "评审中", "Under review";
        Approved => "已批准", "Approved";
        Rejected => "未通过", "Rejected";
        InProgress => "实施中", "In progress";
        Completed => "已完成", "Completed";
    }
    ParticipantRole {
        Lead => "牵头单位", "Lead";
        Participant => "参与单位", "Participant";
    }
    SupportKind {
        RndFund => "研发资金", "R&D funding";
        TechCenter => "技术中心认定", "Technology centre";
        Talent => "人才支持", "Talent";
        TaxIncentive => "税收优惠", "Tax incentive";
        IndustryFund => "产业基金", "Industry fund";
        Financing => "融资支持", "Financing";
        MarketExpansion => "市场开拓", "Market expansion";
    }
    SupportStatus {
        Planned => "计划中", "Planned";
        Granted => "已批准", "Granted";
        Disbursed => "已拨付", "Disbursed";
        Revoked => "已撤销", "Revoked";
    }
    AuditOutcome {
        Allowed => "已执行", "Allowed";
        Denied => "已拒绝", "Denied";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_of_every_enumeration_has_both_labels() {
        for enumeration in catalogue() {
            assert!(!enumeration.values.is_empty(), "{}", enumeration.name);
            for value in enumeration.values {
                assert!(!value.code.is_empty(), "{}", enumeration.name);
                assert!(!value.label.zh.is_empty() && !value.label.en.is_empty());
                assert_eq!(label_of(enumeration.name, &value.code), Some(value.label));
            }
        }
    }

    #[test]
    fn codes_are_the_apis() {
        assert_eq!(SectorCode::NewMaterials.code(), "NEW_MATERIALS");
        assert_eq!(
            label_of("MunicipalityCode", "YINCHUAN").map(|l| l.zh),
            Some("银川市")
        );
        assert_eq!(label_of("MunicipalityCode", "BEIJING"), None);
    }
}
