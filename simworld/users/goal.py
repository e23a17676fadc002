"""The goal of one session and the tracker that follows it turn by turn.

A :class:`Goal` is a target item consistent with the persona plus the preferences (facets)
that lead to it, revealed one at a time. :class:`GoalState` watches the CRS replies: which
items were recommended, whether the target came up, what the user accepted or rejected, how
many turns were unhelpful. It also plans the *slots* of the next turn (which facet to reveal,
which item to talk about), so every user model -- template or LLM -- fills the same slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simworld.catalog import Catalog, Item
from simworld.crs.protocol import CRSReply, RecItem
from simworld.latents.intents import CLOSE, FACET_INTENTS, ITEM_INTENTS

FACET_KINDS = ("genre", "decade", "era", "tag", "like", "avoid")


@dataclass(frozen=True, slots=True)
class Facet:
    """One preference: ``kind`` in FACET_KINDS, ``value`` a genre/decade/era/tag/item id.

    For ``like``, ``value`` is the item id of a film the user liked (never the target) and
    ``title`` its title; for others ``title`` is empty.
    """

    kind: str
    value: str
    title: str = ""


# Dialogue-state contexts the intent policy conditions on.
CONTEXTS = ("start", "question", "rec_match", "rec_seen", "rec_mismatch", "explain", "other")


@dataclass(frozen=True, slots=True)
class Goal:
    target: Item
    facets: tuple[Facet, ...]
    accept_threshold: float  # satisfaction needed to accept a non-target item
    disliked_genres: tuple[str, ...] = ()
    films_wanted: int = 1  # films the user wants to leave with (accepts before closing)

    def satisfaction(self, item: Item) -> float:
        """How well ``item`` fulfils the goal, in [0, 1]; 1 for the target itself."""
        if item.item_id == self.target.item_id:
            return 1.0
        if set(item.genres) & set(self.disliked_genres):
            return 0.0
        score, total = 0.0, 0.0
        tg = set(self.target.genres)
        for f in self.facets:
            if f.kind == "genre":
                total += 2
                score += 2 * (f.value in item.genres)
            elif f.kind == "decade":
                total += 1
                score += item.decade is not None and str(item.decade) == f.value
            elif f.kind == "era":
                total += 1
                score += _era_ok(f.value, item.year)
            elif f.kind == "tag":
                total += 1
                score += f.value in item.tags
            elif f.kind == "like":
                total += 1
                union = tg | set(item.genres)
                score += len(tg & set(item.genres)) / len(union) if union else 0.0
        return 0.0 if total == 0 else 0.95 * score / total


def _era_ok(era: str, year: int | None) -> float:
    if year is None or era == "any":
        return 0.5
    return float(year < 1990) if era == "classic" else float(year >= 2005)


@dataclass(slots=True)
class Slots:
    """What the user's next turn must say, besides its intent. Empty fields are unused."""

    facet: Facet | None = None  # preference to reveal (IQU, PRO, ANS, REF, CRI-A, STO)
    item: RecItem | None = None  # the recommended item talked about (ACC, REJ, SEE, INQ...)
    reason: Facet | None = None  # why an item is rejected / critiqued (REJ, CRI-F)
    quitting: bool = False  # CLOSE without success: the user gives up
    accepted: bool = False  # CLOSE after accepting something
    closing: bool = False  # ACC that says goodbye too: the session ends on it
    crs_asked: bool = False  # the CRS's last reply asked a question
    # Opening turn only: what the user may refer to besides the request. "returning": a film
    # accepted in an earlier session (``hint_title``, never the target); "friend": the goal
    # is a film a friend liked (its title is not said: that would name the target).
    hint: str | None = None
    hint_title: str = ""


