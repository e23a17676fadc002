"""Phrases for reacting to a recommended item: SEE, ACC, REJ, INQ, CRI-F, CRI-A, CRI-C, NRE.

Written for simworld (not taken from any corpus). Syntax: see :mod:`simworld.users.phrases`.
``{item}`` names the item under discussion ("Heat (1995)", "Heat", "that one", "it", "the
first one"); ``{item_title}`` always uses its title; ``{reason}`` is a clause saying why it
misses ("I don't do horror", "that's too old"); ``{opinion}`` a short verdict on a film the
user has seen ("loved it", "it was ok"). Every ACC phrase names the item (title or pronoun).
"""

from __future__ import annotations

_LATER = "(tonight|later|this weekend|soon|tomorrow)"

SEE: dict[str, tuple[str, ...]] = {
    "any": (
        "(I've|I have) seen {item}[, {opinion}]",
        "(I have seen|I've seen|I saw) (that one|that movie|it)[. {opinion}]",
        "(yes|yes|yeah) I have seen (that one|it|{item})[. {opinion}]",
        "I (liked|loved|really liked|enjoyed) (that one|that movie|{item})",
        "I (love|really like) (that movie|that one|{item})[!]",
        "(oh|yes) I (loved|liked) {item}[, (it was|it's) (great|so good|a good one)]",
        "{item} is (one of my favorites|a good one|a great movie)[, (I have seen it|seen it)]",
        "(yes|yeah) I (saw|watched) (that one|it|{item})[, {opinion}]",
        "I (thought|think) {item} was (okay|ok|good|great|pretty good)",
        "(I saw|I have seen|I've seen) (that one|{item})[ already]. {opinion}",
        "(seen it|seen that one)[, {opinion}]",
        "(I've|I have) seen (both|all) of those[. {opinion}]",
        "I (saw|watched) {item} (a while back|last year|a few years ago|recently|with my "
        "(kids|family|friends))[. {opinion}]",
        "(yes|oh yes), (that one|{item}) (was|is) (good|great|okay|so funny|really good)",
        "(I saw|I've seen) {item} (also|as well|too)[. {opinion}]",
        "@pos (oh|ooh) I love {item}[! {opinion}]",
        "@neg (ugh|meh), (I've|I have) seen {item}[, {opinion}]",
        "@polite (thanks, but|oh,) I've already seen {item}[, {opinion}]",
        "(I think|pretty sure) I have seen {item}[ but I don't remember it (well|much)]",
        "(yep|yup), seen {item}[. {opinion}]",
        "(I know|I remember) {item}[, {opinion}]",
        "(I've|I have) seen (that one|it) (like|maybe) (three|five|ten) times[ lol]",
        "(I've|I have) seen {item} (too|as well)[, {opinion}]",
        "(I saw|I watched) (that one|it) with my (wife|husband|son|daughter|kids|girlfriend|mom)"
        "[. {opinion}]",
        "[(oh|oh yes) ]{item} is (my favorite|one of my all time favorites)[, I've seen it (so "
        "many|a bunch of) times]",
        "(yes|yeah) I did see (that one|it)[, {opinion}]",
        "(I've|I have) seen (that one|it) but it's been a (while|long time|few years)[. I "
        "(could rewatch it|wouldn't mind rewatching it) (though|actually)]",
        "(I've|I have) seen {item} (twice|a couple of times|more than once|a bunch)[, {opinion}]",
        "(I've|I have) seen (them both|both of them|them all|all of them)[ actually][. {opinion}]",
        "(already|I already) saw (that one|{item})[, {opinion}]",
        "{item_title}? (yes|yeah|yep) seen it[, {opinion}]",
        "(yes|yeah) (I've|I have) seen (it|that one). (what about|how about) (another "
        "one|one more)?",
        "I watched {item} (last week|the other night|not long ago|a few weeks ago)[ actually][. "
        "{opinion}]",
        "(that's|{item} is) a classic, (I've|I have) seen it[ (more than once|a few times)]",
        "(I've|I have) actually seen {item}[, {opinion}]",
        "(I've|I have) seen {item} and it's (very|super|quite|really) good",
        "(I've|I have) seen {item} but not the sequel[. {opinion}]",
        "(I've|I have) seen (it|that one), (he|she) (is|was) (so|very|really) good in it",
        "@neg (I've|I have) seen {item} (and|but) I thought it was (just ok|kind of "
        "overrated|a little boring)",
        "@pos (oh|omg) I've seen (that one|{item})[! (loved that|so good|still one of my "
        "favorites)]",
        "(we|I) saw {item} (at the theater|in theaters|on a plane|on tv)[, {opinion}]",
        "seen (that one|it) (already|before)[, {opinion}]",
        "(I've|I have) seen {item} (already|before)[. still one of my favorites]",
        "I (remember|know) {item}, (I've|I have) seen it[ (a long time ago|years ago)]",
    ),
}

