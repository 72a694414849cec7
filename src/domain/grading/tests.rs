use super::*;
use crate::corpus::CorpusSource;

fn kp(label: &str, weight: u8, phrasings: &[&str]) -> KeyPoint {
    KeyPoint {
        label: label.to_owned(),
        weight,
        phrasings: phrasings.iter().map(|p| (*p).to_owned()).collect(),
    }
}

fn claim(text: &str, phrasings: &[&str], patterns: &[&str], red_flag: bool) -> Misconception {
    Misconception {
        claim: text.to_owned(),
        phrasings: phrasings.iter().map(|p| (*p).to_owned()).collect(),
        patterns: patterns.iter().map(|p| (*p).to_owned()).collect(),
        correction: format!("not: {text}"),
        red_flag,
        line: 1,
    }
}

/// A small N+1 rubric, written the way the corpus's are.
fn orm() -> Grader {
    Grader::from_rubric(
        &[
            kp(
                "N+1",
                2,
                &["one query per & row", "n+1 & loop", "query & each row"],
            ),
            kp(
                "select_related joins",
                2,
                &["select_related & join", "select_related & same query"],
            ),
            kp(
                "prefetch_related runs a second query",
                1,
                &[
                    "prefetch_related & second query",
                    "prefetch_related & extra query",
                ],
            ),
            kp("measure", 1, &["assertnumqueries", "debug toolbar"]),
        ],
        &[
            claim(
                "prefetch_related does the JOIN",
                &["prefetch_related & join", "prefetch_related & single query"],
                &[],
                false,
            ),
            claim("raw string SQL", &[], &[r#"raw\(\s*f["']"#], true),
        ],
        &[vec!["join".into(), "joins".into(), "joined".into()]],
    )
}

#[test]
fn a_complete_answer_in_sentences_gets_everything() {
    let g = orm().grade(
        "N+1 is when a loop runs one query per row. select_related does a JOIN for foreign \
         keys; prefetch_related runs a second query and stitches in Python. I check with \
         assertNumQueries.",
    );
    assert_eq!(g.covered, [0, 1, 2, 3]);
    assert_eq!((g.score, g.grade), (100, 4));
    assert!(g.misconceptions.is_empty());
    assert_eq!(g.shape, Shape::Prose);
    assert_eq!(g.next_step(&[]), NextStep::Deepen);
}

#[test]
fn weights_decide_the_score() {
    // Key point 0 (weight 2) of 6: 33.
    let g = orm().grade("Looping over books runs one query per row, that is the N+1 problem.");
    assert_eq!((g.covered.as_slice(), g.score, g.grade), (&[0][..], 33, 1));
    // Key point 3 (weight 1) of 6: 17.
    let g = orm().grade("I would use the debug toolbar to look at it.");
    assert_eq!(g.score, 17);
}

#[test]
fn a_stated_misconception_caps_the_grade_below_partial() {
    let g = orm().grade(
        "N+1 is one query per row in a loop. prefetch_related solves it with a JOIN so it is a \
         single query, and select_related does the same JOIN.",
    );
    assert_eq!(g.misconceptions, [0]);
    assert!(g.score <= MISCONCEPTION_MAX_SCORE, "{g:?}");
    assert!(g.grade <= MISCONCEPTION_MAX_GRADE);
    assert_eq!(g.next_step(&[]), NextStep::Unlearn(0));
}

#[test]
fn the_right_claim_negated_or_contrasted_is_no_misconception() {
    for answer in [
        "prefetch_related does not JOIN; it runs a second query.",
        "select_related uses a JOIN, but prefetch_related runs a second query.",
        "select_related JOINs, prefetch_related a second query.",
        "It is a myth that prefetch_related does a join.",
    ] {
        let g = orm().grade(answer);
        assert!(g.misconceptions.is_empty(), "{answer}: {g:?}");
    }
}

#[test]
fn a_red_flag_pattern_is_found_in_code_unless_negated() {
    let g =
        orm().grade("Then call Book.objects.raw(f\"SELECT * FROM b WHERE id={x}\") to be fast.");
    assert_eq!(g.misconceptions, [1]);
    let g = orm().grade("Never call raw(f\"...\") with user input: pass params instead.");
    assert!(g.misconceptions.is_empty(), "{g:?}");
}

#[test]
fn a_list_of_terms_earns_little_and_is_told_to_write_sentences() {
    let g = orm().grade(
        "N+1, loop, one query per row, select_related, JOIN, prefetch_related, second query, \
         assertNumQueries, debug toolbar",
    );
    assert_eq!(g.shape, Shape::TermList);
    assert!(g.score <= 30, "{g:?}");
    assert!(g.grade <= 1);
    assert_eq!(g.next_step(&[]), NextStep::WriteSentences);
}

#[test]
fn empty_and_evasive_answers_earn_nothing_and_are_told_to_start() {
    for answer in ["", "   ", "It depends on the project, I would look it up."] {
        let g = orm().grade(answer);
        assert_eq!((g.score, g.grade), (0, 0), "{answer:?}");
        assert_eq!(g.next_step(&[]), NextStep::Start);
    }
}

#[test]
fn the_next_step_is_the_heaviest_missed_point() {
    let points = [
        kp("a", 1, &["alpha"]),
        kp("b", 3, &["beta"]),
        kp("c", 3, &["gamma"]),
    ];
    let grader = Grader::from_key_points(&points);
    let g = grader.grade("The alpha is what matters here.");
    assert_eq!(g.next_step(&points), NextStep::Learn(1));
}

#[test]
fn scores_map_to_the_nearest_quarter_of_the_scale() {
    let grades: Vec<u8> = [0, 12, 13, 37, 38, 62, 63, 87, 88, 100]
        .into_iter()
        .map(grade_of)
        .collect();
    assert_eq!(grades, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
}

#[test]
fn a_question_without_key_points_scores_nothing() {
    let g = Grader::from_key_points(&[]).grade("anything at all, in a sentence");
    assert_eq!((g.score, g.grade), (0, 0));
    assert!(g.covered.is_empty() && g.missed.is_empty());
}

#[test]
fn one_grader_grades_every_answer_alike() {
    // Correctness of reuse: one grader, many answers, same result each time.
    let grader = orm();
    let first = grader.grade("select_related does a JOIN.");
    for _ in 0..100 {
        assert_eq!(grader.grade("select_related does a JOIN."), first);
    }
}

#[test]
fn the_bundled_rubrics_pass_their_own_model_answers() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
    let corpus = match CorpusSource::Dir(dir).load() {
        Ok(corpus) => corpus,
        Err(err) => panic!("the corpus does not load: {err}"),
    };
    let problems: Vec<String> = check_rubrics(corpus.questions())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
