//! The text scanner of the rules: one pass of an Aho-Corasick automaton over the bytes
//! of a text, feeding [`WORD_START`] before each word start, reporting every match
//! state reached; and its lane-interleaved twin, which scans `N` texts in lock-step so
//! that their chains of dependent table lookups overlap (the automaton is larger than
//! the L1 cache, so each lookup waits on memory).
//!
//! [`scan`] is the plain form; [`scan_lanes`] must report, per text, exactly what
//! [`scan`] reports for it (a property test checks that they agree).

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};

/// Written before every byte that starts a word (an ASCII letter or digit at the start
/// or after a byte that is not one) of the phrases and, during the search, of the text:
/// a phrase that starts with a letter or digit then only matches at the start of a word
/// (`leak` in `leaking`, not in `bleak`), with no check per match. Never in UTF-8.
pub(super) const WORD_START: u8 = 0xFF;

/// 1 for the bytes that are ASCII letters and digits (word characters), else 0.
pub(super) const WORD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    t
};

/// The overlapping search of the `aho-corasick` documentation, inlined for one
/// automaton type: one pass over `bytes`, calling `hit(state, end)` for every match
/// state reached (`end`: the byte after the match). `word_starts`: feed
/// [`WORD_START`] before each word start (some phrase starts with a letter or digit).
///
/// Patterns are never empty (the rules validate them), so the start state is not a
/// match, and without a prefilter the only special states are matches and the dead
/// state, which ends the search.
#[inline]
pub(crate) fn scan<A: Automaton>(
    aut: &A,
    word_starts: bool,
    bytes: &[u8],
    mut hit: impl FnMut(StateID, usize),
) {
    if let Ok(sid) = aut.start_state(Anchored::No) {
        scan_from(aut, word_starts, sid, bytes, 0, &mut hit);
    }
}

/// [`scan`] from state `sid` at byte `at`.
#[inline]
fn scan_from<A: Automaton>(
    aut: &A,
    word_starts: bool,
    mut sid: StateID,
    bytes: &[u8],
    mut at: usize,
    hit: &mut impl FnMut(StateID, usize),
) {
    // WORD_START never ends a pattern: the state after it is not special.
    // Without word-start phrases no WORD_START is fed: `word` stays "in a word".
    let ws = u8::from(!word_starts);
    let mut word = ws | at.checked_sub(1).map_or(0, |p| WORD[bytes[p] as usize]);
    while at < bytes.len() {
        let b = bytes[at];
        let w = WORD[b as usize];
        if w > word {
            sid = aut.next_state(Anchored::No, sid, WORD_START);
        }
        word = w | ws;
        sid = aut.next_state(Anchored::No, sid, b);
        at += 1;
        if aut.is_special(sid) {
            if aut.is_dead(sid) {
                return;
            }
            hit(sid, at);
        }
    }
}