ACC: dict[str, tuple[str, ...]] = {
    "any": (
        "{item} (sounds|sounds|sounds|looks) (good|great|perfect|interesting)[, (I'll|I will) "
        "(check it "
        "out|watch it|give it a try)]",
        f"(I'll|I will|I think I'll) (watch {{item}}|check out {{item}}|give {{item}} a "
        f"(try|shot|go))[ {_LATER}]",
        "(ooh|oh nice|great|perfect), ({item_title} it is|{item} sounds good)",
        f"(yes|yeah|yep)[!|,] (I'll|I'm going to) (watch|go with) {{item}}[ {_LATER}]",
        "(haven't seen|never seen|I haven't seen) {item}[ yet], (I'll|will) (check it "
        "out|add it to my list)[!]",
        "(I|I|we) (haven't seen|haven't seen|have not seen|never saw) {item}[ but it] "
        "(sounds|sounds|sounds|looks) "
        "(good|fun|great)",
        "I (haven't|haven't|have not) seen (that one|{item})[ yet]. I will (watch it|check it "
        "out)[ "
        "(tonight|later|soon)]",
        "(yes|yes|yeah) (that one|{item}) (sounds|sounds|looks) (good|great)[. (thanks|thank you) "
        "for (that|the tip|the help)]",
        "(those|they) all (sound|look) good. I (will|think I will) (go with|start with) {item}",
        "(both|either one) (sound|sounds) good[.] I (will|can) (see|watch) {item} (first|tonight)",
        "I (will|will have to) check out {item}[ (thanks|thank you)]",
        "(yes|oh yes) I (like|love) that one[. I will (watch it|check it out) again]",
        "(that|{item}) (sounds|sounds|sounds|looks) (good|great)[!] I will check it out",
        "(yes|ok) I will check (that one|it|{item}) out[ {thanks}]",
        "I will have to (watch|see) {item}[ (this week|sometime soon)]",
        "I (will|might) also (check out|watch) {item}",
        "(I have heard of|I know) {item} but (never|have not) (seen|watched) it. I will (give it a "
        "try|watch it)",
        "(oh|yes) I (love|like) {item}[ I forgot about that one]",
        "I will (watch|see) {item}[ (tonight|later|soon)]",
        "(adding|I'll add) {item} to my (list|watchlist)[, {thanks}]",
        "({item} is|that's) (exactly|just) what I (wanted|was looking for)[, {thanks}]",
        "@hes (hmm|ok), {item} (might|could) (work|be good)[, I'll (give it a try|try it)]",
        "@hes (I guess|maybe) I'll (try|give a shot to) {item}",
        "@pos (oh|ooh) {item}! (love it|sounds awesome|perfect)",
        "@polite {item} sounds (lovely|perfect|excellent), thank you[ so much]",
        "@blunt (fine|ok), {item}",
        "(sure|ok|okay), (I'll|let's) go with {item}",
        "(I've|I have) (heard good things about|wanted to see) {item}[ so I will "
        "(watch it|check it out)]",
        "(great|perfect|awesome) (choice|pick|suggestion), (I'll|I will) (watch|check out) "
        "{item}",
        "{item_title} it is[, {thanks}]",
        "(that[ one]|{item}) (sounds|sounds|sounds|looks) like (a winner|just the thing|fun)",
        "(oh|ah) I forgot about {item}[, (good|great) idea]",
        "(yes|yeah|yes) {item} (is|sounds) (perfect|great|good)[ for (tonight|us)]",
        "(never heard of|I don't know|I have not seen) {item} but it (sounds|sounds|sounds|looks) "
        "(good|great|interesting)",
        "(I think|ok) (I'll|we'll) (go with|watch) {item}[, {thanks}]",
        "{item}? (yes|yeah|sure), (that|it) (sounds|sounds|sounds|looks) (good|great)",
        "(ooh|oh), I (like|love) the (sound|look) of {item}",
        "(sold|you sold me)[!] (I will|going to) watch {item}",
        "(perfect|great), {item} (is going on|goes on) my list",
        "{item} (should|could) be (fun|good|great)[, I'll (check it out|try it)]",
        "(I'm|I am||) [definitely ](going to|gonna) watch {item}",
        "(ok|okay) (I'll|ill|I will) check (that|it) out",
        "(that one|{item_title}) sounds (fun|cool|interesting)[, {thanks}]",
        "(ooh|aw) (that|{item}) looks cute, (I'll|I will) (watch it|check it out)",
        "I heard (it's|that one's) (very|super|really) good, (I'll|I will|so I'll) (watch it|give "
        "it a shot)",
        "(I'll|I will|we'll) (watch|try) {item}, my (wife|son|daughter|husband|kids) (will|would) "
        "(love|like) it",
        "(ok|alright), that one it is[ then]",
        f"(perfect|great), (I'll|I will) watch (that|it) {_LATER} with my (wife|husband|son|kids)",
        "(I'll|I will) (try|watch) (that one|it), I (really like|like) (the director|that "
        "actor|the lead)",
        f"(I've|I have) been meaning to see (that one|{{item}}) (actually|for a while), (I'll|I "
        f"will) [finally ]watch it[ {_LATER}]",
        "(ok|okay) (that|{item}) (sounds|looks) (good|fun|cool)[ to me]",
        "(yes|yeah) (that one|{item}) (looks|sounds) (good|fun) (too|also|as well)[, I'll add it "
        "to my list]",
        "(ok|okay|sure), I (will|can) (give it a try|give that one a shot)",
        f"(I'd|I would) (like|love) to watch {{item}}[ {_LATER}]",
        "(that|{item}) sounds right up my alley[, {thanks}]",
        "(oh|ah) (yes|yeah), I (heard|have heard) (of|about) (that one|{item}). (I'll|I will) "
        "(check it out|give it a try)",
        "(that's|that is) (just|exactly) what I had in mind[, {thanks}]",
        "(hmm|ok) (yeah|yes), (that one|{item}) could be (fun|good|cute). (I'll|I will) "
        "(try|watch) it",
        "(oh|ooh) nice, I didn't know about (this one|{item}). (I'll|will) check it out",
        "(yes|yeah), (that|{item}) (sounds|looks) (fun|good|cool)[. I hope it's as good as it "
        "(sounds|looks)]",
        "I'll take (that one|it)[, {thanks}]",
        "(yes|yep|yeah), that one[ for sure]",
        "(this one|{item}) (has|got) (good|great) reviews[ I think], I'll (watch|try) it",
        "(ok|alright), I'll give (that one|it) a (shot|go|watch)",
        "(oh|ooh), (this one|{item}) (looks|sounds) (good|great) actually",
        "(yes|yeah), I think {item} will do[ for (tonight|us|me)]",
        f"(I'll|I will) (rent (that one|it)|put (that one|it) on) {_LATER}",
        "(I|I really) (like|love) the sound of {item}[, {thanks}]",
        "@polite {item} sounds (lovely|perfect), I [really ]appreciate it",
        "@hes (hmm|well) ok, I (guess|suppose) I'll (try|watch) (that one|it)",
        "@pos (yay|ooh)[!] (that one|{item}) (looks|sounds) (so|super) fun[!] (I'll|I will) "
        "watch it",
        "@blunt (ok|fine), that one",
        "(ok|cool), (that|{item}) (sounds|looks) (good|fun|nice). (I'll|I will) (watch|try) it "
        "(first|tonight)",
    ),
}