@dataclass
class GoalState:
    goal: Goal
    catalog: Catalog
    seen_items: frozenset[str] = frozenset()  # items the agent had watched before this session
    revealed: int = 0
    recommended: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # films accepted, in order
    target_mentioned_by_crs: bool = False
    target_rank: int | None = None  # 1-based position of the target in the first list holding it
    first_rec_turn: int | None = None
    unhelpful_turns: int = 0
    context: str = "start"
    last_items: tuple[RecItem, ...] = ()
    best_item: RecItem | None = None  # best-satisfying item of the last reply
    patience_turns: int = 4  # unhelpful CRS turns tolerated (from the patience trait)

    # -- observing the CRS ------------------------------------------------------------
    def observe(self, turn_index: int, intent: str, slots: Slots, reply: CRSReply) -> None:
        """Update the state from the reply to the user turn ``intent``."""
        if intent == "ACC" and slots.item is not None and slots.item.id not in self.accepted:
            self.accepted.append(slots.item.id)
        elif intent == "REJ" and slots.item is not None:
            self.rejected.append(slots.item.id)
        known = [it for it in reply.items if it.id in self.catalog]
        if reply.text and not self.target_mentioned_by_crs:
            titled = {i.item_id for i in self.catalog.match_titles(reply.text)}
            if self.goal.target.item_id in titled:
                self.target_mentioned_by_crs = True
        for rank, it in enumerate(known, 1):
            if it.id == self.goal.target.item_id:
                self.target_mentioned_by_crs = True
                if self.target_rank is None:
                    self.target_rank = rank
        new = [it for it in known if it.id not in self.recommended]
        self.recommended.extend(it.id for it in new)
        if known and self.first_rec_turn is None:
            self.first_rec_turn = turn_index
        self.last_items = tuple(known)
        self.context, self.best_item = self._classify(reply, known)
        if self.context in ("rec_mismatch", "other") or not reply.ok:
            self.unhelpful_turns += 1

    def _classify(self, reply: CRSReply, known: list[RecItem]) -> tuple[str, RecItem | None]:
        if not reply.ok:
            return "other", None
        if known:
            fresh = [
                it for it in known if it.id not in self.rejected and it.id not in self.accepted
            ]
            if not fresh:
                # Only films already rejected or accepted: a miss, about one the user turned
                # down (never about a film the user took).
                turned_down = [it for it in known if it.id not in self.accepted]
                return ("rec_mismatch", turned_down[0]) if turned_down else ("other", None)
            scored = [(self.goal.satisfaction(self.catalog.get(it.id)), it) for it in fresh]
            best_score, best = max(scored, key=lambda p: p[0])
            if best.id in self.seen_items and best.id != self.goal.target.item_id:
                return "rec_seen", best
            unseen = [p for p in scored if p[1].id not in self.seen_items]
            if unseen:
                best_score, best = max(unseen, key=lambda p: p[0])
            if best_score >= self.goal.accept_threshold:
                return "rec_match", best
            seen = [it for it in fresh if it.id in self.seen_items]
            if seen:
                return "rec_seen", seen[0]
            return "rec_mismatch", best
        text = reply.text.strip()
        if text.endswith("?") or "?" in text[-60:]:
            return "question", None
        low = text.lower()
        if any(w in low for w in ("because", "since it", "it's about", "it is about", "stars ")):
            return "explain", None
        return "other", None

    @property
    def success(self) -> bool:
        """At least one film accepted."""
        return bool(self.accepted)

    @property
    def accepted_item(self) -> str | None:
        """The first film accepted (the one that made the session a success)."""
        return self.accepted[0] if self.accepted else None

    @property
    def done(self) -> bool:
        """The user has every film they wanted."""
        return len(self.accepted) >= self.goal.films_wanted

    @property
    def wants_more(self) -> bool:
        """Accepted a film and still wants another."""
        return self.success and not self.done

    @property
    def exhausted(self) -> bool:
        """The user's patience is used up."""
        return self.unhelpful_turns > self.patience_turns

    # -- planning the next turn -------------------------------------------------------
    def next_facet(self) -> Facet | None:
        if self.revealed < len(self.goal.facets):
            return self.goal.facets[self.revealed]
        return None

    def plan(self, intent: str, rng: np.random.Generator) -> Slots:
        """Choose the slots of a user turn with this intent (reveals facets as it goes)."""
        slots = Slots(crs_asked=self.context == "question")
        if intent in FACET_INTENTS:
            facet = self.next_facet()
            if facet is None and self.goal.facets:
                # Everything is said: repeat one, as people do.
                facet = self.goal.facets[int(rng.integers(len(self.goal.facets)))]
            else:
                self.revealed += 1
            slots.facet = facet
        if intent in ITEM_INTENTS:
            slots.item = self.best_item or (self.last_items[0] if self.last_items else None)
            if slots.item is not None and intent in ("REJ", "CRI-F"):
                slots.reason = self._reason(self.catalog.get(slots.item.id))
        if intent == "CRI-A":
            # Add a constraint: the next unrevealed facet, else the strongest one again.
            slots.reason = slots.facet
        if intent == CLOSE:
            slots.accepted = self.success
            slots.quitting = not self.success
        return slots

    def _reason(self, item: Item) -> Facet | None:
        """The most salient way ``item`` misses the goal, as a facet the user can name."""
        bad = [g for g in item.genres if g in self.goal.disliked_genres]
        if bad:
            return Facet("avoid", bad[0])
        for f in self.goal.facets[: max(self.revealed, 1)]:
            if f.kind == "genre" and f.value not in item.genres:
                return f
            if f.kind == "decade" and (item.decade is None or str(item.decade) != f.value):
                return f
            if f.kind == "era" and _era_ok(f.value, item.year) < 1:
                return f
        return None


def make_state(
    goal: Goal, catalog: Catalog, seen_items: frozenset[str], patience_turns: int
) -> GoalState:
    return GoalState(
        goal=goal, catalog=catalog, seen_items=seen_items, patience_turns=patience_turns
    )
