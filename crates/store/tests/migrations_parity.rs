//! The two migration trees must build the same schema (see `migrations/README.md`).
//!
//! - Both folders hold the same, well-formed, gap-free file names.
//! - After every migration, SQLite and PostgreSQL have the same tables, the same columns
//!   in the same order with the same portable type class, nullability and primary-key
//!   position, and the same explicitly created indexes (name, table, uniqueness).
//!
//! The PostgreSQL side is read from a real server when `GANTRY_TEST_PG_URL` is set. Without
//! it, the PostgreSQL tree is still loaded into a scratch SQLite database after stripping
//! the one PostgreSQL-only clause the trees use (`GENERATED … AS IDENTITY`), which catches
//! most drift offline: columns, declared types, nullability, keys and indexes.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use store::sqlx::{self, Row};
use store::{Store, sqlx::AnyPool};

/// sqlx's bookkeeping table, created by the migrator itself on each backend.
const SQLX_TABLE: &str = "_sqlx_migrations";

fn tree(backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
}

/// The `.sql` file names in one tree, sorted; panics on any other entry, since sqlx
/// would silently skip it.
fn file_names(backend: &str) -> Vec<String> {
    let dir = tree(backend);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("read migrations dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().into_string().expect("UTF-8 file name");
        assert!(
            entry.file_type().expect("file type").is_file(),
            "{}: only migration files belong in this folder",
            dir.join(&name).display()
        );
        names.push(name);
    }
    names.sort();
    names
}

/// `NNNN_snake_case.sql`: four digits, so the names sort in version order, and no
/// `.up.sql` / `.down.sql` (this project's migrations are forward-only).
fn well_formed(name: &str) -> Option<u32> {
    let stem = name.strip_suffix(".sql")?;
    let (num, desc) = stem.split_once('_')?;
    let ok = num.len() == 4
        && num.bytes().all(|b| b.is_ascii_digit())
        && !desc.is_empty()
        && desc
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok { num.parse().ok() } else { None }
}

#[test]
fn both_trees_hold_the_same_file_names() {
    let sqlite = file_names("sqlite");
    let postgres = file_names("postgres");
    assert!(!sqlite.is_empty(), "no SQLite migrations found");

    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|n| !b.contains(n)).cloned().collect()
    };
    assert!(
        sqlite == postgres,
        "the migration trees differ: only in sqlite/: {:?}; only in postgres/: {:?}. \
         Every migration needs a file of the same name in both trees.",
        only(&sqlite, &postgres),
        only(&postgres, &sqlite),
    );

    for (i, name) in sqlite.iter().enumerate() {
        let version = well_formed(name)
            .unwrap_or_else(|| panic!("{name}: migration files are named NNNN_snake_case.sql"));
        let expected = u32::try_from(i + 1).expect("fewer than 2^32 migrations");
        assert_eq!(
            version, expected,
            "{name}: versions run 0001, 0002, … without gaps or repeats"
        );
    }
}

/// A column as both backends can describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    class: &'static str,
    not_null: bool,
    /// 1-based position in the table's primary key.
    pk: Option<i64>,
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.class)?;
        if self.not_null {
            f.write_str(" NOT NULL")?;
        }
        if let Some(pk) = self.pk {
            write!(f, " (pk #{pk})")?;
        }
        Ok(())
    }
}

/// Tables, their columns in order, and explicitly created indexes.
#[derive(Debug, Default, Clone)]
struct Schema {
    tables: BTreeMap<String, Vec<Column>>,
    /// Index name → (table, unique). Indexes backing PRIMARY KEY / UNIQUE constraints are
    /// left out: their names are backend-generated (`sqlite_autoindex_*` vs `*_key`), and
    /// the keys themselves are compared through [`Column::pk`].
    indexes: BTreeMap<String, (String, bool)>,
}

