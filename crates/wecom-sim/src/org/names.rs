//! Word lists for the generated construction company (all names are fictional).

/// Surnames with a pinyin spelling for the userid.
pub(super) const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"),
    ("袁", "yuan"), ("潘", "pan"), ("于", "yu"), ("蒋", "jiang"), ("蔡", "cai"),
    ("余", "yu"), ("杜", "du"), ("叶", "ye"), ("程", "cheng"), ("苏", "su"),
    ("魏", "wei"), ("吕", "lv"), ("丁", "ding"), ("任", "ren"), ("沈", "shen"),
    ("欧阳", "ouyang"), ("司马", "sima"),
];

/// Given-name characters with pinyin; names use one or two of them.
pub(super) const GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"),
    ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("桂", "gui"),
    ("建", "jian"), ("国", "guo"), ("华", "hua"), ("文", "wen"), ("斌", "bin"),
    ("宇", "yu"), ("浩", "hao"), ("鹏", "peng"), ("辉", "hui"), ("峰", "feng"),
    ("海", "hai"), ("波", "bo"), ("亮", "liang"), ("红", "hong"), ("志", "zhi"),
    ("东", "dong"), ("晨", "chen"), ("欣", "xin"), ("雪", "xue"), ("琳", "lin"),
    ("思", "si"), ("佳", "jia"), ("嘉", "jia"), ("俊", "jun"), ("凯", "kai"),
];

/// Root department name.
pub(super) const ROOT_NAME: &str = "中衡建设集团有限公司";

/// Regions for 分公司.
pub(super) const REGIONS: &[&str] = &[
    "华东", "华南", "华北", "华中", "西南", "西北", "东北", "京津冀", "长三角", "粤港澳",
    "海外", "江苏", "浙江", "四川", "湖北", "山东", "河南", "安徽", "福建", "广西",
];

/// Cities for 项目部 names.
pub(super) const CITIES: &[&str] = &[
    "苏州", "杭州", "南京", "合肥", "武汉", "成都", "重庆", "西安", "郑州", "长沙",
    "广州", "深圳", "厦门", "福州", "济南", "青岛", "天津", "沈阳", "昆明", "南宁",
];

/// Project kinds for 项目部 names.
pub(super) const PROJECTS: &[&str] = &[
    "地铁", "综合管廊", "高速公路", "跨江大桥", "商业综合体", "安置房", "医院", "学校",
    "污水处理厂", "物流园", "产业园", "机场航站楼", "隧道", "体育中心", "会展中心",
];

/// Functional departments (below the root, a 分公司 or a 项目部).
pub(super) const FUNCTIONS: &[&str] = &[
    "工程部", "安全部", "质量部", "物资部", "财务部", "技术部", "商务部", "办公室",
    "人力资源部", "设备部", "合约部", "综合部",
];

/// Work teams (below a functional department).
pub(super) const TEAMS: &[&str] = &[
    "钢筋班组", "木工班组", "混凝土班组", "架子工班组", "电工班组", "焊工班组",
    "测量组", "试验室", "机械班组", "防水班组",
];

/// Positions of ordinary members.
pub(super) const POSITIONS: &[&str] = &[
    "施工员", "安全员", "质检员", "工程师", "材料员", "资料员", "预算员", "技术员",
    "测量员", "机械员", "造价工程师", "会计", "出纳", "试验员", "劳务员",
];

/// Tag names.
pub(super) const TAGS: &[&str] = &[
    "安全管理人员", "特种作业人员", "质量管理人员", "项目经理", "应急救援小组",
    "党员", "注册建造师", "技术骨干", "新员工", "巡检人员",
];

/// Street names for addresses.
pub(super) const STREETS: &[&str] = &[
    "人民路", "建设路", "解放路", "中山路", "长江路", "黄河路", "和平路", "新华路",
];
