//! Administrative divisions (GB/T 2260) that parks and units are recorded in, with their names.
//! The seeder and the directory service read the same table.

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
    DIVISIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or("宁夏回族自治区")
}