REJ: dict[str, tuple[str, ...]] = {
    "any": (
        "(no|no|nope|nah|not really)[ {thanks}]",
        "I (don't|don't really|really don't) like (that one|{item}|those movies)[, {sorry}]",
        "I (didn't|didn't really|did not) (like|care for) (that one|{item}|that movie)",
        "(I've|I have) seen (that one|{item}|that movie)[ already] (and|but) I (didn't|did not) "
        "(like|care for) it",
        "(I'm|I am) not (a fan of|a big fan of|really into) (that one|{item}|those movies)",
        "(not a fan|not a big fan|not really a fan)[ of (that one|{item}|those)][, {sorry}]",
        "(I'm|I am||) not [really ]interested in (that one|{item}|that)",
        "(not really my type of movie|not my kind of movie|not really what I'm looking for)",
        "(no|nah) (thanks|thank you)[. {sorry}]",
        "(I'll|I think I'll) pass[ on (that one|{item})]",
        "(that|it) (sounds|sounds|sounds|looks) (boring|dull|meh)[ to me]",
        "@blunt (nope|no|nah)[. next]",
        "@polite (thanks|thank you), but I (don't think|am not sure) {item} is my type of movie",
        "(I've heard|people say) (bad things about|mixed things about) {item}",
        "(I|I really) (didn't|don't) like the trailer[ for {item}]",
        "(no|nah) I don't think I (would|will) like (that one|{item})",
        "@neg (ugh|meh), no",
        "(I'm|I am) not (in the mood for|feeling) (that one|{item})",
        "(no|nah). (what about|how about) (another one|a different one|one more)?",
        "(no|nah), not that one either",
        "I (don't|really don't) like that one either[, {sorry}]",
        "(hmm|hm) (no|nah), (that's|that one's) not really what I had in mind",
        "(that one's|that's) not (really|quite) for me[, {sorry}]",
        "(I'd|I would) rather not[, {sorry}]",
        "(nah|no), I'm not really feeling (it|that one)",
        "(no|nah), my (wife|husband|son|daughter) would (hate|not like) (that one|it)",
        "(that|{item}) doesn't [really ](sound|look) (all that|very|super) (good|interesting) "
        "to me",
        "(I'll|I think I'll) skip (that one|it)[, {thanks}]",
        "(that one|it) (looks|sounds) (kind of|a little|a bit) boring[ to be honest], "
        "(sorry|so no)",
        "I [really ]don't want (that one|{item})[, {sorry}]",
        "(no|nope|nah), not a fan of (that one|it) (either|at all)",
        "@polite (I appreciate it|thank you), but I'll pass on (that one|{item})",
        "@blunt (no|nope). (hard pass|not that one)",
        "@neg (ugh|oh no), not that one",
        "(I've heard|I heard) (it's|that one's) not (very|that|all that) good, so (no|I'll pass)",
        "(nope|no), (both|all) of (them|those) (sound|look) (boring|meh) to me",
        "(eh|hmm), I'd rather (have|see) something different",
    ),
    "reason": (
        "(no|no|nah|hmm no|not really), {reason}",
        "(I don't think so|probably not), {reason}",
        "(I'll|I would rather) (pass on|skip) ({item}|that one)(.| because) {reason}",
        "{item} (isn't|is not) for me(.| because|...) {reason}",
        "{reason}, so (no|not that one|I'll pass)",
        "@polite (sorry|thanks, but) {reason}",
        "@blunt no. {reason}",
        "(eh|oh) {reason}[ {sorry}]",
        "(that one|{item}) (sounds|sounds|looks) ok but {reason}",
        "(I don't know|not sure) about {item}, {reason}",
        "(no|nah) {thanks}. {reason}",
        "{reason}. (anything else|something else)?",
        "@neg (ugh|meh), {reason}",
    ),
}

