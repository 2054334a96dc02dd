//! `report.html`: one self-contained page (styles, pictures, data and scripts inline), so it
//! opens from a file with no network access and can be mailed or archived as it is.
//!
//! A [`Page`] is a title, a few facts and a list of [`Section`]s; [`Page::render`] turns it
//! into HTML. The sections know nothing of runs or sweeps: the modules that build reports
//! ([`crate::run`], [`crate::sweep`], ...) decide what goes in.

use std::fmt::Write as _;

use crate::Figure;

/// One report page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The title (the scenario's name, say).
    pub title: String,
    /// What kind of output this is ("run", "sweep", ...), shown above the title.
    pub kind: String,
    /// A paragraph under the title (the scenario's description).
    pub lead: String,
    /// Short facts shown in a row under the lead: seed, replicates, people, ...
    pub facts: Vec<(String, String)>,
    /// The body.
    pub sections: Vec<Section>,
}

/// One part of a report page.
#[derive(Debug, Clone)]
pub enum Section {
    /// A table of numbers.
    Table {
        /// Heading.
        title: String,
        /// Column names.
        header: Vec<String>,
        /// Rows of cells, already formatted.
        rows: Vec<Vec<String>>,
        /// A sentence under the table.
        note: Option<String>,
    },
    /// Plots, inline.
    Figures {
        /// Heading.
        title: String,
        /// The plots.
        figures: Vec<Figure>,
    },
    /// The animated replay of one run: the [`crate::replay::Replay`] as JSON, drawn by the
    /// shared people script.
    Replay {
        /// Heading.
        title: String,
        /// A sentence above the replay (which replicate it is, sampling notes).
        note: String,
        /// The replay data, serialised.
        json: String,
    },
    /// The replays of several runs side by side, played in step by one control (a
    /// comparison's variants).
    Replays {
        /// Heading.
        title: String,
        /// A sentence above the replays.
        note: String,
        /// Each replay's label and its [`crate::replay::Replay`] as JSON.
        replays: Vec<(String, String)>,
    },
    /// Text written in Markdown (the story of a run).
    Markdown {
        /// Heading.
        title: String,
        /// The Markdown.
        markdown: String,
    },
    /// Preformatted text (the resolved scenario).
    Code {
        /// Heading.
        title: String,
        /// The text.
        text: String,
    },
    /// A paragraph.
    Note {
        /// Heading.
        title: String,
        /// The text.
        text: String,
    },
}

const STYLE: &str = include_str!("../assets/report.css");
const REPLAY_JS: &str = include_str!("../assets/report.js");

