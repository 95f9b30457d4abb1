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

/// Province-level divisions (GB/T 2260), by the code's first two digits.
const PROVINCES: &[(&str, &str)] = &[
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

/// The name of a division: the county-level name where the table has it, else the name of its
/// province; `None` when the first two digits name no province (not a GB/T 2260 code).
pub fn division_name(code: &str) -> Option<&'static str> {
    DIVISIONS
        .iter()
        .find(|(c, _)| *c == code)
        .or_else(|| PROVINCES.iter().find(|(p, _)| code.get(..2) == Some(*p)))
        .map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::division_name;

    #[test]
    fn a_division_outside_the_table_is_named_by_its_province() {
        assert_eq!(division_name("640104"), Some("银川市兴庆区"));
        assert_eq!(division_name("330100"), Some("浙江省"));
        assert_eq!(division_name("990100"), None);
    }
}
