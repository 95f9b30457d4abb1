//! The deterministic demo dataset: real reference data of the region, fictional but plausible
//! enterprises, people, supply links and alliance histories (all marked `is_demo`).
//!
//! Everything is written in one transaction: a failure leaves the database as it was. The same
//! code always produces the same rows (a fixed-seed SplitMix64 generator, fixed timestamps).

mod alliances;
mod figures;
mod organizations;
pub mod reference;
mod results;
mod scale;
mod support;

pub use scale::load_scale;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::enums::{DepartmentCode, EnterpriseScale, MunicipalityCode, SectorCode};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    TransactionTrait,
};

use crate::error::{Error, Result};

/// Loads the demo dataset, all or nothing.
pub async fn load_demo(db: &DatabaseConnection) -> Result<()> {
    let txn = db.begin().await?;
    let mut seeder = Seeder::new(&txn);
    seeder.reference().await?;
    seeder.institutions().await?;
    seeder.enterprises().await?;
    seeder.people().await?;
    seeder.supply_links().await?;
    seeder.alliances().await?;
    seeder.support_measures().await?;
    seeder.coordination().await?;
    seeder.results().await?;
    txn.commit().await?;
    prepare_for_reading(db).await
}

/// Prepares the tables for reading after a bulk load. Without planner statistics PostgreSQL
/// walks the chain by scanning every link at each level (seconds instead of milliseconds at
/// scale) until autovacuum happens to pass by; `VACUUM` also sets the visibility map, so the
/// first readers do not rewrite every page. SQLite needs only its statistics.
async fn prepare_for_reading(db: &DatabaseConnection) -> Result<()> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "VACUUM (ANALYZE)",
        _ => "ANALYZE",
    };
    db.execute_unprepared(sql).await?;
    Ok(())
}

/// A point within `radius` degrees of `centre`, fixed by `key` (a name or an id).
fn place_near(centre: (f64, f64), radius: f64, key: &str) -> (f64, f64) {
    let seed = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut rng = Rng(seed);
    let offset = |rng: &mut Rng| (rng.range(-1000, 1000) as f64 / 1000.0) * radius;
    let (east, north) = (offset(&mut rng), offset(&mut rng));
    (
        ((centre.0 + east) * 1e6).round() / 1e6,
        ((centre.1 + north) * 1e6).round() / 1e6,
    )
}

/// Enterprise scales to draw from, weighted: medium and small units are the most common.
const SCALES: [EnterpriseScale; 6] = [
    EnterpriseScale::Large,
    EnterpriseScale::Medium,
    EnterpriseScale::Medium,
    EnterpriseScale::Small,
    EnterpriseScale::Small,
    EnterpriseScale::Micro,
];

/// SplitMix64: small, fast, and the same on every platform and version (unlike `StdRng`).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A generated enterprise, as later steps need it.
#[derive(Debug, Clone)]
struct Enterprise {
    id: i64,
    segment: &'static str,
    sector: SectorCode,
    ordinal: usize,
    municipality: Option<MunicipalityCode>,
    scale: EnterpriseScale,
    leading: bool,
    /// Pinyin of the trade name, for e-mail domains.
    trade: String,
}

/// The writer of the dataset, with the ids it has handed out so far.
struct Seeder<'a> {
    db: &'a DatabaseTransaction,
    rng: Rng,
    /// Every row's `created_at`/`updated_at`: fixed, so the dataset is reproducible.
    stamp: DateTime<Utc>,
    departments: HashMap<DepartmentCode, i64>,
    municipalities: HashMap<MunicipalityCode, i64>,
    sectors: HashMap<SectorCode, i64>,
    segments: HashMap<&'static str, i64>,
    parks: HashMap<&'static str, i64>,
    institutions: HashMap<&'static str, i64>,
    enterprises: Vec<Enterprise>,
    /// Representatives of each organization, first one the principal contact.
    people: HashMap<i64, Vec<i64>>,
    usccs: HashSet<String>,
    trade_names: HashSet<String>,
    person_names: HashSet<String>,
}

impl<'a> Seeder<'a> {
    fn new(db: &'a DatabaseTransaction) -> Self {
        Self {
            db,
            rng: Rng(2019_0430),
            stamp: Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
            departments: HashMap::new(),
            municipalities: HashMap::new(),
            sectors: HashMap::new(),
            segments: HashMap::new(),
            parks: HashMap::new(),
            institutions: HashMap::new(),
            enterprises: Vec::new(),
            people: HashMap::new(),
            usccs: HashSet::new(),
            trade_names: HashSet::new(),
            person_names: HashSet::new(),
        }
    }

    /// Inserts a row and returns it.
    async fn insert<A>(&self, row: A) -> Result<<A::Entity as sea_orm::EntityTrait>::Model>
    where
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    {
        Ok(row.insert(self.db).await?)
    }

    /// Inserts rows of one table in one statement (none: nothing).
    async fn insert_all<A>(&self, rows: Vec<A>) -> Result<()>
    where
        A: ActiveModelTrait + Send,
    {
        if !rows.is_empty() {
            <A::Entity as sea_orm::EntityTrait>::insert_many(rows)
                .exec_without_returning(self.db)
                .await?;
        }
        Ok(())
    }

    fn municipality_id(&self, code: MunicipalityCode) -> Result<i64> {
        self.municipalities
            .get(&code)
            .copied()
            .ok_or_else(|| Error::internal(format!("seed: no municipality {code:?}")))
    }

    fn institution(&self, key: &str) -> Result<i64> {
        self.institutions
            .get(key)
            .copied()
            .ok_or_else(|| Error::internal(format!("seed: no institution {key}")))
    }

    fn segment_id(&self, code: &str) -> Result<i64> {
        self.segments
            .get(code)
            .copied()
            .ok_or_else(|| Error::internal(format!("seed: no segment {code}")))
    }

    /// The leading enterprise of a segment.
    fn leader(&self, segment: &str) -> Result<&Enterprise> {
        self.enterprises
            .iter()
            .find(|e| e.segment == segment && e.leading)
            .ok_or_else(|| Error::internal(format!("seed: no leader in {segment}")))
    }

    /// The `n`-th enterprise (0 = the leader) of a segment inside the metro area.
    fn nth_of(&self, segment: &str, n: usize) -> Result<&Enterprise> {
        self.enterprises
            .iter()
            .filter(|e| e.segment == segment && e.municipality.is_some())
            .nth(n)
            .ok_or_else(|| Error::internal(format!("seed: no enterprise {n} in {segment}")))
    }

    /// The principal contact person of an organization.
    fn contact(&self, organization: i64) -> Result<i64> {
        self.people
            .get(&organization)
            .and_then(|p| p.first().copied())
            .ok_or_else(|| {
                Error::internal(format!("seed: organization {organization} has no people"))
            })
    }

    /// The `n`-th person of an organization (wrapping around).
    fn person_of(&self, organization: i64, n: usize) -> Result<i64> {
        let people = self.people.get(&organization).filter(|p| !p.is_empty());
        people.map(|p| p[n % p.len()]).ok_or_else(|| {
            Error::internal(format!("seed: organization {organization} has no people"))
        })
    }
}

/// The name of a division the seed uses: every one is in `domain::division`'s table.
fn region_name(code: &str) -> Result<&'static str> {
    crate::domain::division::division_name(code)
        .ok_or_else(|| Error::internal(format!("seed: unknown division {code}")))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}
