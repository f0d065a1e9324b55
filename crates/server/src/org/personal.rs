//! Members' personal data sealed at rest: mobile, personal email, corp mailbox, landline
//! and address, as WeCom's `user/get` and a consented login's `getuserdetail` give them.
//!
//! Every write of a member goes through [`seal`] (the store only ever sees sealed text
//! and keyed digests), every read that needs the values through [`open`]. [`reseal`]
//! rewrites what is not sealed under the current key: plain text from builds before
//! sealing (run at every start, so none stays), and values under retired keys after a
//! rotation (`gantry reseal`, see docs/operations.md).

use std::collections::BTreeMap;
use std::fmt;

use domain::org::Member;
use store::{Digests, PersonalRow, Reseal, SealedMember, Store};

use crate::config::Settings;
use crate::sealed::{FieldCipher, Lookup, SealError, looks_sealed, sealed_key_id};

/// Members read per page of a reseal pass (and rewritten per transaction).
const PAGE: u32 = 500;

/// The personal fields of `m`, by column name.
fn fields_mut(m: &mut Member) -> [(&'static str, &mut Option<String>); 5] {
    [
        ("mobile", &mut m.mobile),
        ("email", &mut m.email),
        ("biz_mail", &mut m.biz_mail),
        ("telephone", &mut m.telephone),
        ("address", &mut m.address),
    ]
}

/// `member` ready for the store: personal fields sealed under the current key (an empty
/// value, WeCom's "cleared", stays empty), with the digests lookups use.
pub fn seal(cipher: &FieldCipher, member: &Member) -> Result<SealedMember, SealError> {
    let digests = Digests {
        mobile: digest(cipher, Lookup::Mobile, member.mobile.as_deref()),
        email: digest(cipher, Lookup::Email, member.email.as_deref()),
        biz_mail: digest(cipher, Lookup::Email, member.biz_mail.as_deref()),
    };
    let mut sealed = member.clone();
    for (_, field) in fields_mut(&mut sealed) {
        if let Some(value) = field.as_mut().filter(|v| !v.is_empty()) {
            *value = cipher.seal(value)?;
        }
    }
    Ok(SealedMember {
        member: sealed,
        digests,
    })
}

fn digest(cipher: &FieldCipher, kind: Lookup, value: Option<&str>) -> Option<String> {
    value.and_then(|v| cipher.digest(kind, v))
}

/// What [`open`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Opened {
    /// A field was plain text or under a retired key: writing the member back reseals it.
    pub stale: bool,
    /// Fields no configured key opens (now `None`; the stored text is left alone).
    pub unreadable: usize,
}

/// Opens a stored member's personal fields in place. A field that opens under no
/// configured key (its key was removed too early, or the text was altered) becomes
/// `None`, counted in [`Opened::unreadable`] for the caller to report: Gantry treats it
/// as unknown, as it treats a field WeCom does not share.
pub fn open(cipher: &FieldCipher, member: &mut Member) -> Opened {
    let mut found = Opened::default();
    for (_, field) in fields_mut(member) {
        let Some(value) = field.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        if !looks_sealed(value) {
            // Written before sealing existed; the start-up pass or this write seals it.
            found.stale = true;
            continue;
        }
        match cipher.open(value) {
            Ok(plain) => {
                found.stale |= !cipher.is_current(value);
                *field = Some(plain);
            }
            Err(_) => {
                found.unreadable += 1;
                *field = None;
            }
        }
    }
    found
}

impl Opened {
    /// Logs unreadable fields of `userid`'s row (counts only, never values).
    pub fn warn_unreadable(&self, userid: &str) {
        if self.unreadable > 0 {
            tracing::warn!(
                %userid,
                fields = self.unreadable,
                "personal fields cannot be opened with the configured keys; treated as unknown"
            );
        }
    }
}

