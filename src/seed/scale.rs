//! A deterministic synthetic dataset of N organizations for benchmarks and scale tests: the real
//! reference data, then units, profiles, ~10 supply links each, alliances with members and
//! councils, and support measures, written with multi-row inserts.

use chrono::NaiveDate;
use entity::{
    alliance, enterprise_profile,
    enums::{
        AllianceStage, Body, Decision, EnterpriseScale, MembershipStatus, OrganizationKind,
        PostKind, SupportKind, SupportStatus,
    },
    membership, organization, organization_segment, person, post, supply_link, support_measure,
};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, TransactionTrait,
};

use super::{
    Rng, Seeder,
    reference::{PARKS, SECTORS},
};
use crate::{domain::uscc::Uscc, error::Result};

/// Rows per INSERT statement (well under both backends' bound-parameter limits).
const CHUNK: usize = 1000;

async fn insert_chunks<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A valid USCC for unit `n` of a division (base-31 serial, then the check character).
fn scale_uscc(n: u64, division: &str) -> Result<String> {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut serial = String::new();
    let mut rest = n;
    for _ in 0..7 {
        serial.insert(0, CHARS[(rest % 31) as usize] as char);
        rest /= 31;
    }
    Ok(Uscc::complete(&format!("91{division}MA{serial}"))?.to_string())
}