/// [`scan`] of `N` texts in lock-step: calls `hit(lane, state, end)` for every match
/// state of text `lane`, each text's in the order [`scan`] reports them (the texts'
/// reports interleave). The lanes advance together up to the shortest text, then each
/// finishes on its own.
#[inline]
pub(crate) fn scan_lanes<A: Automaton, const N: usize>(
    aut: &A,
    word_starts: bool,
    texts: [&[u8]; N],
    mut hit: impl FnMut(usize, StateID, usize),
) {
    let Ok(start) = aut.start_state(Anchored::No) else {
        return;
    };
    let mut sids = [start; N];
    let n = texts.iter().map(|b| b.len()).min().unwrap_or(0);
    // Without word-start phrases no WORD_START is fed: `word` stays "in a word".
    let ws = u8::from(!word_starts);
    let mut word = [ws; N];
    let mut at = 0;
    let mut dead = false;
    while at < n {
        let mut special = false;
        for i in 0..N {
            let b = texts[i][at];
            let w = WORD[b as usize];
            if w > word[i] {
                sids[i] = aut.next_state(Anchored::No, sids[i], WORD_START);
            }
            word[i] = w | ws;
            sids[i] = aut.next_state(Anchored::No, sids[i], b);
            special |= aut.is_special(sids[i]);
        }
        at += 1;
        if special {
            for (i, &sid) in sids.iter().enumerate() {
                if aut.is_special(sid) {
                    if aut.is_dead(sid) {
                        dead = true;
                    } else {
                        hit(i, sid, at);
                    }
                }
            }
            if dead {
                // Not reached with standard semantics; finish each on its own.
                break;
            }
        }
    }
    for (i, &sid) in sids.iter().enumerate() {
        if !aut.is_dead(sid) {
            scan_from(aut, word_starts, sid, texts[i], at, &mut |s, end| {
                hit(i, s, end)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use aho_corasick::MatchKind;
    use aho_corasick::dfa::DFA;
    use aho_corasick::nfa::{contiguous, noncontiguous};
    use proptest::prelude::*;

    use super::*;

    /// `phrase` as searched: [`WORD_START`] before each word start.
    fn searched(phrase: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut prev = 0;
        for &b in phrase.as_bytes() {
            if WORD[b as usize] > prev {
                out.push(WORD_START);
            }
            prev = WORD[b as usize];
            out.push(b);
        }
        out
    }

    /// The automaton as the rules build it: no prefilter, ASCII case ignored.
    fn nfa(phrases: &[String]) -> noncontiguous::NFA {
        let pats: Vec<Vec<u8>> = phrases.iter().map(|p| searched(p)).collect();
        noncontiguous::NFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&pats)
            .unwrap()
    }

    fn dfa(phrases: &[String]) -> DFA {
        DFA::builder()
            .build_from_noncontiguous(&nfa(phrases))
            .unwrap()
    }

    fn plain<A: Automaton>(aut: &A, ws: bool, text: &str) -> Vec<(u32, usize)> {
        let mut got = Vec::new();
        scan(aut, ws, text.as_bytes(), |s, end| {
            got.push((s.as_u32(), end))
        });
        got
    }

    fn lanes<A: Automaton, const N: usize>(
        aut: &A,
        ws: bool,
        texts: [&str; N],
    ) -> [Vec<(u32, usize)>; N] {
        let mut got: [Vec<(u32, usize)>; N] = std::array::from_fn(|_| Vec::new());
        scan_lanes(aut, ws, texts.map(str::as_bytes), |i, s, end| {
            got[i].push((s.as_u32(), end))
        });
        got
    }

    #[test]
    fn word_start_phrases_match_at_word_starts_only() {
        let a = dfa(&["leak".into()]);
        assert_eq!(plain(&a, true, "bleak").len(), 0);
        assert_eq!(plain(&a, true, "a leak, leaking").len(), 2);
        let ends: Vec<usize> = plain(&a, true, "leak").iter().map(|h| h.1).collect();
        assert_eq!(ends, [4]);
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec!["a", "b", "ab", " ", "漏", "水", "！", "?", "A1", "-"]),
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The lanes report, per text, exactly what the plain scan reports.
        #[test]
        fn lanes_agree_with_the_plain_scan(
            phrases in proptest::collection::vec(text().prop_filter("non-empty", |p| !p.is_empty()), 1..6),
            texts in proptest::collection::vec(text(), 3),
            ws in any::<bool>(),
        ) {
            let d = dfa(&phrases);
            let pats: Vec<Vec<u8>> = phrases.iter().map(|p| searched(p)).collect();
            let n = contiguous::NFA::builder().build_from_noncontiguous(&nfa(&phrases)).unwrap();
            let want: Vec<_> = texts.iter().map(|t| plain(&d, ws, t)).collect();
            let two = lanes(&d, ws, [texts[0].as_str(), texts[1].as_str()]);
            prop_assert_eq!(&two[..], &want[..2]);
            let three = lanes(&d, ws, [texts[0].as_str(), texts[1].as_str(), texts[2].as_str()]);
            prop_assert_eq!(&three[..], &want[..]);
            let want_nfa: Vec<_> = texts.iter().map(|t| plain(&n, ws, t)).collect();
            let two_nfa = lanes(&n, ws, [texts[0].as_str(), texts[1].as_str()]);
            prop_assert_eq!(&two_nfa[..], &want_nfa[..2]);
            // And what the plain scan reports is every occurrence the crate finds.
            for (t, hits) in texts.iter().zip(&want) {
                let mut fed = Vec::new();
                let mut prev = u8::from(!ws);
                for &b in t.as_bytes() {
                    if WORD[b as usize] > prev { fed.push(WORD_START); }
                    prev = WORD[b as usize] | u8::from(!ws);
                    fed.push(b);
                }
                let occurrences = aho_corasick::AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .build(&pats)
                    .unwrap()
                    .find_overlapping_iter(&fed)
                    .count();
                let reported: usize = hits
                    .iter()
                    .map(|&(s, _)| d.match_len(StateID::new(s as usize).unwrap()))
                    .sum();
                prop_assert_eq!(reported, occurrences);
            }
        }
    }
}
