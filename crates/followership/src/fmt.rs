//! Numbers as people read them, in every message, story, summary and report: whole numbers
//! with thousands separators, ordinals, percentages and counted nouns. One home, so the
//! terminal, the story and the pictures write a number the same way.

/// `n` with thousands separators: 1200000 as "1,200,000".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` as an ordinal with thousands separators: "1st", "2nd", "11th", "1,003rd".
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{}{suffix}", grouped(n))
}

/// A share (0 to 1) as a percentage with one decimal, as tables and summaries show it so that
/// columns line up: "12.5%", "10.0%"; "n/a" for a share that could not be computed.
pub fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1}%", 100.0 * share)
    } else {
        "n/a".into()
    }
}

/// A share as a percentage in running text: one decimal without a trailing ".0" ("12.5%",
/// "10%"), two for shares too small for one ("0.03%").
pub fn percent_in_text(share: f64) -> String {
    let p = 100.0 * share;
    let s = if p > 0.0 && p < 0.05 {
        format!("{p:.2}")
    } else {
        format!("{p:.1}")
    };
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// `n` and a noun in the right number: "1 person", "12 people", "1,000 runs".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", grouped(n))
    }
}

/// "1 person", "12 people".
pub fn people(n: u64) -> String {
    counted(n, "person", "people")
}

/// "1 tick", "12 ticks".
pub fn ticks(n: u32) -> String {
    counted(n.into(), "tick", "ticks")
}

/// "1 person follows", "12 people follow".
pub fn people_follow(n: u64) -> String {
    if n == 1 {
        "1 person follows".to_string()
    } else {
        format!("{} follow", people(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_200_000), "1,200,000");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(112), "112th");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(1_003), "1,003rd");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(0.1), "10.0%");
        assert_eq!(percent(f64::NAN), "n/a");
        assert_eq!(percent_in_text(0.1), "10%");
        assert_eq!(percent_in_text(0.125), "12.5%");
        assert_eq!(percent_in_text(0.0003), "0.03%");
        assert_eq!(percent_in_text(0.0), "0%");
        assert_eq!(counted(1, "person", "people"), "1 person");
        assert_eq!(counted(1_500, "person", "people"), "1,500 people");
        assert_eq!(counted(0, "run", "runs"), "0 runs");
        assert_eq!(people_follow(1), "1 person follows");
        assert_eq!(people_follow(0), "0 people follow");
        assert_eq!(people_follow(3), "3 people follow");
        assert_eq!(ticks(1), "1 tick");
        assert_eq!(ticks(1_200), "1,200 ticks");
    }
}