/// Loads reference data and `n` synthetic organizations into an empty database, in one
/// transaction.
pub async fn load_scale(db: &DatabaseConnection, n: u64) -> Result<()> {
    let txn = db.begin().await?;
    let mut seeder = Seeder::new(&txn);
    seeder.reference().await?;
    let mut rng = Rng(2019_0430 ^ n);
    let stamp = seeder.stamp;
    let segments: Vec<(i64, usize)> = SECTORS
        .iter()
        .flat_map(|s| s.segments.iter().enumerate())
        .map(|(i, seg)| (seeder.segments[seg.code], i))
        .collect();
    let parks: Vec<(i64, i64, &str, (f64, f64))> = PARKS
        .iter()
        .map(|p| {
            (
                seeder.parks[p.code],
                seeder.municipalities[&p.municipality],
                p.division,
                p.centre,
            )
        })
        .collect();

    let (mut units, mut profiles, mut unit_segments) = (Vec::new(), Vec::new(), Vec::new());
    let (mut figures, mut designations) = (Vec::new(), Vec::new());
    let mut segment_of = Vec::with_capacity(n as usize + 1);
    segment_of.push(0usize);
    for id in 1..=n as i64 {
        let enterprise = id % 10 != 0;
        let (park, municipality, division, centre) = *rng.pick(&parks);
        let place = super::place_near(centre, 0.02, &id.to_string());
        let segment = rng.pick(&segments).0;
        segment_of.push((segment - segments[0].0) as usize);
        let kind = if enterprise {
            OrganizationKind::Enterprise
        } else {
            *rng.pick(&[
                OrganizationKind::University,
                OrganizationKind::ResearchInstitute,
                OrganizationKind::IndustryAssociation,
            ])
        };
        units.push(organization::ActiveModel {
            id: Set(id),
            kind: Set(kind),
            uscc: Set(Some(scale_uscc(id as u64, division)?)),
            name_zh: Set(format!("宁夏合成单位{id:07}")),
            name_en: Set(Some(format!("Synthetic unit {id}"))),
            municipality_id: Set(Some(municipality)),
            park_id: Set(enterprise.then_some(park)),
            region_code: Set(division.into()),
            region_name: Set(super::region_name(division)?.into()),
            address: Set(None),
            website: Set(None),
            longitude: Set(Some(place.0)),
            latitude: Set(Some(place.1)),
            is_demo: Set(true),
            archived_at: Set(None),
            version: Set(1),
            created_at: Set(stamp),
            updated_at: Set(stamp),
        });
        if enterprise {
            let scale = *rng.pick(&super::SCALES);
            let revenue = rng.range(1_000_000, 20_000_000_000);
            let (leading, employees, founded) = (
                rng.chance(2),
                rng.range(5, 8000) as i32,
                rng.range(1958, 2024) as i32,
            );
            let history = super::figures::history(
                &super::figures::Latest {
                    organization: id,
                    scale,
                    leading,
                    founded,
                    employees,
                    revenue,
                    rnd_spend: revenue / 40,
                    tax_paid: revenue / 25,
                },
                &seeder.departments,
                stamp,
            );
            figures.extend(history.figures);
            designations.extend(history.designations);
            profiles.push(enterprise_profile::ActiveModel {
                organization_id: Set(id),
                scale: Set(scale),
                is_backbone: Set(scale == EnterpriseScale::Large),
                is_leading: Set(leading),
                employees: Set(employees),
                annual_revenue: Set(revenue),
                rnd_spend: Set(revenue / 40),
                tax_paid: Set(revenue / 25),
                founded_year: Set(founded),
                industry_class: Set("C3985".into()),
                version: Set(1),
                created_at: Set(stamp),
                updated_at: Set(stamp),
            });
        }
        unit_segments.push(organization_segment::ActiveModel {
            organization_id: Set(id),
            segment_id: Set(segment),
            is_primary: Set(true),
            created_at: Set(stamp),
            ..Default::default()
        });
    }
    insert_chunks(&txn, units).await?;
    insert_chunks(&txn, profiles).await?;
    insert_chunks(&txn, figures).await?;
    insert_chunks(&txn, designations).await?;
    insert_chunks(&txn, unit_segments).await?;

    // About ten links per unit, mostly to the next segment's units, often across cities.
    let mut links = Vec::with_capacity(n as usize * 10);
    for supplier in 1..=n as i64 {
        for _ in 0..10 {
            let customer = rng.range(1, n as i64);
            if customer == supplier {
                continue;
            }
            let segment = segments[segment_of[supplier as usize]].0;
            links.push(supply_link::ActiveModel {
                supplier_id: Set(supplier),
                customer_id: Set(customer),
                segment_id: Set(Some(segment)),
                product: Set("合成产品".into()),
                since_year: Set(rng.range(2010, 2025) as i32),
                annual_value: Set(Some(rng.range(100_000, 500_000_000))),
                is_demo: Set(true),
                archived_at: Set(None),
                version: Set(1),
                created_at: Set(stamp),
                updated_at: Set(stamp),
                ..Default::default()
            });
        }
    }
    insert_chunks(&txn, links).await?;

    // Alliances with members (about a tenth of the units), councils and support measures.
    let alliances = (n / 3000).clamp(3, 30) as i64;
    let sector_ids: Vec<i64> = seeder.sectors.values().copied().collect();
    let founded = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default();
    let mut rows = Vec::new();
    for a in 1..=alliances {
        rows.push(alliance::ActiveModel {
            id: Set(a),
            code: Set(format!("SYN-{a:03}")),
            name_zh: Set(format!("合成联盟{a}")),
            name_en: Set(format!("Synthetic alliance {a}")),
            sector_id: Set(sector_ids[(a as usize) % sector_ids.len()]),
            stage: Set(AllianceStage::Founded),
            founded_on: Set(Some(founded)),
            is_demo: Set(true),
            version: Set(1),
            created_at: Set(stamp),
            updated_at: Set(stamp),
            ..Default::default()
        });
    }
    insert_chunks(&txn, rows).await?;
    let (mut members, mut people, mut posts) = (Vec::new(), Vec::new(), Vec::new());
    let mut person_id = 0i64;
    for unit in (1..=n as i64).filter(|u| u % 10 == 3) {
        let a = unit % alliances + 1;
        members.push(membership::ActiveModel {
            alliance_id: Set(a),
            organization_id: Set(unit),
            status: Set(MembershipStatus::Active),
            is_initiator: Set(false),
            applied_on: Set(founded),
            joined_on: Set(Some(founded)),
            version: Set(1),
            created_at: Set(stamp),
            updated_at: Set(stamp),
            ..Default::default()
        });
        if unit <= alliances * 10 * 12 {
            person_id += 1;
            people.push(person::ActiveModel {
                id: Set(person_id),
                name_zh: Set(format!("合成人员{person_id}")),
                organization_id: Set(Some(unit)),
                phone: Set(Some(format!("100{person_id:08}"))),
                email: Set(Some(format!("p{person_id}@synthetic.example"))),
                is_demo: Set(true),
                version: Set(1),
                created_at: Set(stamp),
                updated_at: Set(stamp),
                ..Default::default()
            });
            let kind = if posts
                .iter()
                .filter(|p: &&post::ActiveModel| p.alliance_id == Set(a))
                .count()
                == 0
            {
                PostKind::Chair
            } else {
                PostKind::Director
            };
            posts.push(post::ActiveModel {
                alliance_id: Set(a),
                body: Set(Body::Council),
                kind: Set(kind),
                person_id: Set(person_id),
                organization_id: Set(Some(unit)),
                term_start: Set(founded),
                term_end: Set(crate::service::rules::five_year_term(founded).into()),
                decided_how: Set(if kind == PostKind::Chair {
                    Decision::CouncilElection
                } else {
                    Decision::GeneralAssemblyElection
                }),
                version: Set(1),
                created_at: Set(stamp),
                updated_at: Set(stamp),
                ..Default::default()
            });
        }
    }
    insert_chunks(&txn, members).await?;
    insert_chunks(&txn, people).await?;
    insert_chunks(&txn, posts).await?;
    // One measure in eight is a city's or the base's own, the rest the departments'.
    let departments: Vec<i64> = seeder.departments.values().copied().collect();
    let municipalities: Vec<i64> = seeder.municipalities.values().copied().collect();
    let kinds = [
        SupportKind::RndFund,
        SupportKind::TechCenter,
        SupportKind::Talent,
        SupportKind::TaxIncentive,
        SupportKind::IndustryFund,
        SupportKind::Financing,
        SupportKind::MarketExpansion,
    ];
    let measures: Vec<support_measure::ActiveModel> = (1..=(n / 20).max(1) as i64)
        .map(|m| support_measure::ActiveModel {
            department_id: Set((m % 8 != 0).then(|| departments[(m as usize) % departments.len()])),
            municipality_id: Set(
                (m % 8 == 0).then(|| municipalities[(m as usize / 8) % municipalities.len()])
            ),
            kind: Set(kinds[(m as usize) % kinds.len()]),
            title: Set(format!("合成支持措施{m}")),
            beneficiary_organization_id: Set(Some(rng.range(1, n as i64))),
            amount: Set(rng.range(10_000, 50_000_000)),
            granted_on: Set(
                NaiveDate::from_ymd_opt(2019 + (m % 7) as i32, 1 + (m % 12) as u32, 1)
                    .unwrap_or_default(),
            ),
            status: Set(SupportStatus::Granted),
            is_demo: Set(true),
            version: Set(1),
            created_at: Set(stamp),
            updated_at: Set(stamp),
            ..Default::default()
        })
        .collect();
    insert_chunks(&txn, measures).await?;
    // Explicit ids leave PostgreSQL's sequences behind: move them past the rows written.
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ["organization", "alliance", "person"] {
            txn.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")).await?;
        }
    }
    txn.commit().await?;
    super::prepare_for_reading(db).await
}
