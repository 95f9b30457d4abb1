//! Persisted documents: GraphQL documents stored by their SHA-256 so that clients may send the hash
//! instead of the text (automatic persisted queries). The table is shared by every replica.

use chrono::Utc;
use entity::persisted_document;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::{database::Store, error::Result};

/// The document registered under `hash`, if any.
pub async fn find(db: &Store, hash: &str) -> Result<Option<String>> {
    Ok(persisted_document::Entity::find_by_id(hash.to_owned())
        .one(db)
        .await?
        .map(|row| row.document))
}

/// Registers a document under its hash (already checked by the caller); registering it twice,
/// from any replica, is harmless.
pub async fn register(db: &Store, hash: &str, document: &str) -> Result<()> {
    let row = persisted_document::ActiveModel {
        hash: Set(hash.to_owned()),
        document: Set(document.to_owned()),
        registered_at: Set(Utc::now()),
    };
    persisted_document::Entity::insert(row)
        .on_conflict_do_nothing_on([persisted_document::Column::Hash])
        .exec(db)
        .await?;
    Ok(())
}
