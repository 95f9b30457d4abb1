//! Claim mapping: where a token names the caller's subject, role, department, municipality and
//! alliance, and how the provider's values become the hub's. The hub's own claim names (`sub`,
//! `role`, `dept`, `muni`, `alliance`) with the hub's codes are the default mapping.

use std::collections::HashMap;

use entity::enums::{DepartmentCode, MunicipalityCode};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::{
    id::{Kind, decode_as},
    principal::{Principal, Role},
};

/// Where a claim is found: a JSON pointer (`/realm_access/roles`) or a dotted path
/// (`realm_access.roles`; a number indexes an array). A claim name that itself holds dots (a
/// namespaced claim such as `https://hub.example/claims`) needs the pointer form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath(Vec<String>);

impl ClaimPath {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("an empty claim path".into());
        }
        let parts: Vec<String> = match text.strip_prefix('/') {
            Some(pointer) => pointer
                .split('/')
                .map(|part| part.replace("~1", "/").replace("~0", "~"))
                .collect(),
            None => text.split('.').map(str::to_owned).collect(),
        };
        if parts.iter().any(String::is_empty) {
            return Err(format!("`{text}` has an empty segment"));
        }
        Ok(Self(parts))
    }

    fn find<'a>(&self, claims: &'a Value) -> Option<&'a Value> {
        self.0.iter().try_fold(claims, |value, part| match value {
            Value::Object(map) => map.get(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
    }
}

/// A mapping as written in the identity file (every part optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimMapSettings {
    /// Where each of the caller's facts is found.
    #[serde(default)]
    pub claims: ClaimPaths,
    /// The provider's role names and the hub roles they stand for; without it, values must be
    /// the hub's role names.
    pub roles: Option<HashMap<String, Role>>,
    pub departments: Option<HashMap<String, DepartmentCode>>,
    pub municipalities: Option<HashMap<String, MunicipalityCode>>,
    /// The provider's alliance names and the alliances' GraphQL ids.
    pub alliances: Option<HashMap<String, String>>,
    /// Put before the subject, so that two sources' subjects never meet (default: the source's
    /// name and a colon; the hub's own tokens have none).
    pub subject_prefix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimPaths {
    pub subject: Option<String>,
    pub role: Option<String>,
    pub department: Option<String>,
    pub municipality: Option<String>,
    pub alliance: Option<String>,
}

/// A source's claim mapping, checked when the server starts.
#[derive(Debug, Clone)]
pub struct ClaimMap {
    subject: ClaimPath,
    role: ClaimPath,
    department: ClaimPath,
    municipality: ClaimPath,
    alliance: ClaimPath,
    roles: Option<HashMap<String, Role>>,
    departments: Option<HashMap<String, DepartmentCode>>,
    municipalities: Option<HashMap<String, MunicipalityCode>>,
    alliances: Option<HashMap<String, i64>>,
    subject_prefix: String,
}

impl ClaimMap {
    /// The hub's own claim names and codes.
    pub fn hub() -> Self {
        let path = |name: &str| ClaimPath(vec![name.to_owned()]);
        Self {
            subject: path("sub"),
            role: path("role"),
            department: path("dept"),
            municipality: path("muni"),
            alliance: path("alliance"),
            roles: None,
            departments: None,
            municipalities: None,
            alliances: None,
            subject_prefix: String::new(),
        }
    }

    /// A mapping from its settings; `prefix` is the subject prefix unless the settings name one.
    /// The error names the part of the settings that is wrong.
    pub fn from_settings(settings: ClaimMapSettings, prefix: String) -> Result<Self, String> {
        let hub = Self::hub();
        let path = |given: Option<String>, default: ClaimPath, what: &str| match given {
            Some(text) => ClaimPath::parse(&text).map_err(|e| format!("claims.{what}: {e}")),
            None => Ok(default),
        };
        if settings
            .roles
            .as_ref()
            .is_some_and(|roles| roles.values().any(|role| *role == Role::Public))
        {
            return Err("roles: PUBLIC is the absence of a token, not a role to map to".into());
        }
        let alliances = settings
            .alliances
            .map(|table| {
                table
                    .into_iter()
                    .map(|(name, id)| {
                        decode_as(&id, Kind::Alliance)
                            .map(|id| (name.clone(), id))
                            .map_err(|_| format!("alliances.{name}: `{id}` is not an alliance id"))
                    })
                    .collect::<Result<HashMap<_, _>, _>>()
            })
            .transpose()?;
        Ok(Self {
            subject: path(settings.claims.subject, hub.subject, "subject")?,
            role: path(settings.claims.role, hub.role, "role")?,
            department: path(settings.claims.department, hub.department, "department")?,
            municipality: path(
                settings.claims.municipality,
                hub.municipality,
                "municipality",
            )?,
            alliance: path(settings.claims.alliance, hub.alliance, "alliance")?,
            roles: settings.roles,
            departments: settings.departments,
            municipalities: settings.municipalities,
            alliances,
            subject_prefix: settings.subject_prefix.unwrap_or(prefix),
        })
    }

    /// The caller a verified token's claims name. The error is the reason, for the log: a
    /// missing subject or role, a value the mapping does not know, a role without its scope.
    pub fn principal(&self, claims: &Value) -> Result<Principal, String> {
        let subject = match self.subject.find(claims) {
            Some(Value::String(subject)) if !subject.is_empty() => subject,
            Some(_) => return Err("the subject is not a string".into()),
            None => return Err("no subject".into()),
        };
        let role = pick(claims, &self.role, "role", self.roles.as_ref(), |value| {
            crate::auth::parse_code::<Role>(value).filter(|role| *role != Role::Public)
        })?
        .ok_or("no role the hub knows")?;
        let department = pick(
            claims,
            &self.department,
            "department",
            self.departments.as_ref(),
            crate::auth::parse_code::<DepartmentCode>,
        )?;
        let municipality = pick(
            claims,
            &self.municipality,
            "municipality",
            self.municipalities.as_ref(),
            crate::auth::parse_code::<MunicipalityCode>,
        )?;
        let alliance = pick(
            claims,
            &self.alliance,
            "alliance",
            self.alliances.as_ref(),
            |id| decode_as(id, Kind::Alliance).ok(),
        )?;
        let missing = match role {
            Role::Department if department.is_none() => Some("department"),
            Role::Municipality if municipality.is_none() => Some("municipality"),
            Role::Secretariat if alliance.is_none() => Some("alliance"),
            _ => None,
        };
        if let Some(what) = missing {
            return Err(format!("a {} token needs its {what}", role.as_str()));
        }
        Ok(Principal {
            subject: format!("{}{subject}", self.subject_prefix),
            role,
            department,
            municipality,
            alliance,
        })
    }
}

/// One fact from the claims: a string, or an array of which exactly one value means something
/// to the hub (the others, such as an OpenID provider's `offline_access`, are passed over). With
/// a table, values are looked up in it; without, parsed as the hub's own.
fn pick<T: Copy + PartialEq>(
    claims: &Value,
    path: &ClaimPath,
    what: &str,
    table: Option<&HashMap<String, T>>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, String> {
    let known = |value: &str| match table {
        Some(table) => table.get(value).copied(),
        None => parse(value),
    };
    match path.find(claims) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => known(value)
            .map(Some)
            .ok_or_else(|| format!("unknown {what} `{value}`")),
        Some(Value::Array(values)) => {
            let mut found = values.iter().filter_map(Value::as_str).filter_map(known);
            let first = found.next();
            match first {
                Some(one) if found.any(|other| other != one) => {
                    Err(format!("the {what} claim names several the hub knows"))
                }
                first => Ok(first),
            }
        }
        Some(_) => Err(format!("the {what} claim is neither a string nor a list")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn keycloak() -> ClaimMap {
        let settings: ClaimMapSettings = serde_json::from_value(json!({
            "claims": {
                "subject": "preferred_username",
                "role": "realm_access.roles",
                "department": "realm_access.roles",
                "municipality": "/https:~1~1hub.example~1claims/city"
            },
            "roles": {"gxt-office": "OFFICE", "dept:TAX": "DEPARTMENT", "city": "MUNICIPALITY"},
            "departments": {"dept:TAX": "TAX"},
            "municipalities": {"银川": "YINCHUAN"}
        }))
        .unwrap();
        ClaimMap::from_settings(settings, "sso:".into()).unwrap()
    }

    #[test]
    fn a_providers_roles_and_groups_become_the_hubs_role_and_scope() {
        let principal = keycloak()
            .principal(&json!({
                "preferred_username": "zhang.san",
                "realm_access": {"roles": ["offline_access", "dept:TAX", "uma_authorization"]}
            }))
            .unwrap();
        assert_eq!(principal.subject, "sso:zhang.san");
        assert_eq!(principal.role, Role::Department);
        assert_eq!(principal.department, Some(DepartmentCode::Tax));
        let city = keycloak()
            .principal(&json!({
                "preferred_username": "li.si",
                "realm_access": {"roles": ["city"]},
                "https://hub.example/claims": {"city": "银川"}
            }))
            .unwrap();
        assert_eq!(city.municipality, Some(MunicipalityCode::Yinchuan));
    }

    #[test]
    fn a_missing_unknown_or_ambiguous_value_is_refused_with_the_reason() {
        let map = keycloak();
        let refused = |claims: Value| map.principal(&claims).unwrap_err();
        assert_eq!(
            refused(json!({"preferred_username": "a", "realm_access": {"roles": ["x"]}})),
            "no role the hub knows"
        );
        assert_eq!(
            refused(json!({"realm_access": {"roles": ["gxt-office"]}})),
            "no subject"
        );
        assert!(
            refused(json!({"preferred_username": "a", "realm_access": {"roles": ["gxt-office", "dept:TAX"]}}))
                .contains("several")
        );
        assert_eq!(
            refused(
                json!({"preferred_username": "a", "realm_access": {"roles": ["city"]},
                "https://hub.example/claims": {"city": "杭州"}})
            ),
            "unknown municipality `杭州`"
        );
        assert_eq!(
            refused(json!({"preferred_username": "a", "realm_access": {"roles": ["city"]}})),
            "a MUNICIPALITY token needs its municipality"
        );
    }

    #[test]
    fn the_hubs_own_claims_are_the_default_mapping() {
        let principal = ClaimMap::hub()
            .principal(&json!({"sub": "s", "role": "DEPARTMENT", "dept": "DST"}))
            .unwrap();
        assert_eq!(principal.subject, "s");
        assert_eq!(principal.department, Some(DepartmentCode::Dst));
        assert_eq!(
            ClaimMap::hub()
                .principal(&json!({"sub": "s", "role": "PUBLIC"}))
                .unwrap_err(),
            "unknown role `PUBLIC`"
        );
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let settings: ClaimMapSettings =
            serde_json::from_value(json!({"claims": {"role": "realm_access..roles"}})).unwrap();
        let error = ClaimMap::from_settings(settings, String::new()).unwrap_err();
        assert!(error.starts_with("claims.role:"), "{error}");
        let settings: ClaimMapSettings =
            serde_json::from_value(json!({"alliances": {"materials": "nonsense"}})).unwrap();
        let error = ClaimMap::from_settings(settings, String::new()).unwrap_err();
        assert!(error.starts_with("alliances.materials:"), "{error}");
    }
}
