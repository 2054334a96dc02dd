//! The replay of one run as an animated GIF, to drop into slides (`followership animate`).
//!
//! Each frame shows a title, the caption of the latest chapter (see
//! [`crate::replay::chapters`]), the people coloured by state (the leader larger, the first and
//! second followers ringed in their colours, as everywhere) and a bar of the share following.
//! The pace is the classroom replay's: one frame per tick near each chapter, with the chapter's
//! own frame held for two seconds, quicker in between, and the end where nothing changes any more
//! (the replay's settled tick).
//!
//! Text is drawn with the 8x8 bitmap font of the `font8x8` crate, doubled: no font is read from
//! the system. Frames share one small palette, so nothing is quantised, and each frame after the
//! first stores only the box of pixels that changed, the unchanged ones transparent: a
//! 3,000-person hillside is a few hundred kilobytes.

use std::borrow::Cow;

use followership::error::Error;
use gif::{DisposalMethod, Encoder, Frame, Repeat};

use crate::replay::Replay;

/// What an animation looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct AnimateOptions {
    /// Width and height of the picture, in pixels (at least 240).
    pub size: u16,
    /// The title written at the top of every frame.
    pub title: String,
    /// About this many frames between the start and the settled tick, not counting the slower
    /// frames around the chapters.
    pub frames: u32,
}

impl Default for AnimateOptions {
    fn default() -> Self {
        AnimateOptions {
            size: 720,
            title: String::new(),
            frames: 120,
        }
    }
}

/// An encoded animation.
#[derive(Debug, Clone)]
pub struct Animation {
    /// The GIF file.
    pub bytes: Vec<u8>,
    /// How many frames it has.
    pub frames: usize,
    /// The ticks the frames show, in order.
    pub ticks: Vec<u32>,
}

/// Hundredths of a second a frame is shown, by default.
const FRAME_DELAY: u16 = 8;
/// A chapter's own frame is held this long (hundredths of a second).
const CHAPTER_DELAY: u16 = 200;
/// The first and the last frame are held this long.
const END_DELAY: u16 = 300;

// The palette: index 0 is the transparent colour of unchanged pixels and never drawn.
const TRANSPARENT: u8 = 0;
const WHITE: u8 = 1;
const SITTING: u8 = 2;
const FOLLOWING: u8 = 3;
const LEADER: u8 = 4;
const QUIT: u8 = 5;
const LEFT: u8 = 6;
const FIRST: u8 = 7;
const SECOND: u8 = 8;
const INK: u8 = 9;
const MUTED: u8 = 10;
const PALE: u8 = 11;
/// The first of the blocks' inks (their outlines and names), as in people.js.
const BLOCK_INK: u8 = 12;
const BLOCK_INKS: u8 = 8;
/// The colours of people.js and the plots (Okabe and Ito's palette), by the indices above.
const PALETTE: [[u8; 3]; 20] = [
    [255, 0, 255],
    [255, 255, 255],
    [180, 186, 194],
    [0, 114, 178],
    [230, 159, 0],
    [77, 77, 77],
    [204, 121, 167],
    [213, 94, 0],
    [0, 158, 115],
    [17, 24, 39],
    [91, 100, 117],
    [228, 231, 236],
    [154, 106, 0],
    [47, 102, 144],
    [61, 122, 61],
    [138, 74, 138],
    [165, 82, 46],
    [85, 85, 154],
    [107, 122, 31],
    [42, 122, 118],
];
/// Beyond this many blocks, no outline or name is drawn (they would cover the crowd).
const MAX_NAMED_BLOCKS: usize = 12;

/// The ticks to show and how long to show each (hundredths of a second): a frame every
/// `settled / frames` ticks, every tick within a window around each chapter, and each chapter's
/// tick itself, held longer.
pub fn schedule(settled: u32, chapters: &[u32], frames: u32) -> Vec<(u32, u16)> {
    let step = settled.div_ceil(frames.max(1)).max(1);
    let window = (settled / 40).max(3);
    let near = |t: u32| chapters.iter().any(|&c| c.abs_diff(t) < window);
    let mut out = vec![(0, END_DELAY)];
    let mut t = 0;
    while t < settled {
        let mut next = t + if near(t) { 1 } else { step };
        if let Some(&c) = chapters.iter().filter(|&&c| c > t).min() {
            next = next.min(c);
        }
        t = next.min(settled);
        let delay = if chapters.contains(&t) {
            CHAPTER_DELAY
        } else {
            FRAME_DELAY
        };
        out.push((t, delay));
    }
    if let Some(last) = out.last_mut() {
        last.1 = last.1.max(END_DELAY);
    }
    out
}