INQ: dict[str, tuple[str, ...]] = {
    "any": (
        "what's {item} about?",
        "(who's|who is) in {item}?",
        "is {item} (scary|funny|long|sad|violent|kid friendly|any good|worth watching)?",
        "(how long is|what's the runtime of) {item}?",
        "(what's|what is) {item} rated?",
        "(I haven't heard of|never heard of) {item}(,|.) (what's it about|what kind of movie "
        "is it|who's in it)?",
        "(what kind of|what sort of) (movie|film) is {item}?",
        "(does|did) {item} (get|have) good (reviews|ratings)?",
        "who directed {item}?",
        "(is|was) {item} (a remake|based on a book|part of a series|a sequel)?",
        "(tell me more about|more info on|can you tell me about) {item}[ {please}]",
        "why (do you recommend|did you pick) {item}?",
        "(what's|what is) (the plot|the story|the premise) of {item}?",
        "(oh|so) what is {item} (about|like)?",
        "I have not seen {item}. What is it about?",
        "is {item} (very|super|really) (long|violent|slow)?",
        "(when|what year) did {item} come out?",
        "(is|was) {item} (a big hit|popular|well known)?",
        "are there (any|a lot of) (jump scares|sad parts|fight scenes) in {item}?",
        "(which actors are|who all is|who stars) in {item}?",
        "(where|how) can I (watch|stream) {item}?",
        "@polite (sorry|just wondering), what's {item} about?",
        "(is|would) {item} (like|similar to) (the last one|the others)?",
        "(what about|how about) {item}, is it (any good|actually good)?",
        "do you know if {item} is (on Netflix|streaming anywhere|still in theaters)?",
        "is there a sequel to {item}[ (too|as well)]?",
        "is {item} (cute|hilarious|very sad|a little creepy)?",
        "is {item} the original or the remake?",
        "(was|is) {item} (in theaters|a tv movie|a Netflix movie)?",
        "what did (you|people) think of {item}?",
        "is {item} more serious or more (lighthearted|fun)?",
        "(is|was) {item} (a true story|based on a true story|based on real events)?",
        "(does|did) {item} (win|get) any (awards|oscars)?",
        "is {item} (in English|subtitled|a foreign film)?",
        "would {item} count as (a classic|one of the classics|a cult classic)?",
        "(is there|is there a lot of) (bad language|swearing|blood) in {item}?",
        "I heard (of|about) {item}, (is it|was it) (actually|really) (good|that good)?",
        "(does|did) {item} have a (happy|sad) ending?",
        "(who plays|which actor plays) the (lead|main character) in {item}?",
        "is {item} as good as the (book|original)?",
        "@hes (hmm|wait), (what's|what is) (that one|{item}) about again?",
    ),
    "genre": (
        "is {item} {genre_sg}?",
        "would you call {item} {genre_sg}?",
        "(how|is it) {genre_mod} is {item}?",
    ),
}

