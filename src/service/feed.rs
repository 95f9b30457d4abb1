//! The change feed: what changed, in commit order, one change per object per mutation. A
//! mutation may write several rows of one object (an enterprise and its profile, an alliance
//! saved twice); the audit trail keeps each row, the feed merges them and unites their changed
//! fields. It names what changed, never the values, and leaves out the names of fields the caller
//! may never see.

use chrono::{DateTime, Utc};
use entity::{audit_event, enums::AuditOutcome};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{
    access::Viewer,
    changes::{ChangeNotice, changed_fields},
    listing,
    load::Scoped,
    page::{PageRequest, id_cursor},
};
use crate::{database::Store, error::Result};

/// One change of the feed: every row one mutation wrote for one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedChange {
    /// The last audit event of the change: the feed resumes after it.
    pub last_event: i64,
    pub at: DateTime<Utc>,
    pub operation: String,
    /// The table of the object (an enterprise profile's object is its organization).
    pub entity: String,
    pub entity_id: Option<i64>,
    pub alliance_id: Option<i64>,
    /// The API names of the fields that changed, united over the rows, as the caller may see.
    pub changed_fields: Vec<String>,
}

impl FeedChange {
    pub fn cursor(&self) -> String {
        id_cursor(self.last_event)
    }

    /// Takes in the later rows of the same change.
    fn absorb(&mut self, later: FeedChange) {
        self.last_event = later.last_event;
        self.alliance_id = self.alliance_id.or(later.alliance_id);
        self.changed_fields.extend(later.changed_fields);
        self.changed_fields.sort();
        self.changed_fields.dedup();
    }

    /// Whether a later change (by `actor`, of this change's `own_actor`) continues this one.
    fn continued_by(&self, own_actor: &str, later: &FeedChange, actor: &str) -> bool {
        own_actor == actor
            && self.at == later.at
            && self.operation == later.operation
            && self.entity == later.entity
            && self.entity_id == later.entity_id
    }
}

/// One page of the feed.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub changes: Vec<FeedChange>,
    pub has_next: bool,
}

/// Rows audited under their object's id (an enterprise's profile; a result's holders and
/// funding; a mechanism's members), with the object's table.
const PARTS: &[(&str, &str)] = &[
    ("enterprise_profile", "organization"),
    ("enterprise_figure", "organization"),
    ("enterprise_designation", "organization"),
    ("result_holder", "joint_result"),
    ("result_funding", "joint_result"),
    ("mechanism_member", "coordination_mechanism"),
];

/// The table an audited row's object lives in.
fn object_table(entity: &str) -> &str {
    PARTS
        .iter()
        .find(|(part, _)| *part == entity)
        .map_or(entity, |(_, object)| object)
}

/// Merges consecutive rows of one change; `rows` are in commit (id) order.
fn merge(viewer: &Viewer, rows: Vec<audit_event::Model>) -> Vec<(String, FeedChange)> {
    let mut changes: Vec<(String, FeedChange)> = Vec::new();
    for row in rows {
        let fields = viewer.visible_changed_fields(
            &row.entity,
            changed_fields(row.before_state.as_deref(), row.after_state.as_deref()),
        );
        let change = FeedChange {
            last_event: row.id,
            at: row.at,
            operation: row.operation,
            entity: object_table(&row.entity).to_owned(),
            entity_id: row.entity_id,
            alliance_id: row.alliance_id,
            changed_fields: fields,
        };
        match changes.last_mut() {
            Some((actor, last)) if last.continued_by(actor, &change, &row.actor) => {
                last.absorb(change)
            }
            _ => changes.push((row.actor, change)),
        }
    }
    changes
}

/// Up to `first` changes after the cursor, of the given tables. Rows are read in batches until a
/// change after the page has begun (so every change on the page is whole) or none are left.
pub async fn page(
    db: &Store,
    viewer: &Viewer,
    tables: &[&'static str],
    after: Option<String>,
    first: Option<i32>,
) -> Result<FeedPage> {
    let listing = listing::changes(viewer, tables)?;
    let wanted = PageRequest::forward(first, None).window()?.limit as usize;
    let batch = i32::try_from((wanted * 2).clamp(20, 100)).unwrap_or(100);
    let mut changes: Vec<(String, FeedChange)> = Vec::new();
    let mut cursor = after;
    loop {
        let rows = listing
            .page(db, &PageRequest::forward(Some(batch), cursor.clone()))
            .await?;
        let exhausted = !rows.has_next;
        cursor = rows.items.last().map(|(c, _)| c.clone()).or(cursor);
        let mut merged = merge(viewer, rows.items.into_iter().map(|(_, row)| row).collect());
        // A change cut by the batch boundary continues in this batch.
        if let (Some((actor, last)), Some((next_actor, first))) =
            (changes.last_mut(), merged.first())
            && last.continued_by(actor, first, next_actor)
        {
            let (_, first) = merged.remove(0);
            last.absorb(first);
        }
        changes.extend(merged);
        if changes.len() > wanted || exhausted {
            break;
        }
    }
    let has_next = changes.len() > wanted;
    changes.truncate(wanted);
    Ok(FeedPage {
        changes: changes.into_iter().map(|(_, change)| change).collect(),
        has_next,
    })
}

/// How many changes the feed of these tables holds (the rows of one change counted once).
pub async fn count(db: &Store, viewer: &Viewer, tables: &[&'static str]) -> Result<u64> {
    viewer.require_signed_in("changes")?;
    // The object's table (`object_table`): a part belongs to its object.
    let mut object = Expr::case(
        Expr::col(audit_event::Column::Entity).eq(PARTS[0].0),
        PARTS[0].1,
    );
    for (part, table) in &PARTS[1..] {
        object = object.case(Expr::col(audit_event::Column::Entity).eq(*part), *table);
    }
    let object = object.finally(Expr::col(audit_event::Column::Entity));
    Ok(audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::EntityId)
        .filter(audit_event::Column::Outcome.eq(AuditOutcome::Allowed))
        .filter(audit_event::Column::Entity.is_in(tables.iter().copied()))
        .filter(audit_event::Entity::scope(viewer))
        .group_by(audit_event::Column::At)
        .group_by(audit_event::Column::Actor)
        .group_by(audit_event::Column::Operation)
        .group_by(sea_orm::sea_query::SimpleExpr::Case(Box::new(object)))
        .group_by(audit_event::Column::EntityId)
        .count(db)
        .await?)
}

/// The change a notice announces, as the feed would report it; `None` while later rows of the
/// same change are still to be announced (the last of them reports the whole change).
pub async fn announced(
    db: &Store,
    viewer: &Viewer,
    notice: &ChangeNotice,
) -> Result<Option<FeedChange>> {
    let Some(row) = notice.event(db).await? else {
        return Ok(None);
    };
    // Every row of one transaction carries its time, actor and operation.
    let Some(entity_id) = row.entity_id else {
        return Ok(merge(viewer, vec![row]).pop().map(|(_, change)| change));
    };
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::At.eq(row.at))
        .filter(audit_event::Column::Actor.eq(row.actor.as_str()))
        .filter(audit_event::Column::Operation.eq(row.operation.as_str()))
        .filter(audit_event::Column::Outcome.eq(AuditOutcome::Allowed))
        .filter(audit_event::Column::EntityId.eq(entity_id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?;
    let changes = merge(viewer, rows);
    let mine = changes
        .into_iter()
        .map(|(_, change)| change)
        .find(|c| c.entity == object_table(&row.entity) && c.last_event >= row.id);
    Ok(mine.filter(|change| change.last_event == row.id))
}
