//! The approval engine: plans against a small company, the flows the field uses, and a
//! property test that no sequence of commands breaks an instance.

use std::collections::{BTreeMap, BTreeSet};

use domain::access::ProjectRole;
use domain::approval::{
    Action, ActionError, ApproverRule, CardNote, ChosenRefusal, DEFAULT_CHOSEN_MAX, Directory,
    Effect, EntryKind, Instance, Node, Outcome, PlanError, PlannedStep, RejectDefault, RejectTo,
    SeatState, SelfApproval, SelfApprovalNote, SignMode, Status, StepKind, SubmitContext, Template,
    builtin, plan,
};
use proptest::prelude::*;
use serde_json::json;

const T0: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

/// 总经理 ceo ← 分公司 boss2 ← 项目部 lead3 ← worker; project 7: pm, safety, supervisor.
#[derive(Default)]
struct Company {
    away: BTreeMap<String, String>,
    gone: BTreeSet<String>,
    admins: Vec<String>,
}

impl Directory for Company {
    fn is_active(&self, userid: &str) -> bool {
        !self.gone.contains(userid)
    }
    fn tag_members(&self, tag_id: i64) -> Vec<String> {
        if tag_id == 1 {
            vec!["qa1".into(), "qa2".into()]
        } else {
            Vec::new()
        }
    }
    fn leaders_at(&self, userid: &str, level: u8) -> Vec<String> {
        let chain = match userid {
            "worker" => ["lead3", "boss2", "ceo"].as_slice(),
            "lead3" => ["boss2", "ceo"].as_slice(),
            "boss2" => ["ceo"].as_slice(),
            _ => [].as_slice(),
        };
        chain
            .get(usize::from(level).wrapping_sub(1))
            .map(|l| vec![(*l).to_owned()])
            .unwrap_or_default()
    }
    fn is_within(&self, userid: &str, departments: &[i64]) -> bool {
        userid == "worker" && departments.contains(&3)
    }
    fn project_role(&self, project: i64, role: ProjectRole) -> Vec<String> {
        match (project, role) {
            (7, ProjectRole::Manager) => vec!["pm".into()],
            (7, ProjectRole::Safety) => vec!["safety".into()],
            (7, ProjectRole::Supervisor) => vec!["supervisor".into()],
            _ => Vec::new(),
        }
    }
    fn finance(&self) -> Vec<String> {
        vec!["cfo".into()]
    }
    fn delegate_of(&self, userid: &str) -> Option<String> {
        self.away.get(userid).cloned()
    }
    fn fallback(&self) -> Vec<String> {
        self.admins.clone()
    }
}

fn ctx(initiator: &str) -> SubmitContext {
    SubmitContext {
        initiator: initiator.into(),
        project: Some(7),
        chosen: BTreeMap::new(),
    }
}

fn purchase_form(total_yuan: i64) -> domain::approval::FormValues {
    let form = [
        ("project".to_owned(), json!(7)),
        ("items".to_owned(), json!("HRB400 钢筋 20 吨")),
        ("materials".to_owned(), json!(total_yuan * 100)),
        ("arrival".to_owned(), json!("2026-12-01")),
    ]
    .into();
    builtin::purchase()
        .form
        .validate(&form)
        .expect("valid form")
}

