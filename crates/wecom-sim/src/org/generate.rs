//! Deterministic generator of a construction company's directory.

use std::collections::BTreeSet;

use super::names::{
    CITIES, FUNCTIONS, GIVEN, POSITIONS, PROJECTS, REGIONS, ROOT_NAME, STREETS, SURNAMES, TAGS,
    TEAMS,
};
use super::rng::SplitMix;
use super::{Department, Org, Tag, User};
use crate::config::OrgSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Branch,
    Project,
    Function,
    Team,
}

const MAX_DEPTH: u8 = 5;
/// Project departments that run work crews (班组).
const CREW_DEPTS: &[&str] = &["工程部", "安全部", "质量部", "物资部", "技术部", "设备部"];
const MOBILE_PREFIXES: &[&str] = &["138", "139", "150", "151", "186", "187", "135", "177"];

/// Generates the org described by `spec`; the same spec always gives the same org.
pub fn generate(spec: &OrgSpec) -> Org {
    let mut rng = SplitMix::new(spec.seed);
    let (mut departments, kinds) = departments(&mut rng, spec.departments.max(1));
    let mut users = users(&mut rng, spec.users, &departments);
    assign_leaders(&mut rng, &mut departments, &kinds, &mut users);
    let tags = tags(&mut rng, spec.tags, &departments, &users);
    Org {
        departments,
        users,
        tags,
    }
}

fn departments(rng: &mut SplitMix, count: usize) -> (Vec<Department>, Vec<Kind>) {
    let mut depts = vec![Department {
        id: 1,
        name: ROOT_NAME.to_owned(),
        name_en: Some("Zhongheng Construction Group".to_owned()),
        parentid: 0,
        order: 100_000_000,
        department_leader: Vec::new(),
    }];
    let mut kinds = vec![Kind::Root];
    let mut depth = vec![0u8];
    let mut child_count = vec![0u32];
    let mut sibling_names: Vec<BTreeSet<String>> = vec![BTreeSet::new()];
    let mut parents: Vec<usize> = vec![0];
    while depts.len() < count {
        let p = parents[rng.below(parents.len())];
        let kind = child_kind(rng, kinds[p]);
        let base = match kind {
            Kind::Branch => format!("{}分公司", rng.pick(REGIONS)),
            Kind::Project => format!("{}{}项目部", rng.pick(CITIES), rng.pick(PROJECTS)),
            Kind::Function => (*rng.pick(FUNCTIONS)).to_owned(),
            Kind::Team | Kind::Root => (*rng.pick(TEAMS)).to_owned(),
        };
        // WeCom rejects duplicate names among siblings, so number the repeats.
        let mut name = base.clone();
        let mut n = 2;
        while sibling_names[p].contains(&name) {
            name = format!("{base}（{n}）");
            n += 1;
        }
        sibling_names[p].insert(name.clone());
        let idx = depts.len();
        let id = i64::try_from(idx + 1).unwrap_or(i64::MAX);
        depts.push(Department {
            id,
            name,
            name_en: None,
            parentid: depts[p].id,
            order: 100_000_000u32.saturating_sub(child_count[p].saturating_mul(1000)),
            department_leader: Vec::new(),
        });
        child_count[p] += 1;
        kinds.push(kind);
        depth.push(depth[p] + 1);
        child_count.push(0);
        sibling_names.push(BTreeSet::new());
        // Teams only sit under a project's functional departments; HQ and branch
        // functions stay leaves, as in a real construction company.
        let container = match kind {
            Kind::Team | Kind::Root => false,
            Kind::Function => kinds[p] == Kind::Project && CREW_DEPTS.contains(&base.as_str()),
            Kind::Branch | Kind::Project => true,
        };
        if container && depth[idx] < MAX_DEPTH {
            parents.push(idx);
        }
    }
    (depts, kinds)
}

fn child_kind(rng: &mut SplitMix, parent: Kind) -> Kind {
    match parent {
        Kind::Root if rng.percent(70) => Kind::Branch,
        Kind::Branch if rng.percent(60) => Kind::Project,
        Kind::Root | Kind::Branch | Kind::Project => Kind::Function,
        Kind::Function | Kind::Team => Kind::Team,
    }
}

fn users(rng: &mut SplitMix, count: usize, depts: &[Department]) -> Vec<User> {
    let mut users = Vec::with_capacity(count);
    for i in 0..count {
        let (surname, sur_py) = *rng.pick(SURNAMES);
        let (g1, p1) = *rng.pick(GIVEN);
        let (name, given_py) = if rng.percent(70) {
            let (g2, p2) = *rng.pick(GIVEN);
            (format!("{surname}{g1}{g2}"), format!("{p1}{p2}"))
        } else {
            (format!("{surname}{g1}"), p1.to_owned())
        };
        let userid = format!("{sur_py}{given_py}{i:04}");
        let department = user_departments(rng, depts);
        let main_department = department[0];
        let status = match rng.below(100) {
            0..=90 => 1,
            91..=93 => 2,
            94..=97 => 4,
            _ => 5,
        };
        let r = rng.next_u64();
        // An odd multiplier coprime to 10^8 makes the suffix unique for every index.
        let suffix = (i as u64).wrapping_mul(104_729).wrapping_add(12_345) % 100_000_000;
        let mobile = format!("{}{suffix:08}", rng.pick(MOBILE_PREFIXES));
        let open_userid = format!("wo{:08x}{i:06}", r & 0xffff_ffff);
        let telephone = if rng.percent(30) {
            format!("0512-6{:07}", r % 10_000_000)
        } else {
            String::new()
        };
        let address = if rng.percent(40) {
            format!(
                "{}市{}{}号",
                rng.pick(CITIES),
                rng.pick(STREETS),
                1 + rng.below(300)
            )
        } else {
            String::new()
        };
        let alias = if rng.percent(10) {
            format!("{sur_py}.{given_py}")
        } else {
            String::new()
        };
        users.push(User {
            order: vec![0; department.len()],
            is_leader_in_dept: vec![0; department.len()],
            position: (*rng.pick(POSITIONS)).to_owned(),
            mobile,
            gender: if rng.percent(80) { "1" } else { "2" }.to_owned(),
            email: format!("{userid}@mail.example.com"),
            biz_mail: format!("{userid}@zhonghengjs.example.com"),
            direct_leader: Vec::new(),
            avatar: format!("https://wework.qpic.cn/wwpic/sim/{open_userid}/0"),
            thumb_avatar: format!("https://wework.qpic.cn/wwpic/sim/{open_userid}/100"),
            telephone,
            alias,
            address,
            qr_code: format!(
                "https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=vc{:016x}",
                r.rotate_left(17)
            ),
            open_userid,
            main_department,
            status,
            external_position: String::new(),
            userid,
            name,
            department,
        });
    }
    users
}

