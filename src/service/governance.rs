//! Governance facts derived from the records (read side; the write-side rules come later).

use chrono::NaiveDate;
use entity::post;

/// Whether a post is held on `day`: its term has begun, has not run out, and it was not ended early.
pub fn post_active_on(post: &post::Model, day: NaiveDate) -> bool {
    post.term_start <= day
        && post.term_end.is_none_or(|end| day <= end)
        && post.ended_on.is_none_or(|ended| day < ended)
}
