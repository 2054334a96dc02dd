//! Numbers and counts as people read them: thousands separated, singular or plural ("1 run",
//! "12 runs", "1 person follows"), percentages without a trailing ".0". Shared by the story,
//! the terminal and the reports, so each reads the same everywhere.

/// A count with thousands separators: 12,345.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 person", "12 people".
pub fn people(n: u64) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{} people", count(n))
    }
}

/// "1 tick", "12 ticks".
pub fn ticks(n: u32) -> String {
    if n == 1 {
        "1 tick".to_string()
    } else {
        format!("{} ticks", count(n.into()))
    }
}

/// A share as a percentage with one decimal, without a trailing ".0": "12.5%", "10%"; shares
/// too small for one decimal get two ("0.03%").
pub fn percent(x: f64) -> String {
    let p = 100.0 * x;
    let s = if p > 0.0 && p < 0.05 {
        format!("{p:.2}")
    } else {
        format!("{p:.1}")
    };
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// "1 run", "12 runs": `n` with the noun in the singular or plural.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", count(n))
    }
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
    fn counts_read_in_the_singular_and_the_plural() {
        assert_eq!(plural(1, "run", "runs"), "1 run");
        assert_eq!(plural(1200, "run", "runs"), "1,200 runs");
        assert_eq!(people_follow(1), "1 person follows");
        assert_eq!(people_follow(0), "0 people follow");
        assert_eq!(people_follow(3), "3 people follow");
        assert_eq!(ticks(1), "1 tick");
        assert_eq!(percent(0.1), "10%");
    }
}
