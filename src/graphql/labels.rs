//! `labels`: the Chinese and English names of every coded value (`domain::labels`), so that a
//! dashboard shows 银川市 or "Large" where the API says `YINCHUAN` or `LARGE`.

use async_graphql::{Object, SimpleObject};

use crate::domain::labels;

/// A coded value and its names.
#[derive(SimpleObject, Debug, Clone)]
pub struct ValueLabel {
    /// The value as the API writes it (`LARGE`).
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// An enumeration of the schema and the names of its values.
#[derive(SimpleObject, Debug, Clone)]
pub struct EnumLabels {
    /// The enumeration's name in the schema (`EnterpriseScale`).
    pub name: String,
    pub values: Vec<ValueLabel>,
}

/// The `labels` root field.
#[derive(Default)]
pub struct LabelsQuery;

#[Object]
impl LabelsQuery {
    /// Names in Chinese and English for the values of the schema's enumerations (all of them, or
    /// those named), from one table that exports use too. Public.
    async fn labels(&self, enums: Option<Vec<String>>) -> Vec<EnumLabels> {
        labels::catalogue()
            .into_iter()
            .filter(|e| {
                enums
                    .as_ref()
                    .is_none_or(|names| names.iter().any(|n| n == e.name))
            })
            .map(|e| EnumLabels {
                name: e.name.to_owned(),
                values: e
                    .values
                    .into_iter()
                    .map(|v| ValueLabel {
                        code: v.code,
                        zh: v.label.zh.to_owned(),
                        en: v.label.en.to_owned(),
                    })
                    .collect(),
            })
            .collect()
    }
}