/// Draws `replay` as an animated GIF.
pub fn animate(replay: &Replay, options: &AnimateOptions) -> Result<Animation, Error> {
    let size = options.size.max(240);
    let side = usize::from(size);
    let settled = if replay.settled_tick > 0 {
        replay.settled_tick.min(replay.last_tick)
    } else {
        replay.last_tick
    };
    let chapter_ticks: Vec<u32> = replay.chapters.iter().map(|c| c.tick).collect();
    let frames = schedule(settled, &chapter_ticks, options.frames);

    let palette: Vec<u8> = PALETTE.iter().flatten().copied().collect();
    let mut bytes = Vec::new();
    {
        let mut encoder = Encoder::new(&mut bytes, size, size, &palette).map_err(gif_error)?;
        encoder.set_repeat(Repeat::Infinite).map_err(gif_error)?;
        let mut canvas = Canvas::new(side);
        let mut previous: Option<Vec<u8>> = None;
        let mut state = People::new(replay);
        for &(tick, delay) in &frames {
            state.advance(replay, tick);
            canvas.draw(replay, &state, tick, &options.title);
            let frame = match &previous {
                None => Frame {
                    width: size,
                    height: size,
                    buffer: Cow::Borrowed(&canvas.pixels),
                    delay,
                    ..Frame::default()
                },
                Some(before) => changed(before, &canvas.pixels, side, delay),
            };
            encoder.write_frame(&frame).map_err(gif_error)?;
            previous = Some(canvas.pixels.clone());
        }
    }
    Ok(Animation {
        bytes,
        frames: frames.len(),
        ticks: frames.iter().map(|f| f.0).collect(),
    })
}

fn gif_error(e: gif::EncodingError) -> Error {
    let e = match e {
        gif::EncodingError::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    };
    Error::io("animated GIF", e)
}

/// The part of `after` that differs from `before` (the box around the changed pixels, the
/// unchanged ones inside it transparent), as a frame drawn over the one before it.
fn changed(before: &[u8], after: &[u8], side: usize, delay: u16) -> Frame<'static> {
    let (mut x0, mut y0, mut x1, mut y1) = (side, side, 0, 0);
    for y in 0..side {
        let row = y * side;
        for x in 0..side {
            if before[row + x] != after[row + x] {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    if x0 > x1 {
        // Nothing changed: one transparent pixel carries the delay.
        (x0, y0, x1, y1) = (0, 0, 0, 0);
    }
    let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut buffer = Vec::with_capacity(w * h);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let i = y * side + x;
            buffer.push(if before[i] == after[i] {
                TRANSPARENT
            } else {
                after[i]
            });
        }
    }
    Frame {
        left: x0 as u16,
        top: y0 as u16,
        width: w as u16,
        height: h as u16,
        buffer: Cow::Owned(buffer),
        delay,
        dispose: DisposalMethod::Keep,
        transparent: Some(TRANSPARENT),
        ..Frame::default()
    }
}

/// Everyone's state, replayed from the changes up to a tick.
struct People {
    /// 0 sitting, 1 following, 2 leader dancing, 3 leader quit, 4 left.
    state: Vec<u8>,
    is_leader: Vec<bool>,
    next: usize,
}

impl People {
    fn new(replay: &Replay) -> Self {
        let n = replay.shown as usize;
        let mut is_leader = vec![false; n];
        for &l in &replay.leaders {
            if let Some(x) = is_leader.get_mut(l as usize) {
                *x = true;
            }
        }
        People {
            state: vec![0; n],
            is_leader,
            next: 0,
        }
    }

    /// Applies the changes up to and including `tick` (ticks only move forward).
    fn advance(&mut self, replay: &Replay, tick: u32) {
        let c = &replay.changes;
        while self.next < c.tick.len() && c.tick[self.next] <= tick {
            let i = c.person[self.next] as usize;
            if i < self.state.len() {
                let joined = c.joined[self.next] != 0;
                self.state[i] = match (self.is_leader[i], joined) {
                    (true, true) => 2,
                    (true, false) => 3,
                    (false, true) => 1,
                    (false, false) => 4,
                };
            }
            self.next += 1;
        }
    }
}

/// One frame's pixels (palette indices), square.
struct Canvas {
    side: usize,
    pixels: Vec<u8>,
}

/// Text is the 8x8 font doubled: 16 pixels a line; the title tripled.
const SCALE: usize = 2;
const TITLE_SCALE: usize = 3;
const LINE: usize = 8 * SCALE;

