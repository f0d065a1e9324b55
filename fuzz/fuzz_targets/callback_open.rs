#![no_main]
//! Untrusted POST bodies and query values through verify + decrypt + parse.

use libfuzzer_sys::fuzz_target;
use wecom::callback::{CallbackCrypto, CallbackQuery};

fuzz_target!(|data: &[u8]| {
    let Ok(crypto) = CallbackCrypto::new("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7") else {
        return;
    };
    // Sign whatever Encrypt the input carries so the fuzzer reaches the decryptor too.
    let Ok(envelope) = crypto.parse_envelope(data) else { return };
    let signature = crypto.signature("1", "2", &envelope.encrypt);
    let query = CallbackQuery { msg_signature: signature, timestamp: "1".into(), nonce: "2".into(), echostr: None };
    if let Ok(plain) = crypto.open(&query, data) {
        let _ = wecom::event::parse(&plain, 1 << 20);
    }
    let _ = crypto.decrypt(&String::from_utf8_lossy(data));
});
