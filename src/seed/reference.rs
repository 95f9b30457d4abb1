//! Real reference data of the region: departments, municipalities, sectors with their chain
//! segments, industrial parks (sources: DOMAIN.md and shared/research-notes/domain.md).

use entity::enums::{DepartmentCode as D, MunicipalityCode as M, MunicipalityKind, ParkLevel, SectorCode, SegmentPosition as P};

pub struct DepartmentRow {
    pub code: D,
    pub zh: &'static str,
    pub en: &'static str,
}

pub const DEPARTMENTS: &[DepartmentRow] = &[
    DepartmentRow { code: D::Miit, zh: "宁夏回族自治区工业和信息化厅", en: "Department of Industry and Information Technology of Ningxia Hui Autonomous Region" },
    DepartmentRow { code: D::Drc, zh: "宁夏回族自治区发展和改革委员会", en: "Development and Reform Commission of Ningxia Hui Autonomous Region" },
    DepartmentRow { code: D::Dst, zh: "宁夏回族自治区科学技术厅", en: "Department of Science and Technology of Ningxia Hui Autonomous Region" },
    DepartmentRow { code: D::Dof, zh: "宁夏回族自治区财政厅", en: "Department of Finance of Ningxia Hui Autonomous Region" },
    DepartmentRow { code: D::Hrss, zh: "宁夏回族自治区人力资源和社会保障厅", en: "Department of Human Resources and Social Security of Ningxia Hui Autonomous Region" },
    DepartmentRow { code: D::Doc, zh: "宁夏回族自治区商务厅", en: "Department of Commerce of Ningxia Hui Autonomous Region" },
    DepartmentRow { code: D::Tax, zh: "国家税务总局宁夏回族自治区税务局", en: "Ningxia Hui Autonomous Region Tax Service, State Taxation Administration" },
];

pub struct MunicipalityRow {
    pub code: M,
    pub kind: MunicipalityKind,
    /// GB/T 2260. Ningdong has no division of its own; it lies mainly in Lingwu (640181).
    pub division: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

pub const MUNICIPALITIES: &[MunicipalityRow] = &[
    MunicipalityRow { code: M::Yinchuan, kind: MunicipalityKind::City, division: "640100", zh: "银川市", en: "Yinchuan City" },
    MunicipalityRow { code: M::Shizuishan, kind: MunicipalityKind::City, division: "640200", zh: "石嘴山市", en: "Shizuishan City" },
    MunicipalityRow { code: M::Wuzhong, kind: MunicipalityKind::City, division: "640300", zh: "吴忠市", en: "Wuzhong City" },
    MunicipalityRow { code: M::Ningdong, kind: MunicipalityKind::Base, division: "640181", zh: "宁东能源化工基地", en: "Ningdong Energy and Chemical Industry Base" },
];

/// County-level divisions used by parks and units (GB/T 2260).
pub const DIVISIONS: &[(&str, &str)] = &[
    ("640100", "银川市"),
    ("640104", "银川市兴庆区"),
    ("640105", "银川市西夏区"),
    ("640106", "银川市金凤区"),
    ("640121", "银川市永宁县"),
    ("640122", "银川市贺兰县"),
    ("640181", "银川市灵武市"),
    ("640200", "石嘴山市"),
    ("640202", "石嘴山市大武口区"),
    ("640205", "石嘴山市惠农区"),
    ("640221", "石嘴山市平罗县"),
    ("640300", "吴忠市"),
    ("640302", "吴忠市利通区"),
    ("640303", "吴忠市红寺堡区"),
    ("640381", "吴忠市青铜峡市"),
    ("640400", "固原市"),
    ("640500", "中卫市"),
    ("110000", "北京市"),
    ("120000", "天津市"),
    ("140100", "山西省太原市"),
    ("210200", "辽宁省大连市"),
    ("310000", "上海市"),
    ("320300", "江苏省徐州市"),
    ("320500", "江苏省苏州市"),
];

pub fn division_name(code: &str) -> &'static str {
    DIVISIONS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n).unwrap_or("宁夏回族自治区")
}

pub struct ParkRow {
    pub code: &'static str,
    pub municipality: M,
    pub division: &'static str,
    pub level: ParkLevel,
    pub zh: &'static str,
    pub en: &'static str,
    pub industries: &'static str,
}