impl Canvas {
    fn new(side: usize) -> Self {
        Canvas {
            side,
            pixels: vec![WHITE; side * side],
        }
    }

    fn draw(&mut self, replay: &Replay, people: &People, tick: u32, title: &str) {
        self.pixels.fill(WHITE);
        let side = self.side;
        let margin = 12;
        let chars = (side - 2 * margin) / (8 * SCALE);
        // The title, then the caption of the latest chapter in two lines at most.
        // The title a size larger than the rest.
        let title_chars = (side - 2 * margin) / (8 * TITLE_SCALE);
        self.text(
            &shorten(title, title_chars),
            margin,
            margin,
            INK,
            TITLE_SCALE,
        );
        let caption = replay
            .chapters
            .iter()
            .rev()
            .find(|c| c.tick <= tick)
            .map(|c| c.caption.clone())
            .unwrap_or_else(|| {
                if replay.leaders.is_empty() {
                    format!("Tick {tick}.")
                } else {
                    format!("Tick {tick}: the leader dances alone.")
                }
            });
        for (k, line) in wrap(&caption, chars).iter().take(2).enumerate() {
            let y = margin + 8 * TITLE_SCALE + 10 + k * (LINE + 4);
            self.text(line, margin, y, MUTED, SCALE);
        }
        let top = margin + 8 * TITLE_SCALE + 10 + 2 * (LINE + 4) + 12;
        let bottom = side - margin - LINE - 16;
        self.people(replay, people, top, bottom);

        // The share following as a bar, and the tick.
        let share = replay
            .curve
            .get(tick as usize)
            .copied()
            .unwrap_or(0.0)
            .clamp(0.0, 1.0);
        let bar_y = side - margin - LINE - 10;
        let width = side - 2 * margin;
        self.rect(margin, bar_y, width, 6, PALE);
        self.rect(
            margin,
            bar_y,
            (share as f64 * width as f64).round() as usize,
            6,
            FOLLOWING,
        );
        if let Some(cm) = replay.critical_mass.filter(|c| (0.0..=1.0).contains(c)) {
            let x = margin + (cm * width as f64) as usize;
            self.rect(x.min(side - margin - 2), bar_y - 3, 2, 12, INK);
        }
        let label = format!(
            "tick {tick} of {}  -  {:.1}% following",
            replay.last_tick,
            f64::from(share) * 100.0
        );
        self.text(
            &shorten(&label, chars),
            margin,
            side - margin - LINE,
            INK,
            SCALE,
        );
    }

    /// Everyone between rows `top` and `bottom`, in a centred square.
    fn people(&mut self, replay: &Replay, people: &People, top: usize, bottom: usize) {
        let n = people.state.len().max(1);
        let height = bottom.saturating_sub(top).max(1) as f64;
        let r = (0.42 * height / (n as f64).sqrt()).clamp(1.2, 7.0);
        let pad = 2.4 * r + 2.0;
        let size = height - 2.0 * pad;
        let x0 = (self.side as f64 - size) / 2.0;
        let y0 = top as f64 + pad;
        let at = |i: usize| {
            let p = &replay.positions;
            let (x, y) = (p.get(2 * i).copied(), p.get(2 * i + 1).copied());
            (
                x0 + f64::from(x.unwrap_or(0.5)) * size,
                y0 + f64::from(y.unwrap_or(0.5)) * size,
            )
        };
        // Sitting people first and smaller, dancers over them, leaders last and larger.
        for (pass, colour, radius) in [(0u8, SITTING, r * 0.85), (4, LEFT, r), (1, FOLLOWING, r)] {
            for (i, &s) in people.state.iter().enumerate() {
                if s == pass && !people.is_leader[i] {
                    let (x, y) = at(i);
                    self.disc(x, y, radius, colour);
                }
            }
        }
        // Each block outlined and named over the crowd (an organisation's levels often sit
        // inside one another in a force layout), under the leaders.
        let regions = replay.block_regions();
        if regions.len() <= MAX_NAMED_BLOCKS {
            for region in &regions {
                let ink = BLOCK_INK + (region.block % u32::from(BLOCK_INKS)) as u8;
                let (cx, cy) = (x0 + region.centre[0] * size, y0 + region.centre[1] * size);
                let (rx, ry) = (
                    2.0 * region.spread[0] * size + 2.0 * r,
                    2.0 * region.spread[1] * size + 2.0 * r,
                );
                self.dashed_ellipse(cx, cy, rx, ry, ink);
                let name = format!("block {}", region.block);
                let width = name.len() * 8 * SCALE;
                let x = (cx - width as f64 / 2.0).clamp(0.0, (self.side - width) as f64) as usize;
                let y = (cy - ry - LINE as f64 - 2.0).clamp(top as f64, bottom as f64) as usize;
                self.rect(
                    x.saturating_sub(2),
                    y.saturating_sub(2),
                    width + 4,
                    LINE + 4,
                    WHITE,
                );
                self.text(&name, x, y, ink, SCALE);
            }
        }
        let lr = (r * 2.2).max(4.0);
        for (i, &s) in people.state.iter().enumerate() {
            if people.is_leader[i] {
                let (x, y) = at(i);
                self.disc(x, y, lr + 1.5, INK);
                self.disc(x, y, lr, if s == 3 { QUIT } else { LEADER });
            }
        }
        for (who, colour) in [
            (replay.first_follower, FIRST),
            (replay.second_follower, SECOND),
        ] {
            if let Some(i) = who.map(|i| i as usize)
                && people.state.get(i) == Some(&1)
            {
                let (x, y) = at(i);
                let ring = lr + r.max(2.0);
                self.ring(x, y, ring, r.max(2.0) * 0.9, colour);
            }
        }
    }

