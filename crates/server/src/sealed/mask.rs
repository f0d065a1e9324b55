//! What the UI shows of a personal value to someone not permitted to see it in full.
//!
//! Every mask works on characters, not bytes, and is total: any input, however short,
//! odd or non-ASCII, gives an answer and never a panic. A value too short to keep both
//! ends is starred whole.

/// `110101199003071234` → `110101********1234`: region code and last four kept.
pub fn mask_id_card(id: &str) -> String {
    mask_middle(id.trim(), 6, 4)
}

/// `6222021234567890123` → `6222***********0123`: the bank's prefix and last four kept.
/// Spaces between digit groups are dropped.
pub fn mask_bank_account(account: &str) -> String {
    let digits: String = account.chars().filter(|c| !c.is_whitespace()).collect();
    mask_middle(&digits, 4, 4)
}

/// `13812345678` → `138****5678`; a `+86` prefix is kept, spaces and dashes dropped.
pub fn mask_mobile(mobile: &str) -> String {
    let compact: String = mobile
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    match compact.strip_prefix("+86") {
        Some(national) => format!("+86{}", mask_middle(national, 3, 4)),
        None => mask_middle(&compact, 3, 4),
    }
}

/// `zhangsan@example.com` → `z***@example.com`: the first character of the mailbox and
/// the domain kept, and a fixed `***` that does not tell the mailbox's length. A
/// one-character mailbox keeps nothing; text with no `@` is `***`.
pub fn mask_email(email: &str) -> String {
    let email = email.trim();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return "***".to_owned();
    };
    let mut chars = local.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(_)) => format!("{first}***@{domain}"),
        _ => format!("***@{domain}"),
    }
}

/// Keeps `start` leading and `end` trailing characters and stars the rest; a value too
/// short to hide anything that way is starred whole.
fn mask_middle(value: &str, start: usize, end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= start + end {
        return "*".repeat(n);
    }
    let mut out: String = chars[..start].iter().collect();
    out.push_str(&"*".repeat(n - start - end));
    out.extend(&chars[n - end..]);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_id_card("110101199003071234"), "110101********1234");
        assert_eq!(mask_id_card("11010119900307123X"), "110101********123X");
        assert_eq!(mask_id_card("110101900307123"), "110101*****7123");
        assert_eq!(
            mask_bank_account("6222021234567890123"),
            "6222***********0123"
        );
        assert_eq!(mask_bank_account("6222 0212 3456 7890"), "6222********7890");
        assert_eq!(mask_mobile("13812345678"), "138****5678");
        assert_eq!(mask_mobile("+86 138-1234-5678"), "+86138****5678");
        // Too short to keep both ends: nothing is shown.
        assert_eq!(mask_mobile("12345"), "*****");
        assert_eq!(mask_mobile(""), "");
        assert_eq!(mask_mobile("+86"), "+86");
        assert_eq!(mask_id_card(""), "");
        assert_eq!(
            mask_id_card("一二三四五六七八九十甲乙"),
            "一二三四五六**九十甲乙"
        );
    }

    #[test]
    fn email_masks() {
        assert_eq!(mask_email("zhangsan@example.com"), "z***@example.com");
        assert_eq!(
            mask_email(" Li.Si@corp.example.cn "),
            "L***@corp.example.cn"
        );
        assert_eq!(mask_email("a@example.com"), "***@example.com");
        assert_eq!(mask_email("@example.com"), "***@example.com");
        assert_eq!(mask_email("not an address"), "***");
        assert_eq!(mask_email(""), "***");
        assert_eq!(mask_email("a@b@example.com"), "a***@example.com");
        assert_eq!(mask_email("张三丰@例子.中国"), "张***@例子.中国");
        assert_eq!(mask_email("🏗️x@e.com"), "🏗***@e.com");
    }

    proptest! {
        #[test]
        fn masks_take_any_text(s in "\\PC*") {
            for masked in [mask_mobile(&s), mask_email(&s), mask_id_card(&s), mask_bank_account(&s)] {
                prop_assert!(masked.chars().count() <= s.chars().count() + 6, "{masked:?}");
            }
        }

        #[test]
        fn a_mobile_shows_seven_digits_at_most(
            prefix in "1[3-9][0-9]",
            middle in "[0-9]{4}",
            last in "[0-9]{4}",
        ) {
            let mobile = format!("{prefix}{middle}{last}");
            prop_assert_eq!(mask_mobile(&mobile), format!("{prefix}****{last}"));
        }

        #[test]
        fn an_email_shows_one_character_of_the_mailbox(
            local in "[^@\\s]{0,20}",
            domain in "[a-z0-9.-]{1,20}",
        ) {
            let masked = mask_email(&format!("{local}@{domain}"));
            let (shown, rest) = masked.rsplit_once('@').expect("keeps the @");
            prop_assert_eq!(rest, domain.as_str());
            prop_assert!(shown.ends_with("***"));
            prop_assert!(shown.chars().count() <= 4);
        }
    }
}