/// Maps a declared (SQLite) or `information_schema` (PostgreSQL) type name to a portable
/// class. Integer widths stay apart: SQLite stores all three as 64-bit, but PostgreSQL
/// enforces the width, so a column must be declared alike in both trees.
fn class(type_name: &str) -> Option<&'static str> {
    let t = type_name.trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "smallint" | "int2" => "smallint",
        "integer" | "int" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "text" => "text",
        // SQLite's REAL is an 8-byte float, the same as PostgreSQL's DOUBLE PRECISION;
        // the trees spell it each backend's way (0013, 0014), intentionally.
        "real" | "double precision" | "float8" => "real",
        "boolean" | "bool" => "bool",
        "blob" | "bytea" => "bytes",
        _ if t.starts_with("timestamp") => "timestamp",
        // Not used by the trees today; the README asks for TEXT instead.
        _ if t.starts_with("varchar") || t.starts_with("character varying") => "text",
        _ => return None,
    })
}

fn classify(table: &str, column: &str, type_name: &str) -> &'static str {
    class(type_name).unwrap_or_else(|| {
        panic!(
            "{table}.{column}: type {type_name:?} has no portable class in \
             migrations_parity.rs; use a portable type (see migrations/README.md) or \
             extend `class` deliberately"
        )
    })
}

/// Reads the schema of a SQLite database through `pragma_table_info`/`pragma_index_list`.
async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let rows = sqlx::query(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk
         FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> $1
         ORDER BY m.name, p.cid",
    )
    .bind(SQLX_TABLE)
    .fetch_all(pool)
    .await
    .expect("read sqlite columns");

    let mut raw: BTreeMap<String, Vec<(String, String, bool, i64)>> = BTreeMap::new();
    for row in &rows {
        raw.entry(row.get(0)).or_default().push((
            row.get(1),
            row.get(2),
            row.get::<i64, _>(3) != 0,
            row.get(4),
        ));
    }

    let mut schema = Schema::default();
    for (table, cols) in raw {
        let pk_len = cols.iter().filter(|c| c.3 > 0).count();
        let columns = cols
            .into_iter()
            .map(|(name, type_name, not_null, pk)| {
                // `INTEGER PRIMARY KEY` (with or without AUTOINCREMENT) is the 64-bit
                // rowid, SQLite's only auto-assigned key: the trees pair it with
                // PostgreSQL's `BIGINT … PRIMARY KEY` on purpose, so it counts as bigint.
                let rowid = pk_len == 1 && pk == 1 && type_name.eq_ignore_ascii_case("integer");
                let class = if rowid {
                    "bigint"
                } else {
                    classify(&table, &name, &type_name)
                };
                Column {
                    // PostgreSQL makes every primary-key column NOT NULL. SQLite only does
                    // for the rowid; other key columns accept NULL unless declared NOT
                    // NULL, a legacy quirk of non-STRICT tables. Gantry never writes a
                    // NULL key, so a key column counts as NOT NULL on both.
                    not_null: not_null || pk > 0,
                    pk: (pk > 0).then_some(pk),
                    name,
                    class,
                }
            })
            .collect();
        schema.tables.insert(table, columns);
    }

    let rows = sqlx::query(
        "SELECT m.name, i.name, i.\"unique\"
         FROM sqlite_master m JOIN pragma_index_list(m.name) i
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> $1
           AND i.origin = 'c'",
    )
    .bind(SQLX_TABLE)
    .fetch_all(pool)
    .await
    .expect("read sqlite indexes");
    for row in &rows {
        schema
            .indexes
            .insert(row.get(1), (row.get(0), row.get::<i64, _>(2) != 0));
    }
    schema
}