    fn put(&mut self, x: i64, y: i64, colour: u8) {
        let side = self.side as i64;
        if (0..side).contains(&x) && (0..side).contains(&y) {
            self.pixels[(y * side + x) as usize] = colour;
        }
    }

    fn disc(&mut self, cx: f64, cy: f64, r: f64, colour: u8) {
        let reach = r.ceil() as i64;
        let (px, py) = (cx.floor() as i64, cy.floor() as i64);
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let (fx, fy) = (dx as f64 + 0.5 - cx.fract(), dy as f64 + 0.5 - cy.fract());
                if fx * fx + fy * fy <= r * r {
                    self.put(px + dx, py + dy, colour);
                }
            }
        }
    }

    fn ring(&mut self, cx: f64, cy: f64, r: f64, width: f64, colour: u8) {
        let reach = (r + width).ceil() as i64;
        let (px, py) = (cx.floor() as i64, cy.floor() as i64);
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let (fx, fy) = (dx as f64 + 0.5 - cx.fract(), dy as f64 + 0.5 - cy.fract());
                let d = (fx * fx + fy * fy).sqrt();
                if (d - r).abs() <= width / 2.0 {
                    self.put(px + dx, py + dy, colour);
                }
            }
        }
    }

    /// An ellipse's outline in dashes of about 8 pixels, 2 pixels wide.
    fn dashed_ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, colour: u8) {
        let steps = (4.0 * (rx + ry)).ceil().max(8.0) as usize;
        let mut travelled = 0.0;
        let mut last = (cx + rx, cy);
        for k in 0..=steps {
            let a = std::f64::consts::TAU * k as f64 / steps as f64;
            let p = (cx + rx * a.cos(), cy + ry * a.sin());
            travelled += ((p.0 - last.0).powi(2) + (p.1 - last.1).powi(2)).sqrt();
            last = p;
            if ((travelled / 6.0) as u64).is_multiple_of(2) {
                self.disc(p.0, p.1, 1.0, colour);
            }
        }
    }

    fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, colour: u8) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.put(xx as i64, yy as i64, colour);
            }
        }
    }

    /// `text` at (x, y), its top left corner, in the 8x8 font times `scale`; characters
    /// outside ASCII are drawn as `?`.
    fn text(&mut self, text: &str, x: usize, y: usize, colour: u8, scale: usize) {
        for (k, c) in text.chars().enumerate() {
            let code = if c.is_ascii() {
                c as usize
            } else {
                '?' as usize
            };
            let glyph = font8x8::legacy::BASIC_LEGACY[code];
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..8 {
                    // Bit 0 is the leftmost pixel.
                    if bits >> col & 1 == 1 {
                        let gx = x + (k * 8 + col) * scale;
                        let gy = y + row * scale;
                        self.rect(gx, gy, scale, scale, colour);
                    }
                }
            }
        }
    }
}