/// A member's mobile and email shown to others: masked, never in full. Unreadable
/// values are left out.
pub fn masked(
    cipher: &FieldCipher,
    sealed: Option<&str>,
    mask: fn(&str) -> String,
) -> Option<String> {
    let value = sealed.filter(|v| !v.is_empty())?;
    let plain = if looks_sealed(value) {
        cipher.open(value).ok()?
    } else {
        value.to_owned()
    };
    Some(mask(&plain))
}

/// The digests a lookup by `text` matches, when it looks like a mobile or an email
/// (see [`Lookup::of_search`]); empty otherwise.
pub fn search_digests(cipher: &FieldCipher, text: &str) -> Vec<String> {
    Lookup::of_search(text).map_or_else(Vec::new, |kind| cipher.lookup_digests(kind, text))
}

/// Current members whose mobile or email is `text` (any spelling [`Lookup`] normalises).
pub async fn find_by_contact(
    store: &Store,
    cipher: &FieldCipher,
    text: &str,
) -> Result<Vec<String>, store::StoreError> {
    store
        .org()
        .userids_by_digest(&search_digests(cipher, text))
        .await
}

/// What a reseal pass did. Value counts are of rows it rewrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ResealReport {
    /// The current key.
    pub key_id: String,
    /// Members read.
    pub members: u64,
    /// Members rewritten.
    pub rewritten: u64,
    /// Plain-text values sealed.
    pub plaintext: u64,
    /// Values moved to the current key, by the key they were under (`legacy` for `v1:`).
    pub rekeyed: BTreeMap<String, u64>,
    /// Values no configured key opens, left as they are, by the key they claim.
    pub unreadable: BTreeMap<String, u64>,
    /// Members written by someone else between read and rewrite: run again.
    pub raced: u64,
}

impl ResealReport {
    /// True when nothing is left under another key or in plain text: retired keys can go.
    pub fn is_complete(&self) -> bool {
        self.unreadable.is_empty() && self.raced == 0
    }
}

impl fmt::Display for ResealReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |counts: &BTreeMap<String, u64>| {
            counts
                .iter()
                .map(|(k, n)| format!("{n} under {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(
            f,
            "{} members read, {} rewritten under key {}: {} plain-text values sealed",
            self.members, self.rewritten, self.key_id, self.plaintext
        )?;
        if !self.rekeyed.is_empty() {
            write!(f, ", values moved from other keys: {}", list(&self.rekeyed))?;
        }
        if !self.unreadable.is_empty() {
            write!(
                f,
                "\nUNREADABLE values (no configured key opens them; left as they are): {}",
                list(&self.unreadable)
            )?;
        }
        if self.raced > 0 {
            write!(f, "\n{} members changed meanwhile: run again", self.raced)?;
        }
        Ok(())
    }
}

/// Rewrites every personal field not sealed under the current key: plain text is
/// sealed, values under a retired (or the `v1:`) key are opened and sealed again, and
/// the row's digests are recomputed. Values no key opens are counted and left alone.
/// Safe beside a running sync or other replicas: each rewrite is a compare-and-set.
pub async fn reseal(store: &Store, cipher: &FieldCipher) -> anyhow::Result<ResealReport> {
    let mut report = ResealReport {
        key_id: cipher.key_id().to_owned(),
        ..ResealReport::default()
    };
    let org = store.org();
    let mut after = String::new();
    loop {
        let rows = org.personal_rows(&after, PAGE).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after.clone_from(&last.userid);
        report.members += u64::try_from(rows.len()).unwrap_or(u64::MAX);
        let mut plans = Vec::new();
        for row in rows {
            let mut tally = Tally::default();
            if let Some(rewrite) = plan(cipher, row, &mut tally)? {
                plans.push((rewrite, tally));
            } else {
                tally.unreadable_into(&mut report);
            }
        }
        let rewrites: Vec<Reseal> = plans.iter().map(|(r, _)| r.clone()).collect();
        let done = org.reseal(&rewrites).await?;
        for ((_, tally), rewritten) in plans.into_iter().zip(done) {
            if rewritten {
                report.rewritten += 1;
                tally.rewritten_into(&mut report);
            } else {
                report.raced += 1;
            }
        }
    }
    Ok(report)
}

