//! Fault injection: per-path answers that replace (or delay) normal handling.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use serde::Deserialize;

/// A fault applied to the next `count` calls of `path` (`*` = every WeCom path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Exact request path, e.g. `/cgi-bin/message/send`, or `*`.
    pub path: String,
    /// How many calls it affects.
    pub count: u32,
    /// What happens to them.
    pub kind: FaultKind,
}

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer HTTP 200 `{errcode, errmsg}` without handling the call.
    Errcode(i64),
    /// Answer this HTTP status with a short text body, without handling the call.
    HttpStatus(u16),
    /// Sleep, then handle the call normally.
    Delay(Duration),
    /// Close the connection without writing any response.
    DropConnection,
}

impl FaultKind {
    pub(crate) fn label(&self) -> String {
        match self {
            Self::Errcode(c) => format!("errcode:{c}"),
            Self::HttpStatus(s) => format!("http_status:{s}"),
            Self::Delay(d) => format!("delay:{}ms", d.as_millis()),
            Self::DropConnection => "drop_connection".to_owned(),
        }
    }
}

/// JSON form for `POST /sim/faults`:
/// `{"path":"/cgi-bin/gettoken","count":2,"kind":"errcode","errcode":-1}`, kinds
/// `errcode` (+`errcode`), `http_status` (+`status`), `delay` (+`delay_ms`),
/// `drop_connection`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct FaultSpec {
    path: String,
    #[serde(default = "one")]
    count: u32,
    kind: String,
    errcode: Option<i64>,
    status: Option<u16>,
    delay_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

impl FaultSpec {
    pub(crate) fn into_fault(self) -> Result<Fault, String> {
        let kind = match (self.kind.as_str(), self.errcode, self.status, self.delay_ms) {
            ("errcode", Some(c), _, _) => FaultKind::Errcode(c),
            ("http_status", _, Some(s), _) if (100..600).contains(&s) => FaultKind::HttpStatus(s),
            ("delay", _, _, Some(ms)) => FaultKind::Delay(Duration::from_millis(ms)),
            ("drop_connection", _, _, _) => FaultKind::DropConnection,
            _ => {
                return Err(format!(
                    "bad fault kind or missing parameter: {}",
                    self.kind
                ));
            }
        };
        Ok(Fault {
            path: self.path,
            count: self.count,
            kind,
        })
    }
}

/// Random faults: each matching call fails with probability `percent`/100, with a kind
/// drawn from `kinds`. Seeded, so a failing test replays the same sequence.
#[derive(Debug, Clone)]
pub struct Chaos {
    /// Exact request path, or `*`.
    pub path: String,
    /// Share of calls that fail, 0..=100.
    pub percent: u32,
    /// What a failure looks like, drawn uniformly.
    pub kinds: Vec<FaultKind>,
    rng: rand::rngs::StdRng,
}

impl Chaos {
    /// A chaos rule with its own seeded random sequence.
    pub fn new(path: impl Into<String>, percent: u32, kinds: Vec<FaultKind>, seed: u64) -> Self {
        use rand::SeedableRng as _;
        Self {
            path: path.into(),
            percent: percent.min(100),
            kinds,
            rng: rand::rngs::StdRng::seed_from_u64(seed),
        }
    }

    fn roll(&mut self, path: &str) -> Option<FaultKind> {
        use rand::Rng as _;
        if self.kinds.is_empty() || (self.path != path && self.path != "*") {
            return None;
        }
        if self.rng.random_range(0..100) >= self.percent {
            return None;
        }
        let i = self.rng.random_range(0..self.kinds.len());
        Some(self.kinds[i].clone())
    }
}

/// Takes one use of the first counted fault matching `path`, else rolls the chaos rule.
pub(crate) fn take(
    faults: &mut Vec<Fault>,
    chaos: &mut Option<Chaos>,
    path: &str,
) -> Option<FaultKind> {
    take_counted(faults, path).or_else(|| chaos.as_mut().and_then(|c| c.roll(path)))
}

fn take_counted(faults: &mut Vec<Fault>, path: &str) -> Option<FaultKind> {
    let i = faults
        .iter()
        .position(|f| f.count > 0 && (f.path == path || f.path == "*"))?;
    let kind = faults[i].kind.clone();
    faults[i].count -= 1;
    if faults[i].count == 0 {
        faults.remove(i);
    }
    Some(kind)
}

/// A body that fails before its first byte. actix-http then drops the connection without
/// flushing the already-buffered status line, so the client sees a bare disconnect.
#[derive(Debug)]
pub(crate) struct AbortBody;

impl MessageBody for AbortBody {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "sim: injected drop_connection",
        ))))
    }
}
