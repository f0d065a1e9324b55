//! The chain hash: SHA-256 over a canonical encoding of a row and its predecessor's hash.
//!
//! Every field is written as a kind byte (0 NULL, 1 text, 2 integer), a big-endian u64
//! length and the bytes, in a fixed order after a versioned domain tag. No two different
//! rows therefore encode to the same bytes: `("ab", "c")` and `("a", "bc")` differ in
//! their lengths, and `NULL` differs from `""` in its kind byte.
//!
//! `project_id` (added after the first chains were written) is one more integer field at
//! the end, present only when it is set: a row without one encodes exactly as before, so
//! older chains still verify, and a row with one cannot collide with a row without (the
//! field sequence is self-delimiting, so one more field means other bytes).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::AuditEntry;

/// The `prev_hash` of the first row, and the head's hash while the log is empty.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the encoding, so a future v2 can never collide with v1 hashes.
const DOMAIN: &[u8] = b"gantry.audit.v1";

const NULL: u8 = 0;
const TEXT: u8 = 1;
const INT: u8 = 2;

struct Encoder(Sha256);

impl Encoder {
    fn field(&mut self, kind: u8, bytes: &[u8]) {
        self.0.update([kind]);
        // usize → u64 never truncates on the 32- and 64-bit targets Rust supports.
        self.0.update((bytes.len() as u64).to_be_bytes());
        self.0.update(bytes);
    }

    fn text(&mut self, s: &str) {
        self.field(TEXT, s.as_bytes());
    }

    fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.field(NULL, &[]),
        }
    }

    fn int(&mut self, n: i64) {
        self.field(INT, &n.to_be_bytes());
    }
}

/// Lower-case hex SHA-256 of `entry`'s chained fields (its own `hash` is not an input).
pub(super) fn entry_hash(e: &AuditEntry) -> String {
    let mut enc = Encoder(Sha256::new());
    enc.field(TEXT, DOMAIN);
    enc.text(&e.prev_hash);
    enc.int(e.id);
    enc.int(e.at_ms);
    enc.text(&e.actor);
    enc.opt_text(e.ip.as_deref());
    enc.text(&e.action);
    enc.text(&e.target_type);
    enc.text(&e.target_id);
    enc.opt_text(e.before_json.as_deref());
    enc.opt_text(e.after_json.as_deref());
    if let Some(project) = e.project_id {
        enc.int(project);
    }
    let digest = enc.0.finalize();
    let mut hex = String::with_capacity(64);
    for b in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            id: 1,
            at_ms: 1_700_000_000_000,
            actor: "zhangsan".into(),
            ip: None,
            action: "project.update".into(),
            target_type: "project".into(),
            target_id: "42".into(),
            before_json: None,
            after_json: Some(r#"{"name":"A"}"#.into()),
            project_id: None,
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn hash_is_hex_sha256_and_stable() {
        let h = entry_hash(&entry());
        assert_eq!(h.len(), 64);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(h, entry_hash(&entry()));
        // The stored hash is not an input.
        let mut e = entry();
        e.hash = "anything".into();
        assert_eq!(entry_hash(&e), h);
    }

    #[test]
    fn shifting_bytes_between_fields_changes_the_hash() {
        let mut a = entry();
        a.target_type = "projec".into();
        a.target_id = "t42".into();
        assert_ne!(entry_hash(&a), entry_hash(&entry()));
    }

    #[test]
    fn null_differs_from_empty() {
        let mut a = entry();
        a.ip = Some(String::new());
        assert_ne!(entry_hash(&a), entry_hash(&entry()));
        let mut b = entry();
        b.before_json = b.after_json.take();
        assert_ne!(entry_hash(&b), entry_hash(&entry()));
    }

    #[test]
    fn rows_without_a_project_hash_as_before_the_column() {
        // Pinned: the v1 hash of `entry()`, as chains written before `project_id` hold it.
        assert_eq!(
            entry_hash(&entry()),
            "6eca9b8f8544b7758a3279dedcf2050e7a8f0a5bf2266aca41a1e70433e4c6ed"
        );
        let mut a = entry();
        a.project_id = Some(42);
        let mut b = entry();
        b.project_id = Some(43);
        assert_ne!(entry_hash(&a), entry_hash(&b));
    }

    #[test]
    fn every_field_counts() {
        let base = entry_hash(&entry());
        let edits: [fn(&mut AuditEntry); 11] = [
            |e| e.id = 2,
            |e| e.at_ms += 1,
            |e| e.actor.push('x'),
            |e| e.ip = Some("10.0.0.1".into()),
            |e| e.action.push('x'),
            |e| e.target_type.push('x'),
            |e| e.target_id.push('x'),
            |e| e.before_json = Some("{}".into()),
            |e| e.after_json = None,
            |e| e.prev_hash = "1".repeat(64),
            |e| e.project_id = Some(42),
        ];
        for edit in edits {
            let mut e = entry();
            edit(&mut e);
            assert_ne!(entry_hash(&e), base, "{e:?}");
        }
    }
}
