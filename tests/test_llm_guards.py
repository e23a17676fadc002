"""Guards for LLM-written user turns, on crafted model outputs."""

from __future__ import annotations

import numpy as np
import pytest

from simworld.users.goal import Facet
from simworld.users.models import guards

# -- cleaning --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("User: I want a comedy", "I want a comedy"),
        ("**User:** I want a comedy", "I want a comedy"),
        ('Seeker: "I want a comedy"', "I want a comedy"),
        ("“I want a comedy”", "I want a comedy"),
        ("'something scary please'", "something scary please"),
        ("I want a **funny** movie", "I want a funny movie"),
        ("# My message\nI want a comedy", "My message I want a comedy"),
        ("- I want a comedy\n- from the 90s", "I want a comedy from the 90s"),
        ("```\nI want a comedy\n```", "I want a comedy"),
        ("I want a comedy\nRecommender: Sure, try Airplane!", "I want a comedy"),
        ("I want a comedy\n\nAssistant: How about this?\nUser: ok", "I want a comedy"),
        ("(smiles)\nI want a comedy", "I want a comedy"),
        ("  I   want\n a comedy  ", "I want a comedy"),
    ],
)
def test_clean_strips_prefixes_quotes_markdown_and_continuations(raw: str, expected: str) -> None:
    assert guards.clean(raw) == expected


def test_clean_keeps_inner_quotes_and_plain_text() -> None:
    text = 'I loved "Heat" and "Alien", anything like those?'
    assert guards.clean(text) == text
    assert guards.clean("you know, something fun") == "you know, something fun"


def test_clean_of_only_a_prefix_is_empty() -> None:
    assert guards.clean("User:") == ""
    assert guards.clean('""') == ""


# -- role adherence --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("As an AI, I don't watch movies, but I can suggest some.", "ai_disclosure"),
        ("I'm an AI language model and cannot have preferences.", "ai_disclosure"),
        ("Hello. I'm the AI. I'm a movie recommender.", "ai_disclosure"),
        ("How can I help you today?", "offer_help"),
        ("I'd be happy to help you find a movie!", "offer_help"),
        ("Let me know if you need anything else.", "offer_help"),
        ("i'm sorry, but i'm not able to assist you.", "offer_help"),
        ("I would recommend The Matrix, it's great.", "recommend"),
        ("You might enjoy Inception then.", "recommend"),
        ("You should definitely watch Alien.", "recommend"),
        ("Here are some great comedies for you:", "recommend"),
        ("I'm excited to recommend a film noir!", "recommend"),
        ("I'm going to recommend a western.", "recommend"),
        ("What kind of movies do you like?", "ask_preferences"),
        ("What genres do you enjoy?", "ask_preferences"),
        ("So, what are you in the mood for tonight?", "ask_preferences"),
        ("Do you have a favorite actor?", "ask_preferences"),
        ("Assistant: sure thing", "crs_speaker"),
        ("1. Heat\n2. Alien\n3. Up", "list"),
    ],
)
def test_assistant_like_replies_are_detected(text: str, reason: str) -> None:
    assert reason in guards.role_violations(text)


@pytest.mark.parametrize(
    "text",
    [
        "hi! can you recommend a good comedy?",
        "I'd like something scary from the 80s",
        "not really my thing, i hate musicals",
        "oh I've seen that one already, loved it",
        "what do you think of Heat? is it any good?",
        "sounds great, I'll watch it tonight. thanks!",
        "ok bye",
    ],
)
def test_user_like_replies_pass(text: str) -> None:
    assert guards.role_violations(text) == []


# -- goal leak -------------------------------------------------------------------------


def test_leak_detected_before_the_crs_mentions_the_target() -> None:
    title = "The Silence of the Lambs"
    assert guards.leaks_goal("I want to see the silence of the lambs!", title, False)
    assert guards.leaks_goal("maybe The Silence of the Lambs?", title, False)


def test_no_leak_after_the_crs_mentioned_it_or_when_absent() -> None:
    title = "The Silence of the Lambs"
    assert not guards.leaks_goal("The Silence of the Lambs sounds good", title, True)
    assert not guards.leaks_goal("something silent, with lambs", title, False)


def test_leak_is_word_aligned() -> None:
    assert not guards.leaks_goal("i want something upbeat", "Up", False)
    assert guards.leaks_goal("have you got Up?", "Up", False)


# -- length ----------------------------------------------------------------------------


def test_length_bounds_follow_verbosity() -> None:
    terse, chatty = guards.length_bounds("terse"), guards.length_bounds("chatty")
    assert terse[1] < guards.length_bounds("average")[1] < chatty[1]
    assert guards.length_bounds("nonsense") == guards.length_bounds("average")


def test_check_length_and_trim() -> None:
    bounds = (2, 6)
    assert guards.check_length("hi", bounds) == "short"
    assert guards.check_length("I want a comedy", bounds) is None
    long = "I want a comedy. Something from the nineties with a good cast please."
    assert guards.check_length(long, bounds) == "long"
    trimmed = guards.trim_words(long, 6)
    assert trimmed == "I want a comedy."
    assert guards.word_count(guards.trim_words("one two three four five six seven", 4)) == 4
    assert guards.trim_words("short one", 10) == "short one"


# -- loops, echoes, slots, drift -------------------------------------------------------


def test_loops_are_detected() -> None:
    assert guards.is_repetitive("hello there, hello there, hello there!")
    assert guards.is_repetitive("you'll miss it, you'll miss it, you'll miss it, you'll miss it")
    assert not guards.is_repetitive("I want a thriller, maybe something from the nineties")