pub const PARKS: &[ParkRow] = &[
    ParkRow { code: "YC-ETDZ", municipality: M::Yinchuan, division: "640105", level: ParkLevel::National, zh: "银川经济技术开发区", en: "Yinchuan Economic and Technological Development Zone", industries: "新能源,新材料,单晶硅,蓝宝石,半导体硅部件,轴承,智能终端" },
    ParkRow { code: "YC-HTZ", municipality: M::Yinchuan, division: "640181", level: ParkLevel::National, zh: "银川高新技术产业开发区", en: "Yinchuan Hi-tech Industrial Development Zone", industries: "现代纺织,循环经济,高端装备,绿色食品,新材料,物流" },
    ParkRow { code: "YC-SUYIN", municipality: M::Yinchuan, division: "640104", level: ParkLevel::Regional, zh: "苏银产业园", en: "Suzhou-Yinchuan Industrial Park", industries: "数字经济,新材料,生命健康,智能制造" },
    ParkRow { code: "YC-HELAN", municipality: M::Yinchuan, division: "640122", level: ParkLevel::Regional, zh: "贺兰工业园区", en: "Helan Industrial Park", industries: "新材料,轻工" },
    ParkRow { code: "YC-YONGNING", municipality: M::Yinchuan, division: "640121", level: ParkLevel::Regional, zh: "永宁工业园区", en: "Yongning Industrial Park", industries: "纺织,生物医药,食品" },
    ParkRow { code: "YC-LINGWU-CASHMERE", municipality: M::Yinchuan, division: "640181", level: ParkLevel::Regional, zh: "灵武羊绒产业园区", en: "Lingwu Cashmere Industrial Park", industries: "羊绒" },
    ParkRow { code: "SZS-ETDZ", municipality: M::Shizuishan, division: "640205", level: ParkLevel::National, zh: "石嘴山经济技术开发区", en: "Shizuishan Economic and Technological Development Zone", industries: "稀有金属,新材料,冶金,精细化工,碳材料" },
    ParkRow { code: "SZS-HTZ", municipality: M::Shizuishan, division: "640202", level: ParkLevel::National, zh: "石嘴山高新技术产业开发区", en: "Shizuishan Hi-tech Industrial Development Zone", industries: "新材料,装备制造,纺织" },
    ParkRow { code: "SZS-PINGLUO", municipality: M::Shizuishan, division: "640221", level: ParkLevel::Regional, zh: "平罗工业园区", en: "Pingluo Industrial Park", industries: "现代化工,装备制造,新材料,特种合金,电石化工" },
    ParkRow { code: "WZ-JINJI", municipality: M::Wuzhong, division: "640302", level: ParkLevel::Regional, zh: "吴忠金积工业园区", en: "Wuzhong Jinji Industrial Park", industries: "精密铸锻,乳制品,热电,危废资源化" },
    ParkRow { code: "WZ-QTX", municipality: M::Wuzhong, division: "640381", level: ParkLevel::Regional, zh: "青铜峡工业园区", en: "Qingtongxia Industrial Park", industries: "电解铝及加工,冶金,建材" },
    ParkRow { code: "WZ-TAIYANGSHAN", municipality: M::Wuzhong, division: "640303", level: ParkLevel::Regional, zh: "吴忠太阳山开发区", en: "Wuzhong Taiyangshan Development Zone", industries: "镁合金,硅铁,焦化,甲醇" },
    ParkRow { code: "ND-COALCHEM", municipality: M::Ningdong, division: "640181", level: ParkLevel::National, zh: "宁东能源化工基地煤化工园区", en: "Ningdong Coal Chemical Park", industries: "煤制油,煤制烯烃,精细化工,清洁能源" },
    ParkRow { code: "ND-NEWMAT", municipality: M::Ningdong, division: "640181", level: ParkLevel::Regional, zh: "宁东能源化工基地化工新材料园区", en: "Ningdong Chemical New Materials Park", industries: "化工新材料,高性能纤维,可降解塑料" },
    ParkRow { code: "ND-PILOT", municipality: M::Ningdong, division: "640181", level: ParkLevel::Regional, zh: "宁东现代煤化工中试基地", en: "Ningdong Modern Coal Chemical Pilot Base", industries: "中试,煤化工技术验证" },
];

pub struct SectorRow {
    pub code: SectorCode,
    pub zh: &'static str,
    pub en: &'static str,
    pub divisions: &'static str,
    pub segments: &'static [SegmentRow],
}