fn approvers(steps: &[PlannedStep]) -> Vec<(String, Vec<String>)> {
    steps
        .iter()
        .map(|s| {
            (
                s.node_id.clone(),
                s.people.iter().map(|p| p.userid.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn a_conditional_branch_adds_finance_above_fifty_thousand() {
    let company = Company::default();
    let t = builtin::purchase();
    let small = plan(&t, &purchase_form(49_999), &ctx("worker"), &company).expect("plan");
    assert_eq!(
        approvers(&small),
        [
            ("pm".to_owned(), vec!["pm".to_owned()]),
            ("cc".to_owned(), vec!["lead3".to_owned()])
        ]
    );
    let large = plan(&t, &purchase_form(50_001), &ctx("worker"), &company).expect("plan");
    let nodes: Vec<&str> = large.iter().map(|s| s.node_id.as_str()).collect();
    assert_eq!(nodes, ["pm", "total_finance", "cc"]);
}

#[test]
fn leaders_delegates_leavers_and_the_fallback_resolve_as_documented() {
    let mut company = Company::default();
    let leave = builtin::leave();
    let form = leave
        .form
        .validate(
            &[
                ("kind".to_owned(), json!("年假")),
                ("dates".to_owned(), json!(["2026-12-01", "2026-12-05"])),
                ("days".to_owned(), json!(5)),
            ]
            .into(),
        )
        .expect("valid");
    let steps = plan(&leave, &form, &ctx("worker"), &company).expect("plan");
    assert_eq!(
        approvers(&steps),
        [
            ("leader".to_owned(), vec!["lead3".to_owned()]),
            ("leader2".to_owned(), vec!["boss2".to_owned()])
        ]
    );

    // lead3 is away and boss2 acts for them; boss2 appears once per step.
    company.away.insert("lead3".into(), "boss2".into());
    let steps = plan(&leave, &form, &ctx("worker"), &company).expect("plan");
    assert_eq!(steps[0].people[0].userid, "boss2");
    assert_eq!(steps[0].people[0].on_behalf_of.as_deref(), Some("lead3"));

    // Nobody resolves (ceo has no leader): the admins stand in; without admins, an error.
    let steps = plan(
        &leave,
        &form,
        &ctx("ceo"),
        &Company {
            admins: vec!["admin".into()],
            ..Company::default()
        },
    )
    .expect("plan");
    assert!(steps[0].fallback);
    assert_eq!(steps[0].people[0].userid, "admin");
    assert!(plan(&leave, &form, &ctx("ceo"), &company).is_err());

    // A leaver never gets a card.
    company.gone.insert("boss2".into());
    company.away.clear();
    let steps = plan(
        &leave,
        &form,
        &ctx("worker"),
        &Company {
            gone: company.gone.clone(),
            admins: vec!["admin".into()],
            ..Company::default()
        },
    )
    .expect("plan");
    assert_eq!(steps[1].people[0].userid, "admin");
}

fn step(node: &str, mode: SignMode, people: &[&str]) -> PlannedStep {
    PlannedStep {
        timeout: Some(domain::approval::Timeout {
            remind_after_hours: 4,
            escalate_after_hours: Some(8),
        }),
        ..PlannedStep::of(node, StepKind::Approve(mode), people)
    }
}

fn cc(people: &[&str]) -> PlannedStep {
    PlannedStep::of("cc", StepKind::Cc, people)
}

fn start(steps: Vec<PlannedStep>) -> (Instance, Vec<Effect>) {
    Instance::start(
        "purchase",
        "worker",
        BTreeMap::new(),
        steps,
        RejectDefault::Initiator,
        T0,
    )
}

fn effects(outcome: Result<Outcome, ActionError>) -> Vec<Effect> {
    match outcome.expect("accepted") {
        Outcome::Applied(effects) => effects,
        Outcome::AlreadyDone => panic!("expected a change"),
    }
}

fn approve() -> Action {
    Action::Approve { comment: None }
}

#[test]
fn or_sign_countersign_and_cc_run_in_order() {
    let (mut i, first) = start(vec![
        step("any", SignMode::Any, &["a", "b"]),
        step("all", SignMode::All, &["c", "d"]),
        cc(&["e"]),
        step("seq", SignMode::Sequential, &["f", "g"]),
    ]);
    assert_eq!(
        first,
        [Effect::AskApprovers {
            step: 0,
            userids: vec!["a".into(), "b".into()]
        }]
    );
    // Or-sign: a decides for both; b's card says so.
    let e = effects(i.act("a", approve(), T0 + 1));
    assert!(e.contains(&Effect::CloseCards {
        step: 0,
        userids: vec!["b".into()],
        note: CardNote::DecidedBy {
            userid: "a".into(),
            approved: true
        }
    }));
    // b's tap a moment later changes nothing and is refused; a's double tap is a no-op.
    assert_eq!(
        i.act("b", approve(), T0 + 2),
        Err(ActionError::NotPendingApprover)
    );
    assert_eq!(i.act("a", approve(), T0 + 2), Ok(Outcome::AlreadyDone));
    // Countersign waits for everyone.
    assert_eq!(i.pending_approvers(), ["c", "d"]);
    effects(i.act("d", approve(), T0 + 3));
    assert_eq!(i.pending_approvers(), ["c"]);
    let e = effects(i.act("c", approve(), T0 + 4));
    assert!(e.contains(&Effect::Copy {
        userids: vec!["e".into()]
    }));
    // Sequential: f, then g.
    assert_eq!(i.pending_approvers(), ["f"]);
    effects(i.act("f", approve(), T0 + 5));
    assert_eq!(i.pending_approvers(), ["g"]);
    let e = effects(i.act("g", approve(), T0 + 6));
    assert!(e.contains(&Effect::TellInitiator {
        status: Status::Approved
    }));
    assert_eq!(i.status, Status::Approved);
    let frozen = i.clone();
    assert_eq!(i.act("g", approve(), T0 + 7), Err(ActionError::Finished));
    assert_eq!(
        i.act(
            "worker",
            Action::Comment {
                text: "x".into(),
                attachments: Vec::new()
            },
            T0 + 7
        ),
        Err(ActionError::Finished)
    );
    assert_eq!(i, frozen);
}

#[test]
fn reject_back_to_an_earlier_step_then_to_the_initiator_then_resubmit() {
    let (mut i, _) = start(vec![
        step("one", SignMode::Any, &["a"]),
        step("two", SignMode::Any, &["b"]),
    ]);
    effects(i.act("a", approve(), T0 + 1));
    let e = effects(i.act(
        "b",
        Action::Reject {
            reason: Some("数量不对".into()),
            to: Some(RejectTo::Step(0)),
        },
        T0 + 2,
    ));
    assert!(e.contains(&Effect::AskApprovers {
        step: 0,
        userids: vec!["a".into()]
    }));
    assert_eq!(i.pending_approvers(), ["a"]);
    assert_eq!(
        i.act(
            "a",
            Action::Reject {
                reason: None,
                to: Some(RejectTo::Step(1))
            },
            T0 + 3
        ),
        Err(ActionError::Invalid("只能退回到之前的审批节点"))
    );
    // The card's 驳回: the template default, back to the initiator, with a default reason.
    let e = effects(i.act(
        "a",
        Action::Reject {
            reason: None,
            to: None,
        },
        T0 + 4,
    ));
    assert!(e.contains(&Effect::TellInitiator {
        status: Status::Returned
    }));
    assert_eq!(i.status, Status::Returned);
    let last = i.timeline.last().expect("entry");
    assert_eq!(
        last.comment.as_deref(),
        Some(domain::approval::instance::DEFAULT_REJECT_REASON)
    );
    assert_eq!(
        i.act("a", approve(), T0 + 5),
        Err(ActionError::NotPendingApprover)
    );
    assert_eq!(
        i.act(
            "a",
            Action::Resubmit {
                form: BTreeMap::new(),
                steps: Vec::new()
            },
            T0 + 5
        ),
        Err(ActionError::NotInitiator)
    );
    let e = effects(i.act(
        "worker",
        Action::Resubmit {
            form: BTreeMap::new(),
            steps: vec![step("one", SignMode::Any, &["a"])],
        },
        T0 + 6,
    ));
    assert_eq!(i.round, 2);
    assert_eq!(
        e,
        [Effect::AskApprovers {
            step: 0,
            userids: vec!["a".into()]
        }]
    );
    effects(i.act("a", approve(), T0 + 7));
    assert_eq!(i.status, Status::Approved);
}

#[test]
fn transfer_add_signer_withdraw_and_remind() {
    let (mut i, _) = start(vec![
        step("one", SignMode::Any, &["a"]),
        step("two", SignMode::Any, &["b"]),
    ]);
    // 催办 is rate-limited; withdraw works until someone acts.
    effects(i.act("worker", Action::Remind, T0 + 1));
    assert!(matches!(
        i.act("worker", Action::Remind, T0 + 2),
        Err(ActionError::TooSoon(_))
    ));
    assert_eq!(
        i.act("a", Action::Remind, T0 + 2),
        Err(ActionError::NotInitiator)
    );
    // Transfer a → x; x adds y before themself; y approves; x approves.
    assert!(matches!(
        i.act(
            "a",
            Action::Transfer {
                to: "a".into(),
                comment: None
            },
            T0 + 3
        ),
        Err(ActionError::Invalid(_))
    ));
    effects(i.act(
        "a",
        Action::Transfer {
            to: "x".into(),
            comment: None,
        },
        T0 + 3,
    ));
    assert_eq!(i.pending_approvers(), ["x"]);
    assert!(matches!(
        i.act("worker", Action::Withdraw, T0 + 4),
        Err(ActionError::NotNow(_))
    ));
    effects(i.act(
        "x",
        Action::AddSigner {
            who: "y".into(),
            before: true,
            comment: None,
        },
        T0 + 4,
    ));
    assert_eq!(i.pending_approvers(), ["y"]);
    effects(i.act("y", approve(), T0 + 5));
    assert_eq!(i.pending_approvers(), ["x"]);
    // x adds z after themself: x's approval counts, z decides next, then b.
    effects(i.act(
        "x",
        Action::AddSigner {
            who: "z".into(),
            before: false,
            comment: None,
        },
        T0 + 6,
    ));
    assert_eq!(i.pending_approvers(), ["z"]);
    effects(i.act("z", approve(), T0 + 7));
    assert_eq!(i.pending_approvers(), ["b"]);

    // A fresh instance nobody touched can be withdrawn; cards close.
    let (mut fresh, _) = start(vec![step("one", SignMode::All, &["a", "b"])]);
    let e = effects(fresh.act("worker", Action::Withdraw, T0 + 1));
    assert!(e.contains(&Effect::CloseCards {
        step: 0,
        userids: vec!["a".into(), "b".into()],
        note: CardNote::Withdrawn
    }));
    assert_eq!(fresh.status, Status::Withdrawn);
}

#[test]
fn timeouts_remind_then_escalate_to_the_leader() {
    let (mut i, _) = start(vec![step("one", SignMode::Any, &["a"])]);
    // Nothing due: nothing changes, and the sweep knows when to look again.
    assert_eq!(i.next_timeout_ms(), Some(T0 + 4 * HOUR));
    assert_eq!(
        i.act("system", Action::Tick, T0 + 3 * HOUR),
        Ok(Outcome::AlreadyDone)
    );
    assert_eq!(
        effects(i.act("system", Action::Tick, T0 + 4 * HOUR)),
        [Effect::Remind {
            userids: vec!["a".into()]
        }]
    );
    assert_eq!(
        i.act("system", Action::Tick, T0 + 5 * HOUR),
        Ok(Outcome::AlreadyDone),
        "once"
    );
    assert_eq!(i.next_timeout_ms(), Some(T0 + 8 * HOUR));
    assert_eq!(
        effects(i.act("system", Action::Tick, T0 + 8 * HOUR)),
        [Effect::EscalationDue { userid: "a".into() }]
    );
    assert!(matches!(
        i.act(
            "a",
            Action::Escalate {
                from: "a".into(),
                to: "boss".into()
            },
            T0 + 8 * HOUR
        ),
        Err(ActionError::Invalid(_))
    ));
    effects(i.act(
        "system",
        Action::Escalate {
            from: "a".into(),
            to: "boss".into(),
        },
        T0 + 8 * HOUR,
    ));
    assert_eq!(i.pending_approvers(), ["boss"]);
    assert_eq!(i.steps[0].seats[0].state, SeatState::Passed);
    assert_eq!(
        i.next_timeout_ms(),
        Some(T0 + 12 * HOUR),
        "the new seat's own clock"
    );
    effects(i.act("boss", approve(), T0 + 9 * HOUR));
    assert_eq!(i.status, Status::Approved);
}

#[test]
fn a_countersign_rejection_decides_and_a_plan_without_approvers_finishes() {
    let mut steps = vec![step("all", SignMode::All, &["a", "b", "c"])];
    steps[0].timeout = None;
    let (mut i, _) = Instance::start(
        "x",
        "worker",
        BTreeMap::new(),
        steps,
        RejectDefault::End,
        T0,
    );
    effects(i.act("a", approve(), T0 + 1));
    effects(i.act(
        "b",
        Action::Reject {
            reason: Some("不同意".into()),
            to: None,
        },
        T0 + 2,
    ));
    assert_eq!(i.status, Status::Rejected);
    assert!(i.pending_approvers().is_empty());

    let (done, e) = start(vec![cc(&["e"])]);
    assert_eq!(done.status, Status::Approved);
    assert!(e.contains(&Effect::Copy {
        userids: vec!["e".into()]
    }));
}

#[test]
fn templates_refuse_unknown_fields_and_duplicate_nodes() {
    let mut t: Template = builtin::purchase();
    t.flow.push(Node::Cc {
        id: "pm".into(),
        name: "x".into(),
        rule: ApproverRule::Finance,
    });
    let duplicate = t.check().expect_err("a duplicate node id");
    assert_eq!(duplicate.node(), Some("pm"), "the error names the node");
    assert_eq!(duplicate.to_string(), "节点 pm：节点编号重复");
    let mut t = builtin::leave();
    t.card_fields.push("nope".into());
    let card = t.check().expect_err("an unknown card field");
    assert_eq!(card.node(), None, "the card is no node");
    // A branch condition on a missing field names the branch.
    let mut t = builtin::purchase();
    t.flow.push(
        serde_json::from_value(serde_json::json!({"type": "branch", "id": "big", "arms": [
            {"when": {"type": "not", "of": {"type": "field", "key": "nope", "op": "eq",
             "value": 1}}, "nodes": []}]}))
        .expect("a branch"),
    );
    let unknown = t.check().expect_err("an unknown field");
    assert_eq!(unknown.node(), Some("big"));
    assert!(unknown.to_string().starts_with("节点 big："), "{unknown}");
    // Templates travel as JSON (admins edit them through the API).
    let json = serde_json::to_string(&builtin::design_change()).expect("json");
    let back: Template = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, builtin::design_change());
}

/// Commands a property test may send, by anyone in a small cast.
fn any_command() -> impl Strategy<Value = (String, Action)> {
    let who = prop_oneof![
        Just("worker"),
        Just("a"),
        Just("b"),
        Just("c"),
        Just("x"),
        Just("system")
    ]
    .prop_map(str::to_owned);
    let action = prop_oneof![
        4 => Just(Action::Approve { comment: None }),
        1 => (0..3_usize).prop_map(|s| Action::Reject {
            reason: None,
            to: Some(RejectTo::Step(s)),
        }),
        1 => Just(Action::Reject { reason: None, to: None }),
        1 => Just(Action::Reject { reason: None, to: Some(RejectTo::End) }),
        1 => prop_oneof![Just("x"), Just("b"), Just("y")].prop_map(|to| Action::Transfer {
            to: to.into(),
            comment: None,
        }),
        1 => (any::<bool>(), prop_oneof![Just("y"), Just("c")]).prop_map(|(before, who)| {
            Action::AddSigner { who: who.into(), before, comment: None }
        }),
        1 => Just(Action::Withdraw),
        1 => Just(Action::Remind),
        1 => Just(Action::Tick),
        1 => Just(Action::Resubmit {
            form: BTreeMap::new(),
            steps: vec![step("again", SignMode::Any, &["a", "c"])],
        }),
        1 => Just(Action::Escalate { from: "a".into(), to: "x".into() }),
    ];
    (who, action)
}

/// What must hold after every command.
fn check_invariants(i: &Instance) {
    let pending: Vec<_> = i
        .steps
        .iter()
        .enumerate()
        .flat_map(|(n, s)| s.seats.iter().map(move |seat| (n, seat)))
        .filter(|(_, seat)| seat.state == SeatState::Pending)
        .collect();
    match i.status {
        Status::Pending => {
            assert!(i.current < i.steps.len(), "pending past the end");
            assert!(matches!(i.steps[i.current].kind, StepKind::Approve(_)));
            assert!(!pending.is_empty(), "pending with nobody to act");
            assert!(
                pending.iter().all(|(n, _)| *n == i.current),
                "pending outside current"
            );
        }
        _ => assert!(pending.is_empty(), "{:?} with pending seats", i.status),
    }
    if i.status == Status::Approved {
        for s in &i.steps {
            if let StepKind::Approve(_) = s.kind {
                assert!(
                    s.seats.iter().any(|seat| seat.state == SeatState::Approved),
                    "approved with an undecided step"
                );
            }
        }
    }
    if let StepKind::Approve(SignMode::Sequential) =
        i.steps.get(i.current).map_or(StepKind::Cc, |s| s.kind)
    {
        assert!(pending.len() <= 1, "two pending in a sequence");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_sequence_of_commands_breaks_an_instance(
        commands in proptest::collection::vec(any_command(), 0..40)
    ) {
        let (mut i, _) = start(vec![
            step("one", SignMode::Any, &["a", "b"]),
            step("two", SignMode::All, &["b", "c"]),
            cc(&["e"]),
            step("three", SignMode::Sequential, &["a", "c"]),
        ]);
        check_invariants(&i);
        let mut t = T0;
        for (who, action) in commands {
            t += HOUR;
            let before = i.clone();
            let result = i.act(&who, action, t);
            if before.status.is_finished() {
                prop_assert_eq!(&result, &Err(ActionError::Finished));
                prop_assert_eq!(&i, &before);
            }
            match result {
                Err(_) | Ok(Outcome::AlreadyDone) => prop_assert_eq!(&i, &before),
                Ok(Outcome::Applied(_)) => {}
            }
            check_invariants(&i);
            prop_assert!(i.timeline.len() >= before.timeline.len(), "timeline only grows");
            prop_assert_eq!(&i.timeline[..before.timeline.len()], &before.timeline[..]);
        }
    }
}

#[test]
fn nodes_the_initiator_staffs_are_found_in_branches_too() {
    let template = domain::approval::builtin::design_change();
    let chosen = template.chosen();
    assert!(!chosen.is_empty(), "技术会签 is picked by the initiator");
    let mut branched = template.clone();
    branched.flow = serde_json::from_value(serde_json::json!([
        {"type": "approve", "id": "tech", "name": "技术会签", "mode": "all", "rule": {"type": "chosen"}},
        {"type": "branch", "id": "b", "arms": [
            {"when": {"type": "field", "key": "x", "op": "gt", "value": 1},
             "nodes": [{"type": "cc", "id": "c1", "name": "抄送自选", "rule": {"type": "chosen"}}]}
        ], "otherwise": [{"type": "approve", "id": "o1", "name": "复核", "mode": "any",
            "rule": {"type": "chosen"}}]}
    ]))
    .expect("a flow");
    let found: Vec<(&str, &str, bool)> = branched
        .chosen()
        .iter()
        .map(|n| (n.id, n.name, n.approves))
        .collect();
    assert_eq!(
        found,
        [
            ("tech", "技术会签", true),
            ("c1", "抄送自选", false),
            ("o1", "复核", true)
        ]
    );
}

/// A one-node template whose approvers are `rule`, under `self_approval`.
fn one_node(rule: ApproverRule, self_approval: SelfApproval) -> Template {
    let mut t = builtin::leave();
    t.flow = vec![Node::Approve {
        id: "n".into(),
        name: "审批".into(),
        rule,
        mode: SignMode::Any,
        timeout: None,
    }];
    t.self_approval = self_approval;
    t
}

fn members(ids: &[&str]) -> ApproverRule {
    ApproverRule::Members {
        userids: ids.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn an_initiator_never_decides_their_own_request_by_default() {
    let company = Company {
        admins: vec!["admin".into()],
        ..Company::default()
    };
    // The PM files a purchase on their own project: the PM node is theirs. They have
    // no leader here, so the admins stand in.
    let t = builtin::purchase();
    assert_eq!(t.self_approval, SelfApproval::Leader, "the default");
    let steps = plan(&t, &purchase_form(1_000), &ctx("pm"), &company).expect("plan");
    assert_eq!(
        approvers(&steps)[0],
        ("pm".to_owned(), vec!["admin".to_owned()])
    );
    assert_eq!(
        steps[0].self_approval,
        Some(SelfApprovalNote::HandedOver {
            to: vec!["admin".into()]
        })
    );

    // With a leader, the seat goes to them, in the initiator's place in the order.
    let t = one_node(members(&["a", "lead3", "b"]), SelfApproval::Leader);
    let form = BTreeMap::new();
    let steps = plan(&t, &form, &ctx("lead3"), &company).expect("plan");
    assert_eq!(approvers(&steps)[0].1, ["a", "boss2", "b"]);

    // Someone acting for another approver is still the initiator.
    let mut away = company;
    away.away.insert("pm".into(), "lead3".into());
    let t = one_node(members(&["pm"]), SelfApproval::Leader);
    let steps = plan(&t, &form, &ctx("lead3"), &away).expect("plan");
    assert_eq!(approvers(&steps)[0].1, ["boss2"]);

    // The instance's timeline says what happened, at that step.
    let (i, _) = Instance::start(&t.code, "lead3", form, steps, t.on_reject, T0);
    assert!(i.timeline.iter().any(|e| e.step == Some(0)
        && matches!(
            e.kind,
            EntryKind::SelfApproval {
                note: SelfApprovalNote::HandedOver { .. }
            }
        )));
    assert_eq!(i.pending_approvers(), ["boss2"]);
}

#[test]
fn skip_drops_the_initiator_and_passes_an_empty_step_and_allow_keeps_them() {
    let company = Company::default();
    let form = BTreeMap::new();

    let t = one_node(members(&["lead3", "a"]), SelfApproval::Skip);
    let steps = plan(&t, &form, &ctx("lead3"), &company).expect("plan");
    assert_eq!(approvers(&steps)[0].1, ["a"]);

    let t = one_node(members(&["lead3"]), SelfApproval::Skip);
    let steps = plan(&t, &form, &ctx("lead3"), &company).expect("plan");
    assert!(steps[0].people.is_empty());
    assert_eq!(steps[0].self_approval, Some(SelfApprovalNote::Skipped));
    let (i, _) = Instance::start(&t.code, "lead3", form.clone(), steps, t.on_reject, T0);
    assert_eq!(i.status, Status::Approved, "nobody else had to decide");

    let t = one_node(members(&["lead3"]), SelfApproval::Allow);
    let steps = plan(&t, &form, &ctx("lead3"), &company).expect("plan");
    assert_eq!(approvers(&steps)[0].1, ["lead3"]);
    assert_eq!(steps[0].self_approval, Some(SelfApprovalNote::Allowed));

    // Nobody to stand in: the submission is refused rather than self-approved.
    let t = one_node(members(&["ceo"]), SelfApproval::Leader);
    assert!(matches!(
        plan(&t, &form, &ctx("ceo"), &company),
        Err(PlanError::NoApprover(_))
    ));
}

#[test]
fn a_seat_is_never_handed_to_the_initiator() {
    let (mut i, _) = start(vec![step("a", SignMode::Any, &["a"])]);
    for action in [
        Action::Transfer {
            to: "worker".into(),
            comment: None,
        },
        Action::AddSigner {
            who: "worker".into(),
            before: true,
            comment: None,
        },
    ] {
        assert!(matches!(
            i.act("a", action, T0 + 1),
            Err(ActionError::Invalid(_))
        ));
    }
}

fn chosen_template(among: Option<ApproverRule>, max: Option<u8>) -> Template {
    one_node(
        ApproverRule::Chosen {
            among: among.map(Box::new),
            max,
        },
        SelfApproval::Leader,
    )
}

fn picking(ids: &[&str]) -> SubmitContext {
    let mut c = ctx("worker");
    c.chosen
        .insert("n".into(), ids.iter().map(|s| (*s).to_owned()).collect());
    c
}

fn refusal(t: &Template, c: &SubmitContext, dir: &Company) -> Option<ChosenRefusal> {
    match plan(t, &BTreeMap::new(), c, dir) {
        Err(PlanError::Chosen { why, .. }) => Some(why),
        Ok(_) => None,
        Err(other) => panic!("unexpected {other}"),
    }
}

#[test]
fn chosen_approvers_are_bounded_never_the_initiator_and_inside_the_scope() {
    let mut company = Company::default();
    company.gone.insert("left".into());
    let t = chosen_template(None, None);
    let many: Vec<String> = (0..=DEFAULT_CHOSEN_MAX).map(|n| format!("m{n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        refusal(&t, &picking(&many), &company),
        Some(ChosenRefusal::TooMany(DEFAULT_CHOSEN_MAX))
    );
    assert_eq!(refusal(&t, &picking(&many[1..]), &company), None);
    assert_eq!(
        refusal(
            &chosen_template(None, Some(2)),
            &picking(&["a", "b", "c"]),
            &company
        ),
        Some(ChosenRefusal::TooMany(2))
    );
    assert_eq!(
        refusal(&t, &picking(&["a", "worker"]), &company),
        Some(ChosenRefusal::Initiator)
    );
    assert_eq!(
        refusal(&t, &picking(&["left"]), &company),
        Some(ChosenRefusal::NotMember("left".into()))
    );
    assert_eq!(
        refusal(&t, &picking(&[]), &company),
        Some(ChosenRefusal::Missing)
    );

    // Scoped to the QA tag: members outside it are refused.
    let qa = chosen_template(Some(ApproverRule::Tag { tag_id: 1 }), None);
    assert_eq!(refusal(&qa, &picking(&["qa1", "qa2"]), &company), None);
    assert_eq!(
        refusal(&qa, &picking(&["qa1", "pm"]), &company),
        Some(ChosenRefusal::OutOfScope("pm".into()))
    );
    let project = chosen_template(
        Some(ApproverRule::ProjectRole {
            role: ProjectRole::Safety,
        }),
        None,
    );
    assert_eq!(refusal(&project, &picking(&["safety"]), &company), None);

    // A node the template does not have.
    let mut stray = picking(&["a"]);
    stray.chosen.insert("nope".into(), vec!["a".into()]);
    assert!(matches!(
        plan(&t, &BTreeMap::new(), &stray, &company),
        Err(PlanError::UnknownChosenNode(n)) if n == "nope"
    ));

    // A scope that is itself 自选, or a node taking nobody, is not a usable template.
    let nested = chosen_template(
        Some(ApproverRule::Chosen {
            among: None,
            max: None,
        }),
        None,
    );
    assert!(nested.check().is_err());
    assert!(chosen_template(None, Some(0)).check().is_err());
}