def test_instruction_echo_and_narration_are_detected() -> None:
    assert guards.echoes_instructions("[Your next message: ask for a thriller]")
    assert guards.echoes_instructions("Sure. Write about 12 words: I like thrillers")
    assert guards.echoes_instructions("The recommender is looking for a thriller.")
    assert guards.echoes_instructions("(The message is edited to sound friendly.)")
    assert guards.echoes_instructions("you are the person looking for a movie, not me")
    assert not guards.echoes_instructions("can you recommend a thriller?")


@pytest.mark.parametrize(
    ("facet", "text"),
    [
        (Facet("genre", "Comedy"), "any good comedies?"),
        (Facet("genre", "Sci-Fi"), "something science fiction please"),
        (Facet("genre", "Sci-Fi"), "a sci-fi one"),
        (Facet("decade", "1990"), "from the 90s"),
        (Facet("decade", "1990"), "nineties stuff"),
        (Facet("decade", "1990"), "something from 1990s"),
        (Facet("era", "classic"), "an old one"),
        (Facet("tag", "twist"), "with a twisty ending"),
        (Facet("like", "m2", "Night Circuit"), "I loved night circuit"),
    ],
)
def test_facets_are_recognised_in_many_forms(facet: Facet, text: str) -> None:
    assert guards.facet_mentioned(text, facet)


@pytest.mark.parametrize(
    ("facet", "text"),
    [
        (Facet("genre", "Comedy"), "any good thrillers?"),
        (Facet("decade", "1990"), "from the 80s"),
        (Facet("era", "recent"), "an old one"),
        (Facet("like", "m2", "Night Circuit"), "I loved that one"),
    ],
)
def test_missing_facets_are_detected(facet: Facet, text: str) -> None:
    assert not guards.facet_mentioned(text, facet)


def test_intent_cues() -> None:
    assert guards.intent_cue_missing("REJ", "sure, sounds fun")
    assert not guards.intent_cue_missing("REJ", "nah, I don't like horror")
    assert guards.intent_cue_missing("INQ", "I like it.")
    assert not guards.intent_cue_missing("INQ", "what is it about?")
    assert not guards.intent_cue_missing("PRO", "anything")  # no cue for this intent
    # Draft mode: only a cue the draft had can go missing.
    assert not guards.intent_cue_missing("REJ", "people say mixed things", "heard it is meh")
    assert guards.intent_cue_missing("REJ", "sounds fun", "nah, not for me")


def test_draft_overlap() -> None:
    draft = "I don't know about Lantern Street, horror isn't my thing"
    assert guards.draft_overlap("Lantern Street? horror is not my thing", draft) >= 0.5
    assert guards.draft_overlap("I love restaurants and sunny days", draft) < 0.3
    assert guards.draft_overlap("anything", "ok") == 1.0


def test_the_template_drafts_pass_their_own_draft_mode_guards() -> None:
    """Calibration: whatever the template writes for any intent must be acceptable as a
    rewrite of itself, or draft mode would reject faithful paraphrases."""
    import dataclasses

    import numpy as np
    from llm_contexts import context, new_state

    from simworld.crs.protocol import CRSReply, RecItem
    from simworld.latents.intents import DEFAULT_INTENTS
    from simworld.users.models.llm_base import _plain
    from simworld.users.models.openai_model import OpenAIUserModel

    model = OpenAIUserModel(base_url="http://127.0.0.1:1/v1", model="x", mode="draft")
    reply = CRSReply(
        "How about Night Circuit or Paper Moons?",
        items=(RecItem("m2", "Night Circuit", 0.5), RecItem("m3", "Paper Moons", 0.4)),
    )
    rejected: list[tuple[str, list[str], str]] = []
    for seed in range(12):
        for intent in DEFAULT_INTENTS:
            state = new_state()
            state.observe(0, "IQU", state.plan("IQU", np.random.default_rng(0)), reply)
            verbosity = ("terse", "average", "chatty")[seed % 3]
            ctx = context(state, intent, 1, seed=seed, verbosity=verbosity)
            # As LLMUserModel.respond drafts: without surface noise (no typos in slot words).
            draft = model._template.draft(dataclasses.replace(ctx, style=_plain(ctx.style)))
            fired: list[str] = []
            if model.check(draft, ctx, fired, draft) is None:
                rejected.append((intent, fired, draft))
    assert rejected == []


def test_a_genre_said_in_the_templates_own_words_counts_as_mentioned() -> None:
    thriller = Facet("genre", "Thriller")
    assert guards.facet_mentioned("any good suspense movies?", thriller)
    assert guards.facet_mentioned("something tense please", thriller)
    assert guards.facet_mentioned("i want something scary", Facet("genre", "Horror"))
    # another genre's word is not this genre ("a romantic comedy or drama" names three)
    assert not guards.facet_mentioned("a good drama please", Facet("genre", "Romance"))
    assert not guards.facet_mentioned("a good movie please", thriller)
    # tags are matched by their own word only
    assert not guards.facet_mentioned("something scary", Facet("tag", "horror"))


def test_a_closing_accept_is_told_to_say_goodbye() -> None:
    from llm_contexts import context, new_state

    from simworld.crs.protocol import CRSReply, RecItem
    from simworld.users.models.llm_prompt import turn_instruction

    state = new_state()
    item = next(iter(state.catalog.items))
    state.observe(0, "IQU", state.plan("IQU", np.random.default_rng(0)),
                  CRSReply("Try this", (RecItem(item.item_id, item.display_title, 1.0),)))
    ctx = context(state, "ACC", 1)
    assert "goodbye" not in turn_instruction(ctx, 8)
    ctx.slots.closing = True
    assert "goodbye" in turn_instruction(ctx, 8)