/// Reads the schema of a PostgreSQL database through `information_schema` and
/// `pg_indexes`. The `::text` casts turn the catalog domains into types the `Any` driver
/// decodes.
async fn postgres_schema(pool: &AnyPool) -> Schema {
    let rows = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text,
                c.is_nullable::text, k.ordinal_position::bigint
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         LEFT JOIN (
             SELECT u.table_schema, u.table_name, u.column_name, u.ordinal_position
             FROM information_schema.table_constraints tc
             JOIN information_schema.key_column_usage u
               ON u.constraint_schema = tc.constraint_schema
              AND u.constraint_name = tc.constraint_name
             WHERE tc.constraint_type = 'PRIMARY KEY'
         ) k ON k.table_schema = c.table_schema AND k.table_name = c.table_name
            AND k.column_name = c.column_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.table_name <> $1
         ORDER BY c.table_name, c.ordinal_position",
    )
    .bind(SQLX_TABLE)
    .fetch_all(pool)
    .await
    .expect("read postgres columns");

    let mut schema = Schema::default();
    for row in &rows {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let type_name: String = row.get(2);
        let class = classify(&table, &name, &type_name);
        schema.tables.entry(table).or_default().push(Column {
            not_null: row.get::<String, _>(3) == "NO",
            pk: row.get(4),
            name,
            class,
        });
    }

    let rows = sqlx::query(
        "SELECT ix.tablename::text, ix.indexname::text, i.indisunique
         FROM pg_indexes ix
         JOIN pg_class c ON c.relname = ix.indexname
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = ix.schemaname
         JOIN pg_index i ON i.indexrelid = c.oid
         WHERE ix.schemaname = current_schema() AND ix.tablename <> $1
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
    )
    .bind(SQLX_TABLE)
    .fetch_all(pool)
    .await
    .expect("read postgres indexes");
    for row in &rows {
        schema.indexes.insert(row.get(1), (row.get(0), row.get(2)));
    }
    schema
}

/// Every difference between the two schemas, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let tables: BTreeSet<&String> = sqlite.tables.keys().chain(postgres.tables.keys()).collect();
    for table in tables {
        let (Some(s), Some(p)) = (sqlite.tables.get(table), postgres.tables.get(table)) else {
            let side = if sqlite.tables.contains_key(table) {
                "sqlite"
            } else {
                "postgres"
            };
            out.push(format!("table {table}: only on {side}"));
            continue;
        };
        for col in s {
            match p.iter().find(|c| c.name == col.name) {
                None => out.push(format!("{table}.{}: only on sqlite", col.name)),
                Some(other) if other != col => {
                    out.push(format!(
                        "{table}: sqlite has `{col}`, postgres has `{other}`"
                    ));
                }
                Some(_) => {}
            }
        }
        for col in p.iter().filter(|c| !s.iter().any(|o| o.name == c.name)) {
            out.push(format!("{table}.{}: only on postgres", col.name));
        }
        // Same names in another order: ALTER TABLE … ADD COLUMN appends, so the trees
        // added them in different migrations or orders.
        let order = |cols: &[Column]| cols.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let (so, po) = (order(s), order(p));
        let same_names = so.iter().collect::<BTreeSet<_>>() == po.iter().collect::<BTreeSet<_>>();
        if same_names && so != po {
            out.push(format!(
                "{table}: column order differs: sqlite {so:?}, postgres {po:?}"
            ));
        }
    }

    let names: BTreeSet<&String> = sqlite
        .indexes
        .keys()
        .chain(postgres.indexes.keys())
        .collect();
    for name in names {
        match (sqlite.indexes.get(name), postgres.indexes.get(name)) {
            (Some(s), Some(p)) if s == p => {}
            (Some(s), Some(p)) => out.push(format!(
                "index {name}: sqlite on {} (unique: {}), postgres on {} (unique: {})",
                s.0, s.1, p.0, p.1
            )),
            (Some(_), None) => out.push(format!("index {name}: only on sqlite")),
            (None, _) => out.push(format!("index {name}: only on postgres")),
        }
    }
    out
}

fn assert_same(sqlite: &Schema, postgres: &Schema, postgres_is: &str) {
    // A few known facts, so a query that reads nothing (or normalises wrongly) fails
    // instead of comparing two empty schemas.
    let col = |table: &str, name: &str| {
        sqlite
            .tables
            .get(table)
            .and_then(|cols| cols.iter().find(|c| c.name == name))
            .cloned()
    };
    let known = |name: &str, class, not_null, pk| Column {
        name: name.to_owned(),
        class,
        not_null,
        pk,
    };
    assert_eq!(
        col("inbox", "id"),
        Some(known("id", "bigint", true, Some(1)))
    );
    assert_eq!(
        col("audit_log", "id"),
        Some(known("id", "bigint", true, Some(1)))
    );
    assert_eq!(
        col("task_checkins", "latitude"),
        Some(known("latitude", "real", false, None))
    );
    assert_eq!(
        col("org_members", "userid"),
        Some(known("userid", "text", true, Some(1)))
    );
    assert!(
        sqlite.indexes.contains_key("inbox_open"),
        "{:?}",
        sqlite.indexes
    );
    let diff = differences(sqlite, postgres);
    assert!(
        diff.is_empty(),
        "the SQLite schema and the PostgreSQL schema ({postgres_is}) differ:\n  {}",
        diff.join("\n  ")
    );
}

