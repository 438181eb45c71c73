"""Paragraph/word diffs, CJK character diffs, and crediting changes to their authors."""

import random

from server.domain.documents.text_diff import (
    BlameReplay,
    ChangeKind,
    Op,
    TextDiff,
    diff_texts,
    is_word,
    reverse,
    tokenize,
)


def _segments(diff: TextDiff) -> list[list[tuple[str, str]]]:
    return [[(s.op.value, s.text) for s in c.segments] for c in diff.changes]


def test_tokens_are_words_cjk_characters_spaces_and_punctuation() -> None:
    assert tokenize("Hi, Ana 你好！ v2.0\n下一段") == [
        "Hi", ",", " ", "Ana", " ", "你", "好", "！", " ", "v2", ".", "0", "\n", "下", "一", "段",
    ]  # fmt: skip
    assert [t for t in tokenize("Hi, 你好！ 42") if is_word(t)] == ["Hi", "你", "好", "42"]


def test_equal_texts_have_no_changes() -> None:
    diff = diff_texts("same\ntext", "same\ntext")
    assert diff.changes == ()
    assert (diff.inserted_words, diff.deleted_words) == (0, 0)


def test_words_change_inside_a_paragraph_and_whole_paragraphs_are_inserted_and_deleted() -> None:
    diff = diff_texts(
        "Intro\nThe quick brown fox\nObsolete line\nEnd",
        "Intro\nThe slow red fox\nEnd\nNew closing words",
    )
    kinds = [(c.kind, c.from_start, c.from_end, c.to_start, c.to_end) for c in diff.changes]
    assert kinds == [(ChangeKind.MODIFIED, 1, 3, 1, 2), (ChangeKind.INSERTED, 4, 4, 3, 4)]
    assert _segments(diff)[0] == [
        ("equal", "The "),
        ("deleted", "quick brown"),
        ("inserted", "slow red"),
        ("equal", " fox"),
        ("deleted", "\nObsolete line"),
    ]
    assert _segments(diff)[1] == [("inserted", "New closing words")]
    assert (diff.inserted_words, diff.deleted_words) == (5, 4)


def test_chinese_is_compared_character_by_character() -> None:
    diff = diff_texts("客户需要更快的交付周期", "客户需要更便宜的交付周期")
    assert _segments(diff) == [
        [("equal", "客户需要更"), ("deleted", "快"), ("inserted", "便宜"), ("equal", "的交付周期")]
    ]
    assert (diff.inserted_words, diff.deleted_words) == (2, 1)


def test_a_changed_pair_of_words_reads_as_one_replacement() -> None:
    diff = diff_texts("keep alpha beta keep", "keep gamma delta keep")
    assert _segments(diff) == [
        [("equal", "keep "), ("deleted", "alpha beta"), ("inserted", "gamma delta"), ("equal", " keep")]
    ]


def test_blame_credits_each_insertion_and_deletion_to_its_author() -> None:
    replay = BlameReplay("The quick brown fox")
    replay.step("The quick brown fox jumps", frozenset({"ana"}))
    replay.step("The slow brown fox jumps", frozenset({"ben"}))
    replay.step("The slow brown fox jumps high", frozenset({"ana"}))
    diff = diff_texts("The quick brown fox", "The slow brown fox jumps high", replay.result())
    credited = [(s.op, s.text, sorted(s.authors)) for s in diff.changes[0].segments if s.op is not Op.EQUAL]
    assert credited == [
        (Op.DELETED, "quick", ["ben"]),
        (Op.INSERTED, "slow", ["ben"]),
        (Op.INSERTED, " jumps high", ["ana"]),
    ]


def test_text_typed_and_removed_between_versions_leaves_no_trace() -> None:
    replay = BlameReplay("base")
    replay.step("base typo", frozenset({"ana"}))
    replay.step("base", frozenset({"ana"}))
    assert diff_texts("base", "base", replay.result()).changes == ()


def test_reverse_reads_the_diff_the_other_way() -> None:
    forward = diff_texts("a b\nold", "a c\nnew\nmore")
    backward = reverse(forward)
    assert backward.inserted_words == forward.deleted_words
    assert [(c.from_start, c.from_end, c.to_start, c.to_end) for c in backward.changes] == [
        (c.to_start, c.to_end, c.from_start, c.from_end) for c in forward.changes
    ]
    again = diff_texts("a c\nnew\nmore", "a b\nold")
    assert {(s.op, s.text) for c in again.changes for s in c.segments} == {
        (s.op, s.text) for c in backward.changes for s in c.segments
    }


def test_a_huge_rewrite_degrades_to_a_whole_replacement() -> None:
    old = " ".join(f"w{i}" for i in range(6000))
    new = " ".join(f"v{i}" for i in range(6000))
    diff = diff_texts(old, new)
    assert [s.op for s in diff.changes[0].segments] == [Op.DELETED, Op.INSERTED]
    assert diff.inserted_words == diff.deleted_words == 6000


def test_a_long_replay_credits_every_word_to_whoever_typed_or_removed_it() -> None:
    rng = random.Random(3)
    lines = [" ".join(f"base{i}w{j}" for j in range(8)) for i in range(30)]
    base = "\n".join(lines)
    replay = BlameReplay(base)
    inserted_by: dict[str, str] = {}
    deleted_by: dict[str, set[str]] = {}
    for step in range(300):
        author = rng.choice(["ana", "ben", "chen"])
        words = [line.split(" ") for line in lines]
        row = rng.randrange(len(words))
        if rng.random() < 0.6 or len(words[row]) < 2:
            word = f"{author}{step}"
            words[row].insert(rng.randint(0, len(words[row])), word)
            inserted_by[word] = author
        else:
            gone = words[row].pop(rng.randrange(len(words[row])))
            deleted_by.setdefault(gone, set()).add(author)
        if rng.random() < 0.05:
            words.insert(rng.randint(0, len(words)), [f"{author}{step}line"])
            inserted_by[f"{author}{step}line"] = author
        lines = [" ".join(w) for w in words]
        replay.step("\n".join(lines), frozenset({author}))
    final = "\n".join(lines)
    blame = replay.result()
    tokens = tokenize(final)
    assert len(blame.inserted_by) == len(tokens)
    for token, authors in zip(tokens, blame.inserted_by, strict=True):
        if token in inserted_by:
            assert authors == {inserted_by[token]}, token
        elif token.startswith("base"):
            assert authors == frozenset(), token
    base_tokens = tokenize(base)
    for index, authors in blame.deleted_by.items():
        word = base_tokens[index]
        if word.startswith("base"):
            assert authors == deleted_by[word], word
    assert {base_tokens[i] for i in blame.deleted_by if base_tokens[i].startswith("base")} == {
        w for w in deleted_by if w.startswith("base")
    }