fn user_departments(rng: &mut SplitMix, depts: &[Department]) -> Vec<i64> {
    let pick = |rng: &mut SplitMix| {
        // Only a few members sit directly in the root; most belong to a sub-department.
        if depts.len() == 1 || rng.percent(2) {
            1
        } else {
            depts[1 + rng.below(depts.len() - 1)].id
        }
    };
    let mut out = vec![pick(rng)];
    let extra = match rng.below(100) {
        0..=2 => 2,
        3..=14 => 1,
        _ => 0,
    };
    for _ in 0..extra {
        let d = pick(rng);
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

fn assign_leaders(
    rng: &mut SplitMix,
    depts: &mut [Department],
    kinds: &[Kind],
    users: &mut [User],
) {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); depts.len()];
    for (ui, u) in users.iter().enumerate() {
        for d in &u.department {
            if let Some(m) = usize::try_from(*d - 1)
                .ok()
                .and_then(|i| members.get_mut(i))
            {
                m.push(ui);
            }
        }
    }
    for (di, list) in members.iter().enumerate() {
        let active: Vec<usize> = list
            .iter()
            .copied()
            .filter(|&u| users[u].status == 1)
            .collect();
        if active.is_empty() {
            continue;
        }
        let leader = active[rng.below(active.len())];
        let dept_id = depts[di].id;
        let user = &mut users[leader];
        if let Some(pos) = user.department.iter().position(|&d| d == dept_id) {
            user.is_leader_in_dept[pos] = 1;
        }
        if user.main_department == dept_id {
            user.position = match kinds[di] {
                Kind::Root => "总经理",
                Kind::Branch => "分公司总经理",
                Kind::Project => "项目经理",
                Kind::Function => "部门经理",
                Kind::Team => "班组长",
            }
            .to_owned();
        }
        depts[di].department_leader = vec![user.userid.clone()];
    }
    // Direct leader: the nearest leader above (or of) the main department, never oneself.
    for u in users.iter_mut() {
        let mut d = u.main_department;
        while d != 0 {
            let Some(dept) = usize::try_from(d - 1).ok().and_then(|i| depts.get(i)) else {
                break;
            };
            if let Some(l) = dept.department_leader.iter().find(|l| **l != u.userid) {
                u.direct_leader = vec![l.clone()];
                break;
            }
            d = dept.parentid;
        }
    }
}

fn tags(rng: &mut SplitMix, count: usize, depts: &[Department], users: &[User]) -> Vec<Tag> {
    (0..count)
        .map(|i| {
            let base = TAGS[i % TAGS.len()];
            let tagname = if i < TAGS.len() {
                base.to_owned()
            } else {
                format!("{base}{}", i / TAGS.len() + 1)
            };
            let mut members = BTreeSet::new();
            if !users.is_empty() {
                let want = 1 + rng.below((users.len() / 20).clamp(1, 500));
                for _ in 0..want {
                    members.insert(rng.below(users.len()));
                }
            }
            let mut parties = BTreeSet::new();
            if depts.len() > 1 {
                for _ in 0..rng.below(3) {
                    parties.insert(depts[1 + rng.below(depts.len() - 1)].id);
                }
            }
            Tag {
                tagid: i64::try_from(i + 1).unwrap_or(i64::MAX),
                tagname,
                users: members
                    .into_iter()
                    .map(|u| users[u].userid.clone())
                    .collect(),
                parties: parties.into_iter().collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundred_thousand_users_and_five_thousand_departments() {
        let spec = OrgSpec {
            users: 100_000,
            departments: 5_000,
            tags: 30,
            seed: 1,
        };
        let org = generate(&spec);
        assert_eq!(org.users.len(), 100_000);
        assert_eq!(org.departments.len(), 5_000);
        assert_eq!(org.tags.len(), 30);
        org.check_consistency().expect("consistent");
        let leaders = org
            .departments
            .iter()
            .filter(|d| !d.department_leader.is_empty())
            .count();
        assert!(leaders > 4_000, "most departments have a leader: {leaders}");
        assert!(org.users.iter().any(|u| u.department.len() > 1));
        assert!(org.users.iter().any(|u| u.status != 1));
    }

    #[test]
    fn tiny_orgs_are_valid() {
        for (users, departments) in [(0, 1), (1, 1), (3, 2), (10, 0)] {
            let org = generate(&OrgSpec {
                users,
                departments,
                tags: 2,
                seed: 3,
            });
            org.check_consistency().expect("consistent");
            assert_eq!(org.users.len(), users);
        }
    }
}