CRI_F: dict[str, tuple[str, ...]] = {
    "any": (
        "(that|{item}) (seems|sounds|sounds|looks) (a bit|kind of|too) (slow|long|violent|dark|"
        "cheesy|predictable|depressing|boring|intense)",
        "(I heard|people say|I've heard) (it's|that one's) (pretty|kind of|really) (slow|long|"
        "boring|overrated|cheesy)",
        "(the|its) (reviews|ratings) (aren't|weren't) (great|good)",
        "(I'm not a fan of|I don't really like) (the lead actor|the director|that actor)",
        "(kind of|a bit|really) long for (tonight|me|a weeknight)",
        "(looks|seems) (too|a little) (sad|heavy|intense) for (me|my mood|tonight)",
        "(eh|oh) (that|{item}) (sounds|sounds|looks) (kind of|a bit) (dumb|silly|dull)",
        "(I don't|I didn't) (like|love) the (ending|cast|premise|special effects) of {item}",
        "(that one|{item}) (seems|looks) (a little|very|super) (dated|cheesy|over the top)",
        "(that|{item}) (sounds|seems) (kind of|a little) (long|slow) for a (weeknight|school "
        "night)",
        "the (trailer|poster) (looked|made it look) (kind of|a bit|pretty) (cheesy|dumb|boring)",
        "(I|I just) (can't stand|don't love) (the lead actor|him|her|that actor)",
        "(that|{item}) (might|could) be (a little|a bit|too) (violent|intense|sad) for (my son|my "
        "daughter|the kids)",
        "the (story|plot|premise) (sounds|seems) (a little|kind of|very) (thin|silly|predictable)",
        "(I heard|people say) (it's|that one's) not as good as the (original|book)",
        "(it|{item}) (seems|looks) (a bit|kind of|very) (gory|bloody|violent) for (me|my taste)",
    ),
    "reason": (
        "{reason}",
        "(eh|well|but) {reason}",
        "(that|that one|{item}) (doesn't|doesn't|doesn't|does not) (sound|seem|look) (right|like "
        "it's for me)(,|.) {reason}",
        "(not sure about|I don't know about) {item}, {reason}",
        "{reason}[, (sorry|unfortunately)]",
        "@polite (sorry|I am sorry) but {reason}",
        "@blunt nah, {reason}",
        "(the thing is|problem is|only thing is), {reason}",
        "(sounds|sounds|looks) (ok|fine|decent), but {reason}",
        "{item} (is|looks) (ok|fine), (but|except) {reason}",
        "(I'd|I would) (like it|watch it), but {reason}",
        "@neg (ugh|meh), {reason}",
        "(yes|yeah|yes) but {reason}",
        "(close|almost), but {reason}",
    ),
}

