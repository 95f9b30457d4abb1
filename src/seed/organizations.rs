//! Reference data, institutions, fictional enterprises, their people and supply links.

use entity::{
    chain_segment, department, enterprise_profile,
    enums::{EnterpriseScale, MunicipalityCode, OrganizationKind, SectorCode},
    industrial_park, municipality, organization, organization_segment, person, sector, supply_link,
};
use sea_orm::ActiveValue::Set;

use super::{
    Enterprise, Seeder,
    reference::{self, DEPARTMENTS, INSTITUTIONS, MUNICIPALITIES, PARKS, SECTORS},
};
use crate::{domain::uscc::Uscc, error::Result};

/// Characters a USCC may use (GB 32100-2015).
const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Trade-name syllables with their pinyin; two make a name (恒 + 曜 = 恒曜, Hengyao).
const FIRST: &[(&str, &str)] = &[
    ("恒", "Heng"),
    ("瑞", "Rui"),
    ("鑫", "Xin"),
    ("宏", "Hong"),
    ("泰", "Tai"),
    ("华", "Hua"),
    ("盛", "Sheng"),
    ("嘉", "Jia"),
    ("润", "Run"),
    ("昊", "Hao"),
    ("博", "Bo"),
    ("天", "Tian"),
    ("金", "Jin"),
    ("远", "Yuan"),
    ("铭", "Ming"),
    ("凯", "Kai"),
    ("晟", "Cheng"),
    ("东", "Dong"),
    ("汇", "Hui"),
    ("永", "Yong"),
];
const SECOND: &[(&str, &str)] = &[
    ("曜", "yao"),
    ("达", "da"),
    ("源", "yuan"),
    ("丰", "feng"),
    ("通", "tong"),
    ("兴", "xing"),
    ("邦", "bang"),
    ("晖", "hui"),
    ("川", "chuan"),
    ("峰", "feng"),
    ("力", "li"),
    ("信", "xin"),
    ("诚", "cheng"),
    ("宇", "yu"),
    ("科", "ke"),
    ("阳", "yang"),
    ("海", "hai"),
    ("辰", "chen"),
    ("利", "li"),
    ("安", "an"),
];
const SURNAMES: &[(&str, &str)] = &[
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("马", "Ma"),
    ("赵", "Zhao"),
    ("黄", "Huang"),
    ("周", "Zhou"),
    ("吴", "Wu"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("胡", "Hu"),
    ("朱", "Zhu"),
    ("高", "Gao"),
    ("林", "Lin"),
    ("何", "He"),
    ("郭", "Guo"),
    ("罗", "Luo"),
    ("丁", "Ding"),
];
const GIVEN: &[(&str, &str)] = &[
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("军", "Jun"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("秀英", "Xiuying"),
    ("霞", "Xia"),
    ("平", "Ping"),
    ("刚", "Gang"),
    ("建华", "Jianhua"),
    ("海燕", "Haiyan"),
    ("志强", "Zhiqiang"),
    ("晓东", "Xiaodong"),
    ("文博", "Wenbo"),
    ("玉兰", "Yulan"),
    ("国栋", "Guodong"),
];

/// A unit to insert.
pub(super) struct NewOrganization {
    pub kind: OrganizationKind,
    pub uscc: Option<String>,
    pub zh: String,
    pub en: Option<String>,
    pub municipality: Option<MunicipalityCode>,
    pub park: Option<&'static str>,
    pub region: String,
    pub website: Option<String>,
    pub is_demo: bool,
}

impl Seeder<'_> {
    pub(super) async fn reference(&mut self) -> Result<()> {
        for (i, d) in DEPARTMENTS.iter().enumerate() {
            let row = self
                .insert(department::ActiveModel {
                    code: Set(d.code),
                    name_zh: Set(d.zh.into()),
                    name_en: Set(d.en.into()),
                    is_lead: Set(i == 0),
                    version: Set(1),
                    created_at: Set(self.stamp),
                    updated_at: Set(self.stamp),
                    ..Default::default()
                })
                .await?;
            self.departments.insert(d.code, row.id);
        }
        for m in MUNICIPALITIES {
            let row = self
                .insert(municipality::ActiveModel {
                    code: Set(m.code),
                    kind: Set(m.kind),
                    division_code: Set(m.division.into()),
                    name_zh: Set(m.zh.into()),
                    name_en: Set(m.en.into()),
                    longitude: Set(Some(m.centre.0)),
                    latitude: Set(Some(m.centre.1)),
                    version: Set(1),
                    created_at: Set(self.stamp),
                    updated_at: Set(self.stamp),
                    ..Default::default()
                })
                .await?;
            self.municipalities.insert(m.code, row.id);
        }
        for s in SECTORS {
            let row = self
                .insert(sector::ActiveModel {
                    code: Set(s.code),
                    name_zh: Set(s.zh.into()),
                    name_en: Set(s.en.into()),
                    industry_divisions: Set(s.divisions.into()),
                    version: Set(1),
                    created_at: Set(self.stamp),
                    updated_at: Set(self.stamp),
                    ..Default::default()
                })
                .await?;
            self.sectors.insert(s.code, row.id);
            for (i, seg) in s.segments.iter().enumerate() {
                let segment = self
                    .insert(chain_segment::ActiveModel {
                        code: Set(seg.code.into()),
                        sector_id: Set(row.id),
                        ordinal: Set(i as i32 + 1),
                        position: Set(seg.position),
                        name_zh: Set(seg.zh.into()),
                        name_en: Set(seg.en.into()),
                        industry_classes: Set(seg.classes.into()),
                        version: Set(1),
                        created_at: Set(self.stamp),
                        updated_at: Set(self.stamp),
                        ..Default::default()
                    })
                    .await?;
                self.segments.insert(seg.code, segment.id);
            }
        }
        for p in PARKS {
            let row = self
                .insert(industrial_park::ActiveModel {
                    code: Set(p.code.into()),
                    municipality_id: Set(self.municipality_id(p.municipality)?),
                    division_code: Set(p.division.into()),
                    level: Set(p.level),
                    name_zh: Set(p.zh.into()),
                    name_en: Set(p.en.into()),
                    main_industries: Set(p.industries.into()),
                    longitude: Set(Some(p.centre.0)),
                    latitude: Set(Some(p.centre.1)),
                    archived_at: Set(None),
                    version: Set(1),
                    created_at: Set(self.stamp),
                    updated_at: Set(self.stamp),
                    ..Default::default()
                })
                .await?;
            self.parks.insert(p.code, row.id);
        }
        Ok(())
    }

    pub(super) async fn organization(&mut self, new: NewOrganization) -> Result<i64> {
        let municipality_id = match new.municipality {
            Some(code) => Some(self.municipality_id(code)?),
            None => None,
        };
        let park_id = new.park.and_then(|code| self.parks.get(code).copied());
        // Inside the park (some 2 km around its centre), else in the city (some 8 km around).
        let centre = match (new.park, new.municipality) {
            (Some(code), _) => PARKS
                .iter()
                .find(|p| p.code == code)
                .map(|p| (p.centre, 0.02)),
            (None, Some(city)) => MUNICIPALITIES
                .iter()
                .find(|m| m.code == city)
                .map(|m| (m.centre, 0.08)),
            _ => None,
        };
        let place = centre.map(|(centre, radius)| super::place_near(centre, radius, &new.zh));
        let row = self
            .insert(organization::ActiveModel {
                kind: Set(new.kind),
                uscc: Set(new.uscc),
                name_zh: Set(new.zh),
                name_en: Set(new.en),
                municipality_id: Set(municipality_id),
                park_id: Set(park_id),
                region_name: Set(super::region_name(&new.region)?.into()),
                region_code: Set(new.region),
                address: Set(None),
                website: Set(new.website),
                longitude: Set(place.map(|p| p.0)),
                latitude: Set(place.map(|p| p.1)),
                is_demo: Set(new.is_demo),
                archived_at: Set(None),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        Ok(row.id)
    }

    /// A fresh, valid, fictional USCC: registration authority and category, the division code,
    /// then random organisation-code characters and the GB 32100 check character.
    pub(super) fn uscc(&mut self, prefix: &str, division: &str) -> Result<String> {
        loop {
            let tail: String = (0..7).map(|_| *self.rng.pick(USCC_CHARS) as char).collect();
            let first17 = format!(
                "{prefix}{division}{}{tail}",
                if prefix.starts_with('5') { "MJ" } else { "MA" }
            );
            let code = Uscc::complete(&first17)?.to_string();
            if self.usccs.insert(code.clone()) {
                return Ok(code);
            }
        }
    }

    fn trade_name(&mut self) -> (String, String) {
        loop {
            let (a, pa) = *self.rng.pick(FIRST);
            let (b, pb) = *self.rng.pick(SECOND);
            let zh = format!("{a}{b}");
            if self.trade_names.insert(zh.clone()) {
                return (zh, format!("{pa}{pb}"));
            }
        }
    }

    pub(super) async fn institutions(&mut self) -> Result<()> {
        for i in INSTITUTIONS {
            let id = self
                .organization(NewOrganization {
                    kind: i.kind,
                    uscc: None,
                    zh: i.zh.into(),
                    en: Some(i.en.into()),
                    municipality: i.municipality,
                    park: None,
                    region: i.region.into(),
                    website: i.website.map(str::to_owned),
                    is_demo: false,
                })
                .await?;
            self.institutions.insert(i.key, id);
        }
        // The region's new-materials association is fictional: it chairs the demo alliance.
        let uscc = self.uscc("51", "640000")?;
        let id = self
            .organization(NewOrganization {
                kind: OrganizationKind::IndustryAssociation,
                uscc: Some(uscc),
                zh: "宁夏新材料行业协会".into(),
                en: Some("Ningxia New Materials Industry Association".into()),
                municipality: Some(MunicipalityCode::Yinchuan),
                park: None,
                region: "640104".into(),
                website: None,
                is_demo: true,
            })
            .await?;
        self.institutions.insert("NXNMA", id);
        // An industry association works across its sector: every segment of new materials,
        // which makes it the association of the alliance's industry (Annex 1 §2).
        let segments = SECTORS
            .iter()
            .filter(|s| s.code == SectorCode::NewMaterials)
            .flat_map(|s| s.segments)
            .map(|segment| self.segment_id(segment.code))
            .collect::<Result<Vec<_>>>()?;
        for (i, segment) in segments.into_iter().enumerate() {
            self.link_segment(id, segment, i == 0).await?;
        }
        Ok(())
    }

    pub(super) async fn enterprises(&mut self) -> Result<()> {
        for sector in SECTORS {
            for (ordinal, segment) in sector.segments.iter().enumerate() {
                let count = if ordinal % 3 == 0 { 5 } else { 4 };
                for n in 0..count {
                    let park_code = *self.rng.pick(segment.parks);
                    let park = PARKS
                        .iter()
                        .find(|p| p.code == park_code)
                        .unwrap_or(&PARKS[0]);
                    let scale = match n {
                        0 => EnterpriseScale::Large,
                        _ => *self.rng.pick(&super::SCALES),
                    };
                    self.enterprise(
                        segment,
                        sector.code,
                        ordinal + 1,
                        Some((park.code, park.municipality, park.division)),
                        scale,
                        n == 0,
                    )
                    .await?;
                }
            }
        }
        // A few units outside the three cities and one base: partners, and applicants to refuse.
        let outside: [(&str, &str); 3] = [
            ("NMAT-04", "640500"),
            ("CHEM-09", "640400"),
            ("EQUIP-06", "320500"),
        ];
        for (code, region) in outside {
            let (sector, ordinal, segment) = SECTORS
                .iter()
                .flat_map(|s| {
                    s.segments
                        .iter()
                        .enumerate()
                        .map(move |(i, seg)| (s.code, i + 1, seg))
                })
                .find(|(_, _, seg)| seg.code == code)
                .ok_or_else(|| crate::error::Error::internal("seed: unknown segment"))?;
            self.enterprise_at(
                segment,
                sector,
                ordinal,
                None,
                region,
                EnterpriseScale::Medium,
                false,
            )
            .await?;
        }
        Ok(())
    }

    async fn enterprise(
        &mut self,
        segment: &'static reference::SegmentRow,
        sector: entity::enums::SectorCode,
        ordinal: usize,
        place: Option<(&'static str, MunicipalityCode, &'static str)>,
        scale: EnterpriseScale,
        leading: bool,
    ) -> Result<()> {
        let (park, region) = match place {
            Some((park, municipality, division)) => (Some((park, municipality)), division),
            None => (None, "640000"),
        };
        self.enterprise_at(segment, sector, ordinal, park, region, scale, leading)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn enterprise_at(
        &mut self,
        segment: &'static reference::SegmentRow,
        sector: entity::enums::SectorCode,
        ordinal: usize,
        park: Option<(&'static str, MunicipalityCode)>,
        region: &str,
        scale: EnterpriseScale,
        leading: bool,
    ) -> Result<()> {
        let (trade, pinyin) = self.trade_name();
        let (word_zh, word_en) = segment.word;
        let place_zh = if region.starts_with("64") {
            "宁夏"
        } else {
            "苏州"
        };
        let place_en = if region.starts_with("64") {
            "Ningxia"
        } else {
            "Suzhou"
        };
        let (suffix_zh, suffix_en) = if scale == EnterpriseScale::Large {
            ("股份有限公司", "Co., Ltd.")
        } else {
            ("有限公司", "Co., Ltd.")
        };
        let uscc = self.uscc("91", region)?;
        let id = self
            .organization(NewOrganization {
                kind: OrganizationKind::Enterprise,
                uscc: Some(uscc),
                zh: format!("{place_zh}{trade}{word_zh}{suffix_zh}"),
                en: Some(format!("{place_en} {pinyin} {word_en} {suffix_en}")),
                municipality: park.map(|(_, m)| m),
                park: park.map(|(p, _)| p),
                region: region.into(),
                website: Some(format!("https://www.{}.example", pinyin.to_lowercase())),
                is_demo: true,
            })
            .await?;
        let (employees, revenue, founded) = match scale {
            EnterpriseScale::Large => (
                self.rng.range(1000, 8000),
                self.rng.range(1_000_000_000, 30_000_000_000),
                self.rng.range(1958, 2012),
            ),
            EnterpriseScale::Medium => (
                self.rng.range(300, 999),
                self.rng.range(100_000_000, 999_000_000),
                self.rng.range(1995, 2018),
            ),
            EnterpriseScale::Small => (
                self.rng.range(20, 299),
                self.rng.range(10_000_000, 99_000_000),
                self.rng.range(2005, 2021),
            ),
            EnterpriseScale::Micro => (
                self.rng.range(5, 19),
                self.rng.range(1_000_000, 9_900_000),
                self.rng.range(2012, 2022),
            ),
        };
        let rnd_permille = self.rng.range(15, 50);
        let tax_permille = self.rng.range(20, 60);
        self.insert(enterprise_profile::ActiveModel {
            organization_id: Set(id),
            scale: Set(scale),
            is_backbone: Set(scale == EnterpriseScale::Large),
            is_leading: Set(leading),
            employees: Set(employees as i32),
            annual_revenue: Set(revenue),
            rnd_spend: Set(revenue / 1000 * rnd_permille),
            tax_paid: Set(revenue / 1000 * tax_permille),
            founded_year: Set(founded as i32),
            industry_class: Set(segment.classes.split(',').next().unwrap_or_default().into()),
            version: Set(1),
            created_at: Set(self.stamp),
            updated_at: Set(self.stamp),
        })
        .await?;
        let history = super::figures::history(
            &super::figures::Latest {
                organization: id,
                scale,
                leading,
                founded: founded as i32,
                employees: employees as i32,
                revenue,
                rnd_spend: revenue / 1000 * rnd_permille,
                tax_paid: revenue / 1000 * tax_permille,
            },
            &self.departments,
            self.stamp,
        );
        self.insert_all(history.figures).await?;
        self.insert_all(history.designations).await?;
        let segment_id = self.segment_id(segment.code)?;
        self.link_segment(id, segment_id, true).await?;
        let sector_segments = SECTORS
            .iter()
            .find(|s| s.code == sector)
            .map(|s| s.segments)
            .unwrap_or_default();
        if ordinal < sector_segments.len() && self.rng.chance(20) {
            let next = self.segment_id(sector_segments[ordinal].code)?;
            self.link_segment(id, next, false).await?;
        }
        self.enterprises.push(Enterprise {
            id,
            segment: segment.code,
            sector,
            ordinal,
            municipality: park.map(|(_, m)| m),
            scale,
            leading,
            trade: pinyin.to_lowercase(),
        });
        Ok(())
    }

    async fn link_segment(&self, organization: i64, segment: i64, primary: bool) -> Result<()> {
        self.insert(organization_segment::ActiveModel {
            organization_id: Set(organization),
            segment_id: Set(segment),
            is_primary: Set(primary),
            created_at: Set(self.stamp),
            ..Default::default()
        })
        .await?;
        Ok(())
    }

    /// A fictional person working for `organization` (or an external expert).
    pub(super) async fn person(
        &mut self,
        organization: Option<i64>,
        title: &str,
        domain: &str,
    ) -> Result<i64> {
        let (zh, en, local) = loop {
            let (s, ps) = *self.rng.pick(SURNAMES);
            let (g, pg) = *self.rng.pick(GIVEN);
            let zh = format!("{s}{g}");
            if self
                .person_names
                .insert(format!("{zh}{}", organization.unwrap_or(0)))
            {
                break (
                    zh,
                    format!("{pg} {ps}"),
                    format!("{}.{}", pg.to_lowercase(), ps.to_lowercase()),
                );
            }
        };
        // Eleven digits beginning with 100, a block no network assigns: a fictional person's
        // number can never be someone's real one.
        let phone = format!(
            "100{}{:07}",
            self.rng.range(0, 9),
            self.rng.range(0, 9_999_999)
        );
        let row = self
            .insert(person::ActiveModel {
                name_zh: Set(zh),
                name_en: Set(Some(en)),
                organization_id: Set(organization),
                title: Set(Some(title.into())),
                phone: Set(Some(phone)),
                email: Set(Some(format!("{local}@{domain}"))),
                is_demo: Set(true),
                version: Set(1),
                created_at: Set(self.stamp),
                updated_at: Set(self.stamp),
                ..Default::default()
            })
            .await?;
        if let Some(org) = organization {
            self.people.entry(org).or_default().push(row.id);
        }
        Ok(row.id)
    }

    pub(super) async fn people(&mut self) -> Result<()> {
        for e in self.enterprises.clone() {
            let domain = format!("{}.example", e.trade);
            self.person(Some(e.id), "总经理", &domain).await?;
            if e.scale == EnterpriseScale::Large {
                self.person(Some(e.id), "总工程师", &domain).await?;
            }
        }
        for i in INSTITUTIONS.iter().map(|i| i.key).chain(["NXNMA"]) {
            let id = self.institution(i)?;
            let domain = format!("{}.example", i.to_lowercase());
            let titles: &[&str] = match i {
                "NXNMA" => &["会长", "秘书长", "副秘书长"],
                "BONX" | "CDB-NX" => &["公司业务部总经理"],
                _ => &["教授", "研究员"],
            };
            for title in titles {
                self.person(Some(id), title, &domain).await?;
            }
        }
        Ok(())
    }

    /// Links from each enterprise to customers in the next segments of its chain, plus the
    /// bridges between chains (carbon and alloys to equipment, equipment to chemicals, …).
    pub(super) async fn supply_links(&mut self) -> Result<()> {
        let bridges: &[(&str, &str)] = &[
            ("CHEM-08", "NMAT-09"),
            ("CHEM-05", "CHEM-09"),
            ("NMAT-01", "EQUIP-01"),
            ("NMAT-03", "EQUIP-02"),
            ("NMAT-06", "EQUIP-01"),
            ("EQUIP-07", "CHEM-02"),
            ("EQUIP-07", "NMAT-04"),
            ("EQUIP-04", "CHEM-03"),
            ("EQUIP-04", "CHEM-04"),
            ("NMAT-09", "EQUIP-08"),
            ("CHEM-01", "NMAT-06"),
        ];
        let mut pairs = std::collections::HashSet::new();
        let enterprises = self.enterprises.clone();
        for supplier in &enterprises {
            let segments = SECTORS
                .iter()
                .find(|s| s.code == supplier.sector)
                .map(|s| s.segments)
                .unwrap_or_default();
            let mut targets: Vec<&str> = Vec::new();
            if supplier.ordinal < segments.len() {
                targets.push(segments[supplier.ordinal].code);
            }
            if supplier.ordinal + 1 < segments.len() && self.rng.chance(30) {
                targets.push(segments[supplier.ordinal + 1].code);
            }
            targets.extend(
                bridges
                    .iter()
                    .filter(|(from, _)| *from == supplier.segment)
                    .map(|(_, to)| *to),
            );
            for target in targets {
                let customers: Vec<&Enterprise> =
                    enterprises.iter().filter(|e| e.segment == target).collect();
                if customers.is_empty() {
                    continue;
                }
                let how_many = self.rng.range(2, 3) as usize;
                for _ in 0..how_many {
                    let customer = *self.rng.pick(&customers);
                    if customer.id == supplier.id || !pairs.insert((supplier.id, customer.id)) {
                        continue;
                    }
                    let product = segment_product(supplier.segment);
                    let value = match supplier.scale {
                        EnterpriseScale::Large => self.rng.range(50_000_000, 800_000_000),
                        EnterpriseScale::Medium => self.rng.range(5_000_000, 90_000_000),
                        _ => self.rng.range(500_000, 9_000_000),
                    };
                    let since = self.rng.range(2012, 2025) as i32;
                    self.insert(supply_link::ActiveModel {
                        supplier_id: Set(supplier.id),
                        customer_id: Set(customer.id),
                        segment_id: Set(Some(self.segment_id(supplier.segment)?)),
                        product: Set(product.into()),
                        since_year: Set(since),
                        annual_value: Set(Some(value)),
                        is_demo: Set(true),
                        archived_at: Set(None),
                        version: Set(1),
                        created_at: Set(self.stamp),
                        updated_at: Set(self.stamp),
                        ..Default::default()
                    })
                    .await?;
                }
            }
        }
        Ok(())
    }
}

fn segment_product(code: &str) -> &'static str {
    SECTORS
        .iter()
        .flat_map(|s| s.segments.iter())
        .find(|s| s.code == code)
        .map(|s| s.product)
        .unwrap_or("产品")
}