/// A chain segment, and how the generator makes enterprises for it.
pub struct SegmentRow {
    pub code: &'static str,
    pub position: P,
    pub zh: &'static str,
    pub en: &'static str,
    pub classes: &'static str,
    /// Industry word in enterprise names (Chinese, English).
    pub word: (&'static str, &'static str),
    /// What its enterprises supply.
    pub product: &'static str,
    /// Parks its enterprises are located in.
    pub parks: &'static [&'static str],
}

pub const SECTORS: &[SectorRow] = &[
    SectorRow {
        code: SectorCode::Chemicals,
        zh: "化工",
        en: "Chemicals",
        divisions: "B06,C25,C26,C28,C29,D44",
        segments: &[
            SegmentRow { code: "CHEM-01", position: P::Upstream, zh: "煤炭开采与洗选", en: "Coal mining and washing", classes: "B0610", word: ("煤业", "Coal Industry"), product: "洗精煤", parks: &["ND-COALCHEM"] },
            SegmentRow { code: "CHEM-02", position: P::Upstream, zh: "煤气化与合成气", en: "Coal gasification and syngas", classes: "C2522", word: ("气化科技", "Gasification Technology"), product: "合成气", parks: &["ND-COALCHEM", "ND-PILOT"] },
            SegmentRow { code: "CHEM-03", position: P::Midstream, zh: "煤制油（间接液化）", en: "Coal to liquids (indirect liquefaction)", classes: "C2523", word: ("煤制油", "Coal-to-Liquids"), product: "费托合成油品", parks: &["ND-COALCHEM"] },
            SegmentRow { code: "CHEM-04", position: P::Midstream, zh: "甲醇与煤/焦制烯烃", en: "Methanol and coal- or coke-to-olefins", classes: "C2523,C2614", word: ("烯烃化工", "Olefin Chemical"), product: "甲醇及烯烃", parks: &["ND-COALCHEM", "WZ-TAIYANGSHAN"] },
            SegmentRow { code: "CHEM-05", position: P::Midstream, zh: "聚烯烃与合成树脂", en: "Polyolefins and synthetic resins", classes: "C2651", word: ("聚合材料", "Polymer Materials"), product: "聚丙烯/聚乙烯树脂", parks: &["ND-NEWMAT", "ND-COALCHEM"] },
            SegmentRow { code: "CHEM-06", position: P::Midstream, zh: "电石—氯碱—PVC", en: "Carbide, chlor-alkali and PVC", classes: "C2612,C2619,C2651", word: ("氯碱化工", "Chlor-Alkali Chemical"), product: "电石及PVC", parks: &["SZS-PINGLUO", "SZS-ETDZ"] },
            SegmentRow { code: "CHEM-07", position: P::Downstream, zh: "精细化工与专用化学品", en: "Fine and specialty chemicals", classes: "C2661,C2662,C2631", word: ("精细化工", "Fine Chemical"), product: "单氰胺及农药中间体", parks: &["SZS-PINGLUO", "ND-NEWMAT", "SZS-ETDZ"] },
            SegmentRow { code: "CHEM-08", position: P::Downstream, zh: "化工新材料与化纤", en: "Chemical new materials and fibres", classes: "C2826,C2829,C2651", word: ("化纤新材料", "Fibre Materials"), product: "氨纶及芳纶", parks: &["ND-NEWMAT"] },
            SegmentRow { code: "CHEM-09", position: P::Downstream, zh: "塑料及化学制品加工", en: "Plastic and chemical products", classes: "C2921,C2929", word: ("塑业", "Plastics"), product: "塑料制品", parks: &["YC-HELAN", "WZ-JINJI", "YC-YONGNING"] },
            SegmentRow { code: "CHEM-10", position: P::Downstream, zh: "配套服务：危废处置、环保药剂、中试", en: "Services: hazardous waste, environmental chemicals, pilot scale", classes: "C2666,N7724,M7320", word: ("环保科技", "Environmental Technology"), product: "危废处置及中试服务", parks: &["ND-PILOT", "WZ-JINJI", "SZS-ETDZ"] },
        ],
    },
    SectorRow {
        code: SectorCode::NewMaterials,
        zh: "新材料",
        en: "New materials",
        divisions: "C26,C28,C30,C31,C32,C38,C39",
        segments: &[
            SegmentRow { code: "NMAT-01", position: P::Upstream, zh: "原料冶炼：工业硅、铁合金、镁、电解铝", en: "Primary smelting: industrial silicon, ferroalloys, magnesium, aluminium", classes: "C3218,C3140,C3217,C3216", word: ("冶金", "Metallurgy"), product: "工业硅及铁合金", parks: &["SZS-PINGLUO", "WZ-QTX", "WZ-TAIYANGSHAN", "SZS-ETDZ"] },
            SegmentRow { code: "NMAT-02", position: P::Upstream, zh: "稀有金属冶炼（钽铌铍）", en: "Rare-metal smelting (tantalum, niobium, beryllium)", classes: "C3239", word: ("稀有金属", "Rare Metals"), product: "钽铌冶炼产品", parks: &["SZS-ETDZ"] },
            SegmentRow { code: "NMAT-03", position: P::Midstream, zh: "稀有金属压延与合金", en: "Rare-metal fabrication and alloys", classes: "C3254,C3240", word: ("合金材料", "Alloy Materials"), product: "特种合金材", parks: &["SZS-ETDZ", "SZS-HTZ"] },
            SegmentRow { code: "NMAT-04", position: P::Midstream, zh: "光伏/半导体晶体：单晶硅棒与硅片、半导体硅部件、蓝宝石", en: "PV and semiconductor crystals: monocrystalline ingots and wafers, silicon parts, sapphire", classes: "C3985", word: ("晶体材料", "Crystal Materials"), product: "单晶硅片", parks: &["YC-ETDZ"] },
            SegmentRow { code: "NMAT-05", position: P::Midstream, zh: "光伏辅材：石英坩埚、金刚线、光伏玻璃", en: "PV consumables: quartz crucibles, diamond wire, PV glass", classes: "C3099,C3042", word: ("光伏材料", "PV Materials"), product: "石英坩埚及金刚线", parks: &["YC-ETDZ", "SZS-HTZ"] },
            SegmentRow { code: "NMAT-06", position: P::Midstream, zh: "碳基材料：石墨电极、活性炭、碳化硅", en: "Carbon-based materials: graphite electrodes, activated carbon, silicon carbide", classes: "C3091,C3099", word: ("炭素", "Carbon"), product: "石墨电极及碳化硅", parks: &["SZS-PINGLUO", "SZS-ETDZ"] },
            SegmentRow { code: "NMAT-07", position: P::Midstream, zh: "电池材料：正极/前驱体、电解液", en: "Battery materials: cathodes, precursors, electrolytes", classes: "C3985,C2613", word: ("电池材料", "Battery Materials"), product: "正极材料", parks: &["SZS-HTZ", "YC-SUYIN"] },
            SegmentRow { code: "NMAT-08", position: P::Downstream, zh: "高性能纤维与化工新材料", en: "High-performance fibres and polymers", classes: "C2826,C2829,C2651", word: ("高性能纤维", "High-Performance Fibre"), product: "高性能纤维", parks: &["ND-NEWMAT"] },
            SegmentRow { code: "NMAT-09", position: P::Downstream, zh: "器件应用：光伏组件、锂电池、电线电缆", en: "Devices: PV modules, lithium batteries, cables", classes: "C3825,C3841,C3831", word: ("新能源科技", "New Energy Technology"), product: "光伏组件及锂电池", parks: &["YC-ETDZ", "ND-NEWMAT", "YC-SUYIN"] },
            SegmentRow { code: "NMAT-10", position: P::Downstream, zh: "检测与研发服务", en: "Testing and R&D services", classes: "M7320,M7452", word: ("检测技术", "Testing Technology"), product: "材料检测服务", parks: &["YC-SUYIN", "YC-ETDZ"] },
        ],
    },
    SectorRow {
        code: SectorCode::Equipment,
        zh: "先进装备制造",
        en: "Advanced equipment manufacturing",
        divisions: "C33,C34,C35,C36,C37,C38,C40,C43,I65",
        segments: &[
            SegmentRow { code: "EQUIP-01", position: P::Upstream, zh: "铸锻件与增材制造用材", en: "Castings, forgings and additive-manufacturing materials", classes: "C3391,C3392,C3393", word: ("铸造", "Foundry"), product: "铸锻件", parks: &["YC-ETDZ", "WZ-JINJI", "SZS-HTZ"] },
            SegmentRow { code: "EQUIP-02", position: P::Upstream, zh: "基础零部件：轴承、齿轮减速器、链条、液压", en: "Core components: bearings, gear reducers, chains, hydraulics", classes: "C3451,C3453,C3444", word: ("传动机械", "Transmission Machinery"), product: "轴承及减速器", parks: &["YC-ETDZ", "SZS-HTZ"] },
            SegmentRow { code: "EQUIP-03", position: P::Midstream, zh: "电机与电气", en: "Motors and electrical equipment", classes: "C3812,C3821", word: ("电气", "Electric"), product: "防爆电机", parks: &["YC-ETDZ", "SZS-HTZ"] },
            SegmentRow { code: "EQUIP-04", position: P::Midstream, zh: "仪器仪表与控制阀", en: "Instruments and control valves", classes: "C4011,C3443", word: ("仪表", "Instruments"), product: "调节阀及仪表", parks: &["WZ-JINJI"] },
            SegmentRow { code: "EQUIP-05", position: P::Midstream, zh: "数控机床及功能部件", en: "CNC machine tools and functional parts", classes: "C3421,C3425", word: ("数控机床", "CNC Machine Tool"), product: "数控机床", parks: &["YC-ETDZ"] },
            SegmentRow { code: "EQUIP-06", position: P::Midstream, zh: "工业机器人与增材制造装备", en: "Industrial robots and additive-manufacturing equipment", classes: "C3491,C3493", word: ("智能装备", "Intelligent Equipment"), product: "工业机器人及砂型3D打印机", parks: &["YC-ETDZ", "YC-SUYIN"] },
            SegmentRow { code: "EQUIP-07", position: P::Downstream, zh: "专用成套装备：矿山机械、化工装备、晶体生长炉", en: "Specialised equipment: mining machinery, chemical equipment, crystal-growth furnaces", classes: "C3511,C3521,C3562", word: ("重工", "Heavy Industry"), product: "成套专用装备", parks: &["SZS-HTZ", "YC-HTZ"] },
            SegmentRow { code: "EQUIP-08", position: P::Downstream, zh: "新能源装备与电池系统", en: "New-energy equipment and battery systems", classes: "C3415,C3825,C3841", word: ("储能科技", "Energy Storage Technology"), product: "风电齿轮箱及储能系统", parks: &["YC-HTZ", "ND-NEWMAT", "YC-ETDZ"] },
            SegmentRow { code: "EQUIP-09", position: P::Downstream, zh: "智能制造系统集成", en: "Intelligent-manufacturing system integration", classes: "I6531", word: ("智造科技", "Smart Manufacturing Technology"), product: "智能制造系统集成", parks: &["YC-SUYIN"] },
            SegmentRow { code: "EQUIP-10", position: P::Downstream, zh: "维修与再制造", en: "Repair and remanufacturing", classes: "C4320,C4330,C4360", word: ("再制造", "Remanufacturing"), product: "设备维修与再制造", parks: &["SZS-HTZ", "WZ-JINJI", "ND-COALCHEM"] },
        ],
    },
];