CRI_A: dict[str, tuple[str, ...]] = {
    "any": (
        "(also|and) (something|one) (good|highly rated)[ {please}]",
        "(preferably|ideally) something (short|not too long)",
        "(but|and) (nothing|not) too long[ please]",
        "(something|one) (the whole family can watch|I can watch with my kids)",
        "(also|and), (nothing|not) too (violent|sad|gory)[ {please}]",
    ),
    "facet": (
        "(but|also|and) {pref}",
        "(ideally|preferably|hopefully) {want}[ (though|too)]",
        "(ok|sure|good), but {pref}",
        "(can|could) you narrow it down to {want}?",
        "(how about|what about) {want} (instead|though)?",
        "(but|and) (ideally|preferably) {want}",
        "(sounds|sounds|sounds|looks) (ok|good), but {pref}",
        "(one more thing|oh and also), {pref}",
        "(I forgot to say|I should add|forgot to mention), {pref}",
        "(can|could) you (find|show me) {want}?",
        "@blunt {want} (only|though)",
    ),
    "genre": (
        "(can it|could it) [also ]be {genre_sg}?",
        "(do you have|got) (one|something) (that's|that is) also {genre_sg}?",
        "(can|could) you make it {genre_sg}?",
        "(only|just) {genre_pl}[, {please}]",
        "(but|and) (ideally|preferably) {genre_sg}",
    ),
    "decade": (
        "(but|and) from {decade_np}[ if possible]",
        "(preferably|ideally) (from|made in) {decade_np}",
        "any from {decade_np}?",
        "(can|could) it be from {decade_np}?",
        "(only|just) {decade_mod} (stuff|movies)[ though]",
    ),
    "era:classic": (
        "(but|and) (something|one) older[ (please|if possible)]",
        "(can|could) it be (an older one|a classic)?",
        "(preferably|ideally) (an older one|a classic|something old)",
    ),
    "era:recent": (
        "(but|and) (something|one) (newer|more recent)",
        "(can|could) it be (a newer one|something recent)?",
        "(preferably|ideally) (something recent|a newer one), (nothing|not) too old",
    ),
    "era:any": ("(doesn't matter|don't care) if it's old or new, (just|as long as it's) good",),
    "tag:noun": (
        "(and|but|ideally) with {tag_word}[ (in it|too)]",
        "(bonus|extra) points (if it has|for) {tag_word}",
        "(any of those|anything) with {tag_word}?",
    ),
    "tag:adj": (
        "(but|and) (ideally|preferably) {tag_word}",
        "(something|one) a bit more {tag_word}",
        "(can|could) it be {tag_word}?",
    ),
    "like": (
        "(but|and) (more|a bit more) like {like}",
        "(something|one) closer to {like}",
        "(ideally|preferably) (similar to|in the style of) {like}",
    ),
    "avoid": (
        "(but|and) no {avoid_pl}[ {please}]",
        "(as long as|just make sure) it's not {avoid_sg}",
        "(nothing|no) {avoid_mass}[ though]",
    ),
}

