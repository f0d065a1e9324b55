#![no_main]
//! Untrusted decrypted XML through the event parser.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(inbound) = wecom::event::parse(data, 1 << 20) {
        let _ = inbound.dedupe_key(data);
        let _ = inbound.kind();
    }
});
