//! Who is calling, as the service layer authorizes it: a role and the scope its token names.
//! The edge ([`crate::auth`]) turns a token into a [`Principal`]; nothing here knows of tokens.

use entity::enums::{DepartmentCode, MunicipalityCode};
use serde::{Deserialize, Serialize};

/// The roles of DESIGN.md. `Public` is the absence of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Office,
    Department,
    Municipality,
    Secretariat,
    Analyst,
    Public,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "OFFICE",
            Role::Department => "DEPARTMENT",
            Role::Municipality => "MUNICIPALITY",
            Role::Secretariat => "SECRETARIAT",
            Role::Analyst => "ANALYST",
            Role::Public => "PUBLIC",
        }
    }
}

/// The authenticated caller, as the service layer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's `sub`; `anonymous` for PUBLIC.
    pub subject: String,
    pub role: Role,
    /// The department of a DEPARTMENT token (`dept`).
    pub department: Option<DepartmentCode>,
    /// The municipality of a MUNICIPALITY token (`muni`).
    pub municipality: Option<MunicipalityCode>,
    /// The alliance (database id) of a SECRETARIAT token (`alliance`).
    pub alliance: Option<i64>,
}

impl Principal {
    pub fn public() -> Self {
        Self {
            subject: "anonymous".into(),
            role: Role::Public,
            department: None,
            municipality: None,
            alliance: None,
        }
    }
}