CRI_C: dict[str, tuple[str, ...]] = {
    "any": (
        "(anything|something|any others) (similar to|like) {item}?",
        "(do you have|got|know) (anything|something|more) (along those lines|like that)?",
        "what else is (like|similar to) {item}?",
        "(more|other movies) like {item}[, {please}]",
        "(I liked|I like) {item}, (anything|something) (similar|like it)?",
        "(that's|that one's) (close|pretty close|on the right track)(,|.) (anything|what else "
        "is) (similar|like it)?",
        "(can|could) you (find|suggest|recommend) something (similar to|like) {item}?",
        "(is there|are there) (anything|others) in the same (vein|style) as {item}?",
        "(what's|what is) (something|another movie) (like|similar to) {item}[ but (newer|older|"
        "funnier|darker|less intense)]?",
        "(anything|one|movies) like {item} but (newer|older|funnier|darker|lighter)?",
        "I have seen {item}. (Do you have anything|Anything else) like (it|that one)?",
        "(how about|what about) (others|more) in that (style|vein)?",
        "@pos (ooh|oh) {item} is (great|awesome), more like that!",
        "(which|what) other movies are (like|close to) {item}?",
        "the (vibe|tone) of {item} is (perfect|great), (anything|something) else like "
        "that?",
        "(got|any) other movies in the same (spirit|style) as {item}?",
        "(ok|yes) {item} is close but (what else is like it|do you have anything similar)?",
    ),
}

NRE: dict[str, tuple[str, ...]] = {
    "any": (
        "ok", "okay", "Ok", "maybe", "I see", "(oh|ah) ok", "interesting", "sure", "yes",
        "(alright|sure), (I'll|let me) think about it",
        "(maybe|perhaps)",
        "(oh|well) (I don't know|I don't know|not sure)",
        "(could be|might be) (ok|good|interesting)",
        "(I guess|I suppose)",
        "(oh|ah) (cool|interesting|I see)",
        "(never heard of|haven't heard of) (it|that one)[ (before|actually)]",
        "(good to know|noted)",
        "@hes (hmm|well) (maybe|possibly)[. I will (think about it|keep it in mind)]",
        "({item}|that) (might|could) (work|be ok)[, I'll (think about it|see)]",
        "(I'll|let me) (look into|think about) (it|that|{item})",
        "I will have to check (it|that one|{item}) out",
        "I can see (that|why you (picked|suggested) it)",
        "(ok|alright|sure), (I'll keep that in mind|noted)",
        "(huh|oh) (ok|interesting)",
        "I (haven't|haven't|have not) seen (that one|{item})[ but I (have heard of it|will look "
        "it up)]",
        "(yeah|yea) (maybe|possibly|could be)",
        "(ok|oh) {item}[ huh]",
        "(I'm|I am||) not sure (yet|about that)",
        "(that's|that is) (an option|a thought|one option)",
        "(ok|well) (let me think|I will think about it)",
        "(sure|ok), (maybe|I guess)",
        "(oh|ah) {item}, (ok|hmm|I see)",
        "(I've|I have) heard of (it|that one)[ but I don't know much about it]",
        "(oh|ah) I know of (it|that one)",
        "(never heard of|I don't know) that one either",
        "(hmm|hm) (ok|okay), (still|I'm still) not sure",
        "(that's|that is) a new one (to|for) me",
        "(hmm|oh) interesting (pick|choice)",
        "(could|might) be worth a look[, I guess]",
        "(oh|ok), I (didn't|did not) know (about|of) (that one|{item})",
        "(lol|haha) ok",
        "(oh|ah) really[?]",
        "(not sure|I'm not sure) if (it's|that's) (my|our) kind of movie",
        "(maybe|possibly), if you can't find (anything|something) better",
        "I (might|may) look (it|that one) up (later|at some point)",
        "(hmm|well), (I'm|I am) (kind of|a little|still) on the fence",
        "(it|that one) (might|could) be (ok|alright), I (guess|suppose)",
        "(ok|okay|alright), let me (sleep on it|think it over)",
        "(hmm|oh) I don't know much about (that one|{item})",
        "(hmm|oh), I've never heard of {item}[ actually]",
        "(still|I'm still) thinking[, (one sec|hold on)]",
    ),
}

BANK: dict[str, dict[str, tuple[str, ...]]] = {
    "SEE": SEE, "ACC": ACC, "REJ": REJ, "INQ": INQ, "CRI-F": CRI_F, "CRI-A": CRI_A,
    "CRI-C": CRI_C, "NRE": NRE,
}
