//! `followership animate` and `followership compare`: what a lecturer runs before a class.

mod common;

use common::{followership, ok, read, stderr};

#[test]
fn animate_writes_a_gif_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("slides").join("hillside.gif");
    let o = followership(&[
        "animate",
        "--builtin",
        "hillside",
        "--set",
        "network.nodes=300",
        "--size",
        "320",
        "--out",
        gif.to_str().unwrap(),
    ]);
    ok(&o);
    let bytes = std::fs::read(&gif).unwrap();
    assert!(bytes.starts_with(b"GIF89a"), "a GIF");
    // Width and height, little-endian, right after the signature.
    assert_eq!(&bytes[6..10], &[64, 1, 64, 1], "320 by 320");
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("frames"), "{said}");
}

#[test]
fn compare_puts_variants_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let o = followership(&[
        "compare",
        "hillside",
        "--vs",
        "influence.embrace=false",
        "--set",
        "network.nodes=300",
        "--replicates",
        "3",
        "--seed",
        "11",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let csv = read(&out, "compare.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with("\"hillside\",3,"), "{csv}");
    assert!(
        lines[2].starts_with("\"hillside, influence.embrace=false\",3,"),
        "{csv}"
    );
    let html = read(&out, "report.html");
    assert!(html.contains("compare-people-1") && html.contains("adoption-compare"));
    // One seed for both variants, shown in each variant's scenario.
    assert_eq!(
        html.matches("seed = 11").count(),
        2,
        "--seed reaches every variant"
    );
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("minus hillside"), "{said}");

    let one = followership(&["compare", "hillside"]);
    assert_eq!(one.status.code(), Some(2));
    assert!(
        stderr(&one).contains("at least two variants"),
        "{}",
        stderr(&one)
    );
    let typo = followership(&["compare", "hilside", "no-embrace"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(stderr(&typo).contains("hilside"), "{}", stderr(&typo));
}