/// One row's counts, added to the report once its rewrite is known to have happened.
#[derive(Debug, Default)]
struct Tally {
    plaintext: u64,
    rekeyed: BTreeMap<String, u64>,
    unreadable: BTreeMap<String, u64>,
}

impl Tally {
    fn rewritten_into(self, report: &mut ResealReport) {
        report.plaintext += self.plaintext;
        add(&mut report.rekeyed, self.rekeyed);
        add(&mut report.unreadable, self.unreadable);
    }

    fn unreadable_into(self, report: &mut ResealReport) {
        add(&mut report.unreadable, self.unreadable);
    }
}

fn add(into: &mut BTreeMap<String, u64>, counts: BTreeMap<String, u64>) {
    for (key, n) in counts {
        *into.entry(key).or_default() += n;
    }
}

/// The rewrite `row` needs, if any.
fn plan(
    cipher: &FieldCipher,
    row: PersonalRow,
    tally: &mut Tally,
) -> Result<Option<Reseal>, SealError> {
    let was = row.fields;
    let mut fields = was.clone();
    // Plain values, when known, for the digests.
    let mut opened: [Option<String>; 3] = [None, None, None];
    let mut unreadable = [false; 3];
    let mut changed = false;
    let columns = [
        &mut fields.mobile,
        &mut fields.email,
        &mut fields.biz_mail,
        &mut fields.telephone,
        &mut fields.address,
    ];
    for (i, field) in columns.into_iter().enumerate() {
        let Some(value) = field.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        let plain = if !looks_sealed(value) {
            tally.plaintext += 1;
            value.to_owned()
        } else {
            let key = sealed_key_id(value)
                .map_or_else(|| "malformed".to_owned(), |s| s.key_id().to_owned());
            match cipher.open(value) {
                Ok(plain) if cipher.is_current(value) => {
                    if let Some(slot) = opened.get_mut(i) {
                        *slot = Some(plain);
                    }
                    continue;
                }
                Ok(plain) => {
                    *tally.rekeyed.entry(key).or_default() += 1;
                    plain
                }
                Err(_) => {
                    *tally.unreadable.entry(key).or_default() += 1;
                    if let Some(flag) = unreadable.get_mut(i) {
                        *flag = true;
                    }
                    continue;
                }
            }
        };
        *field = Some(cipher.seal(&plain)?);
        if let Some(slot) = opened.get_mut(i) {
            *slot = Some(plain);
        }
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    let [mobile, email, biz_mail] = opened;
    let stored = row.digests;
    // An unreadable value keeps the digest it was stored with.
    let pick = |i: usize, kind: Lookup, plain: Option<String>, kept: Option<String>| {
        if unreadable[i] {
            kept
        } else {
            plain.and_then(|p| cipher.digest(kind, &p))
        }
    };
    let digests = Digests {
        mobile: pick(0, Lookup::Mobile, mobile, stored.mobile),
        email: pick(1, Lookup::Email, email, stored.email),
        biz_mail: pick(2, Lookup::Email, biz_mail, stored.biz_mail),
    };
    Ok(Some(Reseal {
        userid: row.userid,
        was,
        fields,
        digests,
    }))
}

/// `gantry reseal`: connects with `settings`, migrates, and reseals everything under the
/// configured current key. Refuses to run without a configured key: sealing under a
/// throwaway one would lose every value.
pub async fn run_reseal(settings: &Settings) -> anyhow::Result<ResealReport> {
    let cipher = FieldCipher::from_settings(settings)?;
    anyhow::ensure!(
        !cipher.is_ephemeral(),
        "security.field_key is empty: set it (GANTRY__SECURITY__FIELD_KEY) to the current key \
         and list the keys being retired under security.retired_field_keys"
    );
    let store = Store::connect(settings.database.url.expose()).await?;
    store.migrate().await?;
    reseal(&store, &cipher).await
}