impl Page {
    /// The whole page as HTML.
    pub fn render(&self) -> String {
        let mut html = String::with_capacity(64 * 1024);
        let title = escape(&self.title);
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"followership {}\">\n\
             <title>{title} - followership {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
            env!("CARGO_PKG_VERSION"),
            escape(&self.kind),
        );
        let _ = write!(
            html,
            "<header>\n<p class=\"kind\">followership {}</p>\n<h1>{title}</h1>\n",
            escape(&self.kind)
        );
        for paragraph in self.lead.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let _ = writeln!(html, "<p class=\"lead\">{}</p>", escape(paragraph.trim()));
        }
        if !self.facts.is_empty() {
            html.push_str("<dl class=\"facts\">\n");
            for (name, value) in &self.facts {
                let _ = writeln!(
                    html,
                    "<div><dt>{}</dt><dd>{}</dd></div>",
                    escape(name),
                    escape(value)
                );
            }
            html.push_str("</dl>\n");
        }
        html.push_str("</header>\n");
        if self.sections.len() > 2 {
            html.push_str("<nav><ul>\n");
            for (i, section) in self.sections.iter().enumerate() {
                let _ = writeln!(
                    html,
                    "<li><a href=\"#section-{i}\">{}</a></li>",
                    escape(section.title())
                );
            }
            html.push_str("</ul></nav>\n");
        }
        let mut has_replay = false;
        for (i, section) in self.sections.iter().enumerate() {
            let _ = writeln!(
                html,
                "<section id=\"section-{i}\">\n<h2>{}</h2>",
                escape(section.title())
            );
            match section {
                Section::Table {
                    header, rows, note, ..
                } => {
                    html.push_str("<div class=\"table\"><table>\n<thead><tr>");
                    for h in header {
                        let _ = write!(html, "<th>{}</th>", escape(h));
                    }
                    html.push_str("</tr></thead>\n<tbody>\n");
                    for row in rows {
                        html.push_str("<tr>");
                        for cell in row {
                            let _ = write!(html, "<td>{}</td>", escape(cell));
                        }
                        html.push_str("</tr>\n");
                    }
                    html.push_str("</tbody></table></div>\n");
                    if let Some(note) = note {
                        let _ = writeln!(html, "<p class=\"note\">{}</p>", escape(note));
                    }
                }
                Section::Figures { figures, .. } => {
                    for figure in figures {
                        let _ = writeln!(
                            html,
                            "<figure id=\"figure-{}\" aria-label=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                            escape(figure.file_name.trim_end_matches(".svg")),
                            escape(&figure.title),
                            inline_svg(&figure.svg),
                            escape(&figure.caption)
                        );
                    }
                }
                Section::Replay { note, json, .. } => {
                    has_replay = true;
                    let _ = write!(
                        html,
                        "<p class=\"note\">{}</p>\n<div class=\"replay\">\n\
                         <canvas id=\"replay-people\" width=\"640\" height=\"640\"></canvas>\n\
                         <div class=\"side\">\n\
                         <canvas id=\"replay-curve\" width=\"420\" height=\"260\"></canvas>\n\
                         <div class=\"controls\">\n\
                         <button id=\"replay-play\" type=\"button\">Play</button>\n\
                         <input id=\"replay-tick\" type=\"range\" min=\"0\" max=\"0\" value=\"0\" step=\"1\" aria-label=\"tick\">\n\
                         <span id=\"replay-tick-label\">tick 0</span>\n\
                         </div>\n<p id=\"replay-caption\" class=\"caption\" aria-live=\"polite\"></p>\n\
                         <div id=\"replay-chapters\" class=\"chapters\" aria-label=\"chapters\"></div>\n\
                         <div id=\"replay-legend\" class=\"legend\"></div>\n</div>\n</div>\n\
                         <script type=\"application/json\" id=\"replay-data\">{}</script>\n",
                        escape(note),
                        script_safe(json)
                    );
                }
                Section::Replays { note, replays, .. } => {
                    has_replay = true;
                    let _ = write!(
                        html,
                        "<p class=\"note\">{}</p>\n<div class=\"controls\">\n\
                         <button id=\"compare-play\" type=\"button\">Play</button>\n\
                         <input id=\"compare-tick\" type=\"range\" min=\"0\" max=\"0\" value=\"0\" step=\"1\" aria-label=\"tick\">\n\
                         <span id=\"compare-tick-label\">tick 0</span>\n</div>\n<div class=\"replays\">\n",
                        escape(note)
                    );
                    for (k, (label, json)) in replays.iter().enumerate() {
                        let _ = write!(
                            html,
                            "<div class=\"variant\">\n<h3>{}</h3>\n\
                             <canvas id=\"compare-people-{k}\" width=\"420\" height=\"420\"></canvas>\n\
                             <canvas id=\"compare-curve-{k}\" width=\"420\" height=\"160\"></canvas>\n\
                             <p id=\"compare-label-{k}\" class=\"note\"></p>\n\
                             <p id=\"compare-caption-{k}\" class=\"caption\"></p>\n\
                             <script type=\"application/json\" class=\"compare-data\" data-index=\"{k}\">{}</script>\n</div>\n",
                            escape(label),
                            script_safe(json)
                        );
                    }
                    html.push_str("</div>\n");
                }
                Section::Markdown { markdown, .. } => {
                    let parser = pulldown_cmark::Parser::new(markdown);
                    // Raw HTML in the Markdown is shown as text: stories quote scenario names
                    // and descriptions, which are the user's text.
                    let parser = parser.map(|event| match event {
                        pulldown_cmark::Event::Html(t) | pulldown_cmark::Event::InlineHtml(t) => {
                            pulldown_cmark::Event::Text(t)
                        }
                        other => other,
                    });
                    html.push_str("<div class=\"prose\">\n");
                    pulldown_cmark::html::push_html(&mut html, parser);
                    html.push_str("</div>\n");
                }
                Section::Code { text, .. } => {
                    let _ = writeln!(html, "<pre><code>{}</code></pre>", escape(text));
                }
                Section::Note { text, .. } => {
                    let _ = writeln!(html, "<p>{}</p>", escape(text));
                }
            }
            html.push_str("</section>\n");
        }
        html.push_str("<footer>Made by followership ");
        html.push_str(env!("CARGO_PKG_VERSION"));
        html.push_str(". This file is self-contained: it needs no network.</footer>\n</main>\n");
        if has_replay {
            let _ = write!(
                html,
                "<script>\n{}\n</script>\n<script>\n{}\n</script>\n",
                script_safe(crate::assets::PEOPLE_JS),
                script_safe(REPLAY_JS)
            );
        }
        html.push_str("</body>\n</html>\n");
        html
    }
}

