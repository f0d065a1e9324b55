//! Callback hot path: verify + decrypt + parse of a ~1 KB event, and sealing a reply.
//! `cargo xtask bench wecom`; figures are recorded in docs/benchmarks.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wecom::callback::CallbackCrypto;

/// A contact-change event padded with realistic fields to about 1 KB of plaintext.
fn typical_event() -> String {
    let mut xml = String::from(
        "<xml><ToUserName><![CDATA[wwd3c0f5e1a2b4c6d8]]></ToUserName>\n<FromUserName><![CDATA[sys]]></FromUserName>\n<CreateTime>1700000000</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[change_contact]]></Event>\n<ChangeType>create_user</ChangeType>\n<UserID><![CDATA[zhangwei0123]]></UserID>\n<Name><![CDATA[张伟]]></Name>\n<Department><![CDATA[1,7,42]]></Department>\n<MainDepartment>7</MainDepartment>\n<IsLeaderInDept><![CDATA[0,1,0]]></IsLeaderInDept>\n<DirectLeader><![CDATA[lisi0001,wangwu0002]]></DirectLeader>\n<Position><![CDATA[项目经理]]></Position>\n<Mobile>13800000000</Mobile>\n<Gender>1</Gender>\n<Email><![CDATA[zhangwei@example.com]]></Email>\n<Status>1</Status>\n<Avatar><![CDATA[https://wework.qpic.cn/wwhead/duc2TvpEgSTPk74Cd0G2lqHoGjE2q3ck/0]]></Avatar>\n<Alias><![CDATA[zw]]></Alias>\n<Telephone><![CDATA[020-12345678]]></Telephone>\n<Address><![CDATA[广州市天河区珠江新城三号工地项目部]]></Address>\n<ExtAttr>",
    );
    while xml.len() < 960 {
        xml.push_str("<Item><Name><![CDATA[工号]]></Name><Type>0</Type><Text><Value><![CDATA[A0001]]></Value></Text></Item>");
    }
    xml.push_str("</ExtAttr>\n</xml>");
    xml
}

fn bench(c: &mut Criterion) {
    let crypto = CallbackCrypto::new(
        "QDG6eK",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        "wwd3c0f5e1a2b4c6d8",
    )
    .expect("valid key");
    let event = typical_event();
    let sealed = crypto.seal(event.as_bytes(), "1700000000", "1372623149");
    let body = sealed.post_body("wwd3c0f5e1a2b4c6d8", Some(1000002));
    let query = sealed.query();
    let plaintext = crypto.open(&query, body.as_bytes()).expect("opens");

    let mut group = c.benchmark_group("callback");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_decrypt_parse_1kb", |b| {
        b.iter(|| {
            let plain = crypto
                .open(black_box(&query), black_box(body.as_bytes()))
                .expect("opens");
            wecom::event::parse(&plain, 1 << 20).expect("parses")
        })
    });
    group.bench_function("verify_decrypt_1kb", |b| {
        b.iter(|| {
            crypto
                .open(black_box(&query), black_box(body.as_bytes()))
                .expect("opens")
        })
    });
    group.bench_function("signature_only", |b| {
        b.iter(|| {
            crypto.signature(
                black_box("1700000000"),
                black_box("1372623149"),
                black_box(&sealed.encrypt),
            )
        })
    });
    group.bench_function("parse_only_1kb", |b| {
        b.iter(|| wecom::event::parse(black_box(&plaintext), 1 << 20).expect("parses"))
    });
    let reply = "<xml><ToUserName><![CDATA[zhangwei0123]]></ToUserName><FromUserName><![CDATA[wwd3c0f5e1a2b4c6d8]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[update_button]]></MsgType><Button><ReplaceName><![CDATA[已同意]]></ReplaceName></Button></xml>";
    group.bench_function("seal_reply", |b| {
        b.iter(|| crypto.seal_reply(black_box(reply), "1700000000", "1372623149"))
    });
    group.finish();
    eprintln!(
        "typical event plaintext: {} bytes, POST body: {} bytes",
        event.len(),
        body.len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