/// `text` cut to `max` characters, with "..." when cut.
fn shorten(text: &str, max: usize) -> String {
    let plain: String = text
        .chars()
        .map(|c| match c {
            '\u{b7}' | '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect();
    if plain.chars().count() <= max {
        plain
    } else {
        let mut cut: String = plain.chars().take(max.saturating_sub(3)).collect();
        cut.push_str("...");
        cut
    }
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&shorten(word, width));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::{ReplayOptions, stride};
    use followership::experiment::Experiment;
    use followership::simulation::Recording;

    #[test]
    fn the_schedule_lands_on_every_chapter_and_slows_down_around_it() {
        let s = schedule(1000, &[90, 91, 600], 100);
        let ticks: Vec<u32> = s.iter().map(|f| f.0).collect();
        assert_eq!(ticks[0], 0);
        assert_eq!(*ticks.last().unwrap(), 1000);
        assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
        for c in [90, 91, 600] {
            let f = s
                .iter()
                .find(|f| f.0 == c)
                .expect("a frame at each chapter");
            assert_eq!(f.1, CHAPTER_DELAY);
        }
        // One frame per tick just before a chapter, ten ticks a frame far from any.
        assert!(ticks.contains(&598) && ticks.contains(&599));
        assert!(!ticks.contains(&305));
        assert_eq!(s.last().unwrap().1, END_DELAY);
        assert_eq!(schedule(0, &[], 100), vec![(0, END_DELAY)]);
    }

    #[test]
    fn text_is_shortened_and_wrapped_in_plain_ascii() {
        assert_eq!(shorten("a\u{b7}b", 10), "a-b");
        assert_eq!(shorten("abcdefghij", 6), "abc...");
        assert_eq!(
            wrap("the first follower joins", 10),
            ["the first", "follower", "joins"]
        );
    }

    /// A 3,000-person hillside, decoded again with the `gif` crate's decoder: the frames the
    /// schedule asked for, each the full size or a box inside it, the first follower's
    /// vermillion on the frame of their chapter, and a file far under 10 MB.
    #[test]
    fn a_hillside_animation_decodes_with_its_frames_and_size() {
        let experiment = Experiment::builtin("hillside").unwrap();
        let options = ReplayOptions::default();
        let sample = stride(3000, options.max_people);
        let run = experiment
            .replicate(0, Recording::everything().with_trust_stride(Some(sample)))
            .unwrap();
        let replay = Replay::new(&run.record, &run.graph, Some(0.1), &options);
        assert_eq!(replay.shown, 3000);
        let animation = animate(
            &replay,
            &AnimateOptions {
                title: "hillside".into(),
                ..AnimateOptions::default()
            },
        )
        .unwrap();
        assert!(
            animation.bytes.len() < 10_000_000,
            "{} bytes",
            animation.bytes.len()
        );
        assert!(animation.frames >= 50, "{} frames", animation.frames);

        let mut decoder = gif::DecodeOptions::new();
        decoder.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = decoder.read_info(animation.bytes.as_slice()).unwrap();
        assert_eq!((decoder.width(), decoder.height()), (720, 720));
        let first_follower = replay
            .chapters
            .iter()
            .find(|c| c.kind == "first-follower")
            .map(|c| c.tick)
            .expect("the hillside's run has a first follower");
        let mut decoded = 0;
        let mut seen_first = false;
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            assert!(frame.left + frame.width <= 720 && frame.top + frame.height <= 720);
            let tick = animation.ticks[decoded];
            if tick == first_follower {
                assert_eq!(frame.delay, CHAPTER_DELAY);
                seen_first = frame.buffer.contains(&FIRST);
            }
            decoded += 1;
        }
        assert_eq!(decoded, animation.frames);
        assert!(seen_first, "the first follower's ring on their frame");
    }

    /// An organisation's animation outlines and names its blocks, each in its own ink.
    #[test]
    fn an_organisation_animation_outlines_its_blocks() {
        let experiment = Experiment::builtin("middle-out").unwrap();
        let options = ReplayOptions::default();
        let run = experiment.replicate(0, Recording::everything()).unwrap();
        let replay = Replay::new(&run.record, &run.graph, None, &options);
        let regions = replay.block_regions();
        assert_eq!(
            regions.iter().map(|r| r.block).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        let animation = animate(
            &replay,
            &AnimateOptions {
                title: "middle-out".into(),
                ..AnimateOptions::default()
            },
        )
        .unwrap();
        let mut decoder = gif::DecodeOptions::new();
        decoder.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = decoder.read_info(animation.bytes.as_slice()).unwrap();
        let first = decoder.read_next_frame().unwrap().expect("a first frame");
        for b in 0..3u8 {
            let ink = BLOCK_INK + b;
            let pixels = first.buffer.iter().filter(|&&p| p == ink).count();
            assert!(pixels > 50, "block {b}: {pixels} pixels of its ink");
        }
        // A network without blocks draws none.
        let hillside = Experiment::builtin("hillside").unwrap();
        let run = hillside.replicate(0, Recording::everything()).unwrap();
        assert!(
            Replay::new(&run.record, &run.graph, None, &options)
                .block_regions()
                .is_empty()
        );
    }
}
