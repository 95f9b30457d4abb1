//! Global object ids: opaque, globally unique strings (`base64("Kind:123")`) for Relay's `node`.

use std::io::Write;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::Error;

/// Every kind of object that has a global id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Department,
    Municipality,
    Sector,
    ChainSegment,
    Park,
    Organization,
    Alliance,
    StageEvent,
    Membership,
    CharterConsent,
    Charter,
    SupportingRule,
    Report,
    Agreement,
    AgreementParty,
    JointResult,
    CoordinationMechanism,
    Person,
    Post,
    WorkingGroup,
    Meeting,
    Resolution,
    Project,
    ProjectParticipant,
    SupplyLink,
    SupportMeasure,
    ApiClient,
    EnterpriseYear,
    Designation,
}

impl Kind {
    const ALL: [Kind; 29] = [
        Kind::Department,
        Kind::Municipality,
        Kind::Sector,
        Kind::ChainSegment,
        Kind::Park,
        Kind::Organization,
        Kind::Alliance,
        Kind::StageEvent,
        Kind::Membership,
        Kind::CharterConsent,
        Kind::Charter,
        Kind::SupportingRule,
        Kind::Report,
        Kind::Agreement,
        Kind::AgreementParty,
        Kind::JointResult,
        Kind::CoordinationMechanism,
        Kind::Person,
        Kind::Post,
        Kind::WorkingGroup,
        Kind::Meeting,
        Kind::Resolution,
        Kind::Project,
        Kind::ProjectParticipant,
        Kind::SupplyLink,
        Kind::SupportMeasure,
        Kind::ApiClient,
        Kind::EnterpriseYear,
        Kind::Designation,
    ];

    pub fn tag(self) -> &'static str {
        match self {
            Kind::Department => "Department",
            Kind::Municipality => "Municipality",
            Kind::Sector => "Sector",
            Kind::ChainSegment => "ChainSegment",
            Kind::Park => "Park",
            Kind::Organization => "Organization",
            Kind::Alliance => "Alliance",
            Kind::StageEvent => "StageEvent",
            Kind::Membership => "Membership",
            Kind::CharterConsent => "CharterConsent",
            Kind::Charter => "Charter",
            Kind::SupportingRule => "SupportingRule",
            Kind::Report => "AllianceReport",
            Kind::Agreement => "Agreement",
            Kind::AgreementParty => "AgreementParty",
            Kind::JointResult => "JointResult",
            Kind::CoordinationMechanism => "CoordinationMechanism",
            Kind::Person => "Person",
            Kind::Post => "Post",
            Kind::WorkingGroup => "WorkingGroup",
            Kind::Meeting => "Meeting",
            Kind::Resolution => "Resolution",
            Kind::Project => "Project",
            Kind::ProjectParticipant => "ProjectParticipant",
            Kind::SupplyLink => "SupplyLink",
            Kind::SupportMeasure => "SupportMeasure",
            Kind::ApiClient => "ApiClient",
            Kind::EnterpriseYear => "EnterpriseYear",
            Kind::Designation => "EnterpriseDesignation",
        }
    }
}

pub fn encode(kind: Kind, id: i64) -> String {
    // `Kind:123` is written on the stack, not in a String of its own: an answer can hold
    // thousands of ids, and this is one allocation per id instead of several.
    let mut raw = [0u8; 64];
    let mut rest = &mut raw[..];
    // The longest tag, a colon and twenty digits fit; formatting is only the fallback.
    match write!(rest, "{}:{id}", kind.tag()) {
        Ok(()) => {
            let unused = rest.len();
            URL_SAFE_NO_PAD.encode(&raw[..raw.len() - unused])
        }
        Err(_) => URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.tag())),
    }
}

/// Decodes any global id into its kind and database id.
pub fn decode(global: &str) -> Result<(Kind, i64), Error> {
    let bad = || Error::bad_input(format!("`{global}` is not a valid id"));
    let raw = URL_SAFE_NO_PAD.decode(global.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (tag, id) = text.split_once(':').ok_or_else(bad)?;
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.tag() == tag)
        .ok_or_else(bad)?;
    let id = id.parse::<i64>().map_err(|_| bad())?;
    Ok((kind, id))
}

/// Decodes a global id that must be of `expected` kind.
pub fn decode_as(global: &str, expected: Kind) -> Result<i64, Error> {
    match decode(global)? {
        (kind, id) if kind == expected => Ok(id),
        _ => Err(Error::bad_input(format!(
            "`{global}` is not the id of a {}",
            expected.tag()
        ))),
    }
}

/// The global id of a row the audit trail names (its table and id), when it is an API object.
pub fn of_audited(entity: &str, id: i64) -> Option<String> {
    let kind = match entity {
        "organization" | "enterprise_profile" | "enterprise_figure" | "enterprise_designation" => {
            Kind::Organization
        }
        "industrial_park" => Kind::Park,
        "supply_link" => Kind::SupplyLink,
        "support_measure" => Kind::SupportMeasure,
        "person" => Kind::Person,
        "department" => Kind::Department,
        "municipality" => Kind::Municipality,
        "sector" => Kind::Sector,
        "chain_segment" => Kind::ChainSegment,
        "alliance" => Kind::Alliance,
        "alliance_stage_event" => Kind::StageEvent,
        "charter_consent" => Kind::CharterConsent,
        "charter" => Kind::Charter,
        "alliance_report" => Kind::Report,
        "agreement" => Kind::Agreement,
        "agreement_party" => Kind::AgreementParty,
        "joint_result" | "result_holder" | "result_funding" => Kind::JointResult,
        "coordination_mechanism" | "mechanism_member" => Kind::CoordinationMechanism,
        "supporting_rule" => Kind::SupportingRule,
        "membership" => Kind::Membership,
        "post" => Kind::Post,
        "meeting" => Kind::Meeting,
        "resolution" => Kind::Resolution,
        "working_group" => Kind::WorkingGroup,
        "project" => Kind::Project,
        "api_client" => Kind::ApiClient,
        _ => return None,
    };
    Some(encode(kind, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips() {
        let id = encode(Kind::Alliance, 42);
        assert_eq!(decode(&id).ok(), Some((Kind::Alliance, 42)));
    }

    #[test]
    fn every_kind_encodes_base64_of_its_tag_and_number_even_at_the_extremes() {
        for kind in Kind::ALL {
            for id in [0, 42, i64::MAX, i64::MIN] {
                let expected = URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.tag()));
                assert_eq!(encode(kind, id), expected);
                assert_eq!(decode(&expected).ok(), Some((kind, id)));
            }
        }
    }

    #[test]
    fn an_id_of_another_kind_is_refused() {
        let id = encode(Kind::Person, 1);
        assert!(decode_as(&id, Kind::Alliance).is_err());
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!(decode("not an id!").is_err());
    }
}