/// The schema the embedded SQLite migrations build.
async fn migrated_sqlite() -> (support::TestDb, Schema) {
    let db = support::TestDb::sqlite().await;
    let schema = sqlite_schema(db.store.pool()).await;
    (db, schema)
}

#[tokio::test]
async fn sqlite_schema_matches_postgres_schema() {
    let Some(pg) = support::TestDb::postgres().await else {
        return;
    };
    let (_sqlite_db, sqlite) = migrated_sqlite().await;
    let postgres = postgres_schema(pg.store.pool()).await;
    assert_same(&sqlite, &postgres, "migrated on a real server");
}

/// The PostgreSQL tree, file by file, with what SQLite cannot parse taken out.
fn postgres_tree_for_sqlite() -> Vec<(String, String)> {
    file_names("postgres")
        .into_iter()
        .map(|name| {
            let sql =
                std::fs::read_to_string(tree("postgres").join(&name)).expect("read migration");
            // Identity columns are the trees' one PostgreSQL-only DDL; without the clause,
            // `BIGINT PRIMARY KEY` means the same to SQLite for a schema comparison.
            let sql = sql
                .replace("GENERATED ALWAYS AS IDENTITY", "")
                .replace("GENERATED BY DEFAULT AS IDENTITY", "");
            (name, sql)
        })
        .collect()
}

#[tokio::test]
async fn sqlite_schema_matches_postgres_ddl_offline() {
    let (_sqlite_db, sqlite) = migrated_sqlite().await;

    let scratch = Store::connect("sqlite::memory:")
        .await
        .expect("scratch sqlite");
    for (name, sql) in postgres_tree_for_sqlite() {
        if let Err(e) = sqlx::raw_sql(&sql).execute(scratch.pool()).await {
            // A migration may need PostgreSQL-only syntax (a DO block, ALTER COLUMN TYPE):
            // then only the real-server test above can compare the trees.
            let _ = writeln!(
                std::io::stderr(),
                "note: postgres/{name} does not run on SQLite ({e}); the offline \
                 comparison is skipped, set {} to compare against a real server",
                support::PG_ENV
            );
            return;
        }
    }
    let postgres = sqlite_schema(scratch.pool()).await;
    assert_same(&sqlite, &postgres, "its DDL loaded into SQLite");
}

/// The comparison itself notices each kind of drift.
#[tokio::test]
async fn differences_are_reported() {
    let (_db, base) = migrated_sqlite().await;
    assert!(differences(&base, &base).is_empty());

    let drifted = |change: fn(&mut Schema)| {
        let mut other = base.clone();
        change(&mut other);
        differences(&base, &other)
    };
    for (what, diff) in [
        (
            "type",
            drifted(|s| s.tables.get_mut("inbox").expect("inbox")[0].class = "integer"),
        ),
        (
            "null",
            drifted(|s| s.tables.get_mut("inbox").expect("inbox")[1].not_null = false),
        ),
        (
            "pk",
            drifted(|s| s.tables.get_mut("settings").expect("settings")[0].pk = None),
        ),
        (
            "column",
            drifted(|s| drop(s.tables.get_mut("inbox").expect("inbox").pop())),
        ),
        (
            "order",
            drifted(|s| s.tables.get_mut("inbox").expect("inbox").swap(1, 2)),
        ),
        ("table", drifted(|s| drop(s.tables.remove("settings")))),
        ("index", drifted(|s| drop(s.indexes.remove("inbox_open")))),
        (
            "unique",
            drifted(|s| s.indexes.get_mut("inbox_status").expect("index").1 = true),
        ),
    ] {
        assert_eq!(diff.len(), 1, "{what}: {diff:?}");
    }
}
