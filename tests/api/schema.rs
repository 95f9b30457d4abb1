//! The committed SDL is what the code serves.

#[test]
fn schema_graphql_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .unwrap_or_default();
    let current = alliance_hub::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: run `cargo run -q -- schema > schema.graphql` and review the diff"
    );
}
