//! A small builder for CREATE TABLE, shared by the migrations: every foreign key gets an index,
//! enum-like codes are short strings, and identifiers are 64-bit. Uniqueness that only holds among
//! live rows (a USCC, a live membership) is a partial unique index, which SQLite and PostgreSQL
//! both support with the same syntax.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates each table, then its indexes and raw statements, in order.
pub(crate) async fn create_all(
    manager: &SchemaManager<'_>,
    specs: Vec<TableSpec>,
) -> Result<(), DbErr> {
    for spec in specs {
        manager.create_table(spec.create).await?;
        for index in spec.indexes {
            manager.create_index(index).await?;
        }
        for statement in spec.raw {
            manager
                .get_connection()
                .execute_unprepared(&statement)
                .await?;
        }
    }
    Ok(())
}

/// Drops the tables in reverse order.
pub(crate) async fn drop_all(
    manager: &SchemaManager<'_>,
    specs: Vec<TableSpec>,
) -> Result<(), DbErr> {
    for spec in specs.into_iter().rev() {
        manager
            .drop_table(Table::drop().table(spec.name).to_owned())
            .await?;
    }
    Ok(())
}

/// A table under construction: its CREATE statement and the indexes that follow it.
pub(crate) struct TableSpec {
    name: &'static str,
    create: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
    raw: Vec<String>,
}

/// A table with a 64-bit auto-increment `id`.
pub(crate) fn table(name: &'static str) -> TableSpec {
    let mut spec = TableSpec::new(name);
    spec.create.col(big_pk_auto("id"));
    spec
}

/// A 1:1 extension table whose primary key is also a foreign key (`enterprise_profile`).
pub(crate) fn keyed_by(
    name: &'static str,
    column: &'static str,
    target: &'static str,
) -> TableSpec {
    let mut spec = TableSpec::new(name);
    spec.create.col(big_integer(column).primary_key().take());
    spec.foreign_key(column, target)
}

/// A short string column holding a code (an enum value).
pub(crate) fn code(name: &'static str) -> ColumnDef {
    string_len(name, 40)
}

pub(crate) fn code_null(name: &'static str) -> ColumnDef {
    string_len_null(name, 40)
}

impl TableSpec {
    fn new(name: &'static str) -> Self {
        let mut create = Table::create();
        create.table(name);
        Self {
            name,
            create,
            indexes: Vec::new(),
            raw: Vec::new(),
        }
    }

    pub(crate) fn col(mut self, column: ColumnDef) -> Self {
        self.create.col(column);
        self
    }

    /// A required foreign key, indexed.
    pub(crate) fn reference(self, column: &'static str, target: &'static str) -> Self {
        self.col(big_integer(column))
            .foreign_key(column, target)
            .index(&[column])
    }

    /// An optional foreign key, indexed.
    pub(crate) fn optional_reference(self, column: &'static str, target: &'static str) -> Self {
        self.col(big_integer_null(column))
            .foreign_key(column, target)
            .index(&[column])
    }

    fn foreign_key(mut self, column: &'static str, target: &'static str) -> Self {
        self.create.foreign_key(
            ForeignKey::create()
                .name(format!("fk_{}_{column}", self.name))
                .from(self.name, column)
                .to(target, "id")
                .on_delete(ForeignKeyAction::Restrict),
        );
        self
    }

    pub(crate) fn index(self, columns: &[&'static str]) -> Self {
        self.add_index("ix", columns, false)
    }

    pub(crate) fn unique(self, columns: &[&'static str]) -> Self {
        self.add_index("ux", columns, true)
    }

    fn add_index(mut self, prefix: &str, columns: &[&'static str], unique: bool) -> Self {
        let mut index = Index::create();
        index
            .name(format!("{prefix}_{}_{}", self.name, columns.join("_")))
            .table(self.name);
        for column in columns {
            index.col(*column);
        }
        if unique {
            index.unique();
        }
        self.indexes.push(index);
        self
    }

    /// A unique index over the rows matching `predicate` only (same SQL on both backends).
    pub(crate) fn partial_unique(mut self, name: &str, columns: &[&str], predicate: &str) -> Self {
        self.raw.push(format!(
            "CREATE UNIQUE INDEX {name} ON {} ({}) WHERE {predicate}",
            self.name,
            columns.join(", ")
        ));
        self
    }

    /// Optimistic-concurrency `version` and both timestamps: every mutable row has them.
    pub(crate) fn mutable(self) -> Self {
        self.col(integer("version").default(1).take())
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
    }

    /// Append-only rows only record when they were written.
    pub(crate) fn created(self) -> Self {
        self.col(timestamp_with_time_zone("created_at"))
    }
}