impl Section {
    /// The section's heading.
    pub fn title(&self) -> &str {
        match self {
            Section::Table { title, .. }
            | Section::Figures { title, .. }
            | Section::Replay { title, .. }
            | Section::Replays { title, .. }
            | Section::Markdown { title, .. }
            | Section::Code { title, .. }
            | Section::Note { title, .. } => title,
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text that can sit inside a `<script>` element: a `</script>` (or `<!--`) inside it would end
/// or confuse the element, so `</` becomes `<\/` and `<!--` becomes `<\!--`. Inside JSON and
/// JavaScript strings both read back unchanged, and our own scripts hold neither sequence
/// outside a string.
fn script_safe(text: &str) -> String {
    text.replace("</", "<\\/").replace("<!--", "<\\!--")
}

/// An SVG document as an element to inline: the XML declaration, if any, goes.
fn inline_svg(svg: &str) -> &str {
    let svg = svg.trim_start();
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(svg, |(_, body)| body.trim_start()),
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_scripts_cannot_be_closed_early() {
        let page = Page {
            title: "<b>riot</b> & co".into(),
            kind: "run".into(),
            lead: "first\n\nsecond".into(),
            facts: vec![("seed".into(), "7".into())],
            sections: vec![
                Section::Replay {
                    title: "Replay".into(),
                    note: "replicate 0".into(),
                    json: r#"{"name":"</script><script>alert(1)</script>"}"#.into(),
                },
                Section::Markdown {
                    title: "Story".into(),
                    markdown: "# Heading\n\nThe *leader* <script>x</script> danced.".into(),
                },
            ],
        };
        let html = page.render();
        assert!(html.contains("&lt;b&gt;riot&lt;/b&gt; &amp; co"));
        assert_eq!(html.matches("<p class=\"lead\">").count(), 2);
        assert!(!html.contains("</script><script>alert"));
        assert!(html.contains("<em>leader</em>"));
        assert!(
            !html.contains("<script>x</script>"),
            "raw HTML in Markdown is text"
        );
        // The replay brings its scripts and its controls.
        for id in [
            "replay-people",
            "replay-curve",
            "replay-play",
            "replay-tick",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("FollowershipPeople"));
    }

    #[test]
    fn pages_without_a_replay_carry_no_script_and_figures_are_inline() {
        let page = Page {
            title: "sweep".into(),
            sections: vec![Section::Figures {
                title: "Plots".into(),
                figures: vec![Figure {
                    file_name: "phase.svg".into(),
                    title: "Phase".into(),
                    caption: "cascade probability".into(),
                    svg: "<?xml version=\"1.0\"?>\n<svg width=\"10\"></svg>".into(),
                }],
            }],
            ..Page::default()
        };
        let html = page.render();
        assert!(!html.contains("<script"));
        assert!(html.contains(
            "<figure id=\"figure-phase\" aria-label=\"Phase\">\n<svg width=\"10\"></svg>"
        ));
        assert!(!html.contains("<?xml"));
        for link in ["src=\"http", "href=\"http", "url(http", "@import"] {
            assert!(
                !html.contains(link),
                "the page must not fetch anything: {link}"
            );
        }
    }
}