/// A real institution of the region or the country (its USCC is not recorded: unknown to us).
pub struct InstitutionRow {
    pub key: &'static str,
    pub kind: entity::enums::OrganizationKind,
    pub zh: &'static str,
    pub en: &'static str,
    /// Municipality when inside the metro area.
    pub municipality: Option<M>,
    pub region: &'static str,
    pub website: Option<&'static str>,
}

use entity::enums::OrganizationKind as K;

pub const INSTITUTIONS: &[InstitutionRow] = &[
    InstitutionRow { key: "NXU", kind: K::University, zh: "宁夏大学", en: "Ningxia University", municipality: Some(M::Yinchuan), region: "640104", website: Some("https://www.nxu.edu.cn") },
    InstitutionRow { key: "NMU", kind: K::University, zh: "北方民族大学", en: "North Minzu University", municipality: Some(M::Yinchuan), region: "640105", website: None },
    InstitutionRow { key: "NXMU", kind: K::University, zh: "宁夏医科大学", en: "Ningxia Medical University", municipality: Some(M::Yinchuan), region: "640104", website: None },
    InstitutionRow { key: "NIST", kind: K::University, zh: "宁夏理工学院", en: "Ningxia Institute of Science and Technology", municipality: Some(M::Shizuishan), region: "640202", website: None },
    InstitutionRow { key: "YCUE", kind: K::University, zh: "银川能源学院", en: "Yinchuan University of Energy", municipality: Some(M::Yinchuan), region: "640121", website: None },
    InstitutionRow { key: "YCUST", kind: K::University, zh: "银川科技学院", en: "Yinchuan University of Science and Technology", municipality: Some(M::Yinchuan), region: "640100", website: None },
    InstitutionRow { key: "SZSVC", kind: K::University, zh: "石嘴山工贸职业技术学院", en: "Shizuishan Industry and Trade Vocational and Technical College", municipality: Some(M::Shizuishan), region: "640202", website: None },
    InstitutionRow { key: "NXVCN", kind: K::University, zh: "宁夏民族职业技术学院", en: "Ningxia Vocational Technical College of Nationalities", municipality: Some(M::Wuzhong), region: "640302", website: None },
    InstitutionRow { key: "NXICVC", kind: K::University, zh: "宁夏工商职业技术学院", en: "Ningxia Industrial and Commercial Vocational and Technical College", municipality: Some(M::Yinchuan), region: "640100", website: None },
    InstitutionRow { key: "NXNU", kind: K::University, zh: "宁夏师范大学", en: "Ningxia Normal University", municipality: None, region: "640400", website: None },
    InstitutionRow { key: "TJU", kind: K::University, zh: "天津大学", en: "Tianjin University", municipality: None, region: "120000", website: Some("https://www.tju.edu.cn") },
    InstitutionRow { key: "SJTU", kind: K::University, zh: "上海交通大学", en: "Shanghai Jiao Tong University", municipality: None, region: "310000", website: Some("https://www.sjtu.edu.cn") },
    InstitutionRow { key: "ECUST", kind: K::University, zh: "华东理工大学", en: "East China University of Science and Technology", municipality: None, region: "310000", website: Some("https://www.ecust.edu.cn") },
    InstitutionRow { key: "CUMT", kind: K::University, zh: "中国矿业大学", en: "China University of Mining and Technology", municipality: None, region: "320300", website: Some("https://www.cumt.edu.cn") },
    InstitutionRow { key: "SJTU-YC", kind: K::ResearchInstitute, zh: "上海交通大学银川新材料研究院", en: "SJTU Yinchuan Institute of Materials", municipality: Some(M::Yinchuan), region: "640104", website: None },
    InstitutionRow { key: "NAAFS", kind: K::ResearchInstitute, zh: "宁夏农林科学院", en: "Ningxia Academy of Agriculture and Forestry Sciences", municipality: Some(M::Yinchuan), region: "640104", website: None },
    InstitutionRow { key: "NXSTI", kind: K::ResearchInstitute, zh: "宁夏回族自治区科学技术发展战略和信息研究所", en: "Ningxia Institute of Science and Technology Strategy and Information", municipality: Some(M::Yinchuan), region: "640104", website: None },
    InstitutionRow { key: "DICP", kind: K::ResearchInstitute, zh: "中国科学院大连化学物理研究所", en: "Dalian Institute of Chemical Physics, Chinese Academy of Sciences", municipality: None, region: "210200", website: Some("https://www.dicp.ac.cn") },
    InstitutionRow { key: "ICC", kind: K::ResearchInstitute, zh: "中国科学院山西煤炭化学研究所", en: "Institute of Coal Chemistry, Chinese Academy of Sciences", municipality: None, region: "140100", website: None },
    InstitutionRow { key: "CPCIF", kind: K::IndustryAssociation, zh: "中国石油和化学工业联合会", en: "China Petroleum and Chemical Industry Federation", municipality: None, region: "110000", website: None },
    InstitutionRow { key: "CNMIA", kind: K::IndustryAssociation, zh: "中国有色金属工业协会", en: "China Nonferrous Metals Industry Association", municipality: None, region: "110000", website: None },
    InstitutionRow { key: "CCMIA", kind: K::IndustryAssociation, zh: "中国煤炭机械工业协会", en: "China Coal Machinery Industry Association", municipality: None, region: "110000", website: None },
    InstitutionRow { key: "NXAST", kind: K::SocialOrganization, zh: "宁夏回族自治区科学技术协会", en: "Ningxia Association for Science and Technology", municipality: Some(M::Yinchuan), region: "640104", website: None },
    InstitutionRow { key: "BONX", kind: K::FinancialInstitution, zh: "宁夏银行", en: "Bank of Ningxia", municipality: Some(M::Yinchuan), region: "640104", website: None },
    InstitutionRow { key: "CDB-NX", kind: K::FinancialInstitution, zh: "国家开发银行宁夏回族自治区分行", en: "China Development Bank Ningxia Branch", municipality: Some(M::Yinchuan), region: "640104", website: None },
];
