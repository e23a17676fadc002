"""Phrases for asking and adding details: IQU, CON, REF, STO, PRO, ANS, ASK.

Written for simworld (not taken from any corpus). Syntax: see :mod:`simworld.users.phrases`.
Slots used here: ``{greet}`` (empty after the first turn), ``{please}``, ``{thanks}``,
``{hedge}``, ``{want}`` (a noun phrase for the facet: "a comedy", "something from the 90s"),
``{pref}`` (a first-person clause: "I like comedies", "I loved Heat"), and the kind-specific
``{genre}``, ``{genre_pl}``, ``{genre_sg}``, ``{genre_mass}``, ``{genre_mod}``, ``{avoid_pl}``,
``{avoid_sg}``, ``{avoid_mass}``, ``{decade_np}``, ``{decade_mod}``, ``{tag}``, ``{tag_word}``,
``{like}``, ``{item}``.
"""

from __future__ import annotations

_WHEN = "(tonight|this weekend|later|tomorrow night|on Friday|after work)"
_RECS = "(suggestions|recommendations|recs|ideas)"

IQU: dict[str, tuple[str, ...]] = {
    "any": (
        "[{greet}] (can|could) you recommend a [good ](movie|film)[ {please}]?",
        f"[{{greet}}] I (need|want) (a movie|a good movie|something|something good) to watch[ "
        f"{_WHEN}]",
        "[{greet}] (I am|I'm) looking for a (good|great) movie[ {please}]",
        "[{greet}] I have seen (all|most) of the (usual|popular) ones, any "
        "suggestions?",
        f"[{{greet}}] (what's good|what should I watch)[ {_WHEN}]?",
        f"[{{greet}}] any [good ][movie ]{_RECS}?",
        "[{greet}] I'm (bored|so bored)[. (What should I watch|Do you have any ideas)?]",
        "[{greet}] looking for (a movie|something|something good) to watch[, (I'm open to "
        "anything|not sure what yet)]",
        "[{greet}] (help me|can you help me) (pick|find) (a movie|something|a good one)[ {please}]",
        "@hes [{greet}] (I have no idea|I'm not sure) what I want to watch[, (any ideas|help)]?",
        f"@polite [{{greet}}] I was hoping you could help me find a (movie|good movie)[ {_WHEN}]",
        "@blunt movie (recs|suggestions)?",
        f"[{{greet}}] I'm looking for some (good|fun|new) movies to watch[ {_WHEN}]",
        "[{greet}] (do you|would you) know of a (good|fun|decent) (movie|film) I could watch?",
        f"[{{greet}}] (we|my family) can't (agree|decide) on a movie[ {_WHEN}]. (I hope|Hopefully) "
        "you can help",
        f"[{{greet}}] I want to watch (a movie|something)[ {_WHEN}] but (I'm not sure|I have no "
        "clue) what",
        "[{greet}] (any|got any) must (see|watch) movies (you'd recommend|you know of)?",
        "[{greet}] I haven't watched a (good|really good) movie in (ages|forever|a while). "
        "(What's good|Help me out)?",
        "[{greet}] (it's|it is) (raining|cold out|a lazy Sunday) and I (need|want) a (good|fun) "
        "movie",
        "[{greet}] I'm in the mood for a movie but (nothing in particular|I don't know what)",
        "[{greet}] (what's|what is) a movie you (think everyone should see|always recommend|"
        "really love)?",
        "@hes [{greet}] um, could you (maybe|please) (suggest|recommend) something? I'm (so|very|"
        "super) indecisive",
        f"@pos [{{greet}}] I'm (so|super) ready for a (good|fun) movie[ {_WHEN}]! (What do you "
        "have|Any ideas)?",
        "@blunt (recommend|suggest) (a movie|something)[ {please}]",
    ),
    "facet": (
        f"[{{greet}}] (I'm|I am||) (looking for|looking for|after|hoping to find|trying to "
        f"find) {{want}}[ to watch][ {_WHEN}]",
        "[{greet}] (can|could) you (recommend|suggest) {want}[ {please}]?",
        f"[{{greet}}] (any|do you have any) {_RECS} for {{want}}?",
        f"[{{greet}}] I (want|need|would like) to (watch|see) {{want}}[ {_WHEN}]",
        f"[{{greet}}] {{pref}}. (Any|Got any) {_RECS}?",
        "[{greet}] {pref}. (What (would|do) you (recommend|suggest)|What (should|could) I "
        "watch|Can you help me find one|Do you know any)?",
        "[{greet}] I am looking for {want}. {pref}",
        "[{greet}] I would like {want}. (Do you know of any|Anything come to mind)?",
        "[{greet}] (could|can) you help me find {want}[ {please}]?",
        "[{greet}] (so|ok so) [basically ]I'm (looking|searching) for {want}",
        "[{greet}] I'm looking for {want}[, (any ideas|what have you got|what do you have)?]",
        f"[{{greet}}] (my (wife|husband|partner|friend|roommate) and I|we) (are looking "
        f"for|want) {{want}}[ {_WHEN}]",
        "[{greet}] {want}[, {please}]?",
        "[{greet}] I'd (like|love) (a recommendation for|some suggestions for) {want}",
        "[{greet}] looking for {want}[, {thanks}]",
        "[{greet}] (I am|I'm) (bored|kinda bored) and (want|would like) {want}",
        f"[{{greet}}] what (can|would) you (recommend|suggest) for {{want}}[ {_WHEN}]?",
        "@hes [{greet}] (not sure what I want|I have no idea what to watch)[. maybe] "
        "{want}?",
        "@polite [{greet}] I was (wondering|hoping) if you could (recommend|suggest) {want}",
        "@blunt need {want}",
        "@pos [{greet}] I'm [really ]looking for {want}[ tonight]!",
        "[{greet}] (hoping|trying) to find {want} (for|to watch on) (movie night|the weekend)",
        "[{greet}] (it's|it is) (date night|my night off|family night) and (I|I|we) want {want}",
        f"[{{greet}}] I'm in the mood for {{want}}[ {_WHEN}][, (if you know of (any|one)|any "
        "ideas)?]",
        "[{greet}] I'm looking for some (suggestions|recommendations|ideas) for {want}[ {please}]",
        f"[{{greet}}] my (wife|son|daughter|husband|girlfriend|mom) (wants|asked for) {{want}}[ "
        f"{_WHEN}]. (Can you help|Any ideas)?",
        "[{greet}] I feel like watching {want}[ (tonight|later)]. (What do you think|Can you "
        "help|Any ideas)?",
        "[{greet}] I was thinking {want}[ (tonight|this time)]. (What (do|would) you (suggest|"
        "pick)|Any thoughts)?",
        "[{greet}] {pref}. (Could|Can) you (find me|point me to) (something|a couple)[ {please}]?",
        "[{greet}] {pref}. (I hope|Hopefully) you (can|could) (help|find me something)",
        f"[{{greet}}] I'd [really ]love to find {{want}}[ {_WHEN}]",
        "[{greet}] quick (one|question), I'm after {want}. (Any thoughts|What comes to mind)?",
        "@hes [{greet}] um, (maybe|I guess) {want}? (if you can think of one|not sure)",
        f"@pos [{{greet}}] I'm (super|so|really) in the mood for {{want}}[ {_WHEN}]!",
        "@blunt {want}. (ideas|suggestions)?",
        f"[{{greet}}] I could [really ]go for {{want}}[ {_WHEN}]",
        f"[{{greet}}] (we're|we are) having (a get together|friends over|a sleepover) {_WHEN} and "
        "(need|want) {want}",
        "[{greet}] (any chance you|do you think you) could (find|suggest) {want}?",
        "@polite [{greet}] I hope you can help me, I'm (looking|hoping) for {want}",
        "[{greet}] I (finally|just) have (a free evening|some free time) and (want|would love) "
        "{want}",
    ),
    "genre": (
        "[{greet}] (any|any|know any) good {genre_pl}[ (you'd recommend|to "
        "recommend|you "
        "can think of|out there)]?",
        "[{greet}] (I love|I like|I really like|I'm a [big ]fan of) {genre_pl}[. (Do you "
        "have|Do you know|Have you seen) any (good ones|great ones)?]",
        "[{greet}] what are (some|a few) good {genre_pl}[ (you know of|you'd recommend)]?",
        "[{greet}] (can|could) you (recommend|suggest) (some|a couple of|some good) {genre_pl}?",
        "[{greet}] I'm [really ]into {genre_mass} (lately|right now|these days)[. (Any "
        "ideas|Suggestions|What do you have)?]",
        f"[{{greet}}] I feel like {{genre_sg}}[ {_WHEN}]",
        "[{greet}] (looking for|need|want) {genre_sg}[ to watch]",
        "[{greet}] what's (the best|a good|your favorite) {genre_mod} (movie|film)[ (lately|of "
        "all time|you know)]?",
        f"[{{greet}}] (I|I|we) want to watch {{genre_sg}}[ {_WHEN}]",
        "[{greet}] (looking for|craving) {genre_sg}[ (tonight|right now)]",
        "[{greet}] I (haven't|haven't|have not) seen a good {genre_mod} movie in (ages|a "
        "while|forever)[. "
        "(Any ideas|Do you have one)?]",
        "[{greet}] who makes good {genre_pl} these days?",
        f"[{{greet}}] I'm looking for some (good|new|decent) {{genre_pl}}[ to watch {_WHEN}]",
        "[{greet}] do you know of any (good|decent|really good) {genre_pl}?",
        "[{greet}] what's (a|one) {genre_mod} (movie|film) (you love|you'd recommend|everyone "
        "should see)?",
        "[{greet}] (know|do you know) (some|any) {genre_pl} that are (actually|really|super) good?",
        "[{greet}] I'd love (some|a few) {genre_mod} (recommendations|suggestions|recs)[ {please}]",
        "[{greet}] I (love|like) {genre_mass} but I've run out of (stuff|movies) to watch",
        "[{greet}] (looking for|I want) some {genre_pl}, classics or newer stuff, (either is "
        "fine|both are fine)",
        "[{greet}] I'm (trying|hoping) to get into {genre_mass}. (Where should I start|What "
        "would you start with)?",
    ),
    "decade": (
        "[{greet}] (any|any|know any) good (movies|films) from {decade_np}?",
        "[{greet}] I'm (in the mood|looking) for (a|a good) {decade_mod} (movie|flick|film)",
        "[{greet}] I (love|really like) {decade_mod} movies[, (any suggestions|what do you "
        "recommend)?]",
        "[{greet}] a movie from {decade_np}[ {please}]",
        "[{greet}] what are (some|the) (best|good) movies (from|of) {decade_np}?",
        "[{greet}] I (like|love) {decade_mod} movies[ the most]",
        "[{greet}] (can|could) you (recommend|suggest) (a movie|one|a good one) from {decade_np}?",
    ),
    "decade:old": (
        "[{greet}] (I want|I would like|looking for) (an older one|an older "
        "movie)[,] (like|maybe) from {decade_np}",
        "[{greet}] I grew up (on|with) {decade_mod} movies and (miss|love) them[, any "
        "(favorites|suggestions)?]",
        "[{greet}] (feeling|I am feeling) nostalgic. (Any good ones|Do you know any) from "
        "{decade_np}?",
    ),
    "decade:new": (
        "[{greet}] any (good|decent) {decade_mod} movies (I might have "
        "missed|worth "
        "watching)?",
        "[{greet}] (I want|looking for) a (fairly|pretty) (recent|new) one[,] (like|say) "
        "from {decade_np}",
    ),
    "era:classic": (
        "[{greet}] I'm looking for (an old classic|something old school|an oldie|a real "
        "classic)",
        "[{greet}] any good (old|classic|older) (movies|films)[ to recommend]?",
        "[{greet}] I (love|like|prefer) (old|older|classic) (movies|films)[, the older the "
        "better]",
        "[{greet}] (I want|looking for) an older movie[ (but|and) (nothing|not) too "
        "(recent|modern)]",
        "[{greet}] what's a (good|great) classic (I should see|to watch)[ tonight]?",
    ),
    "era:recent": (
        "[{greet}] any good (new|recent) movies[ out there]?",
        "[{greet}] what's (good|worth watching) that came out (recently|in the last few "
        "years)?",
        "[{greet}] I want (a new one|a recent one|one that came out lately)",
        "[{greet}] I have seen (most of|all) the old ones[,] (looking for|I want) a newer one",
    ),
    "era:any": (
        "[{greet}] looking for a (good|great) movie, (old or new|any era) is fine",
        "[{greet}] (I'm|I am||) open to (anything|old or new), just want a good movie",
    ),
    "tag": (
        "[{greet}] (I'm|I am||) (looking for|looking for) {tag}[ tonight]",
        "[{greet}] any (suggestions|recs) for {tag}?",
        "[{greet}] (can|could) you (recommend|find me) {tag}?",
    ),
    "tag:noun": (
        "[{greet}] (any|any|know any) good (movies|films) about {tag_word}?",
        "[{greet}] I'm (really into|obsessed with) {tag_word} (lately|right now)[, got "
        "anything?]",
        "[{greet}] I want a movie with {tag_word} in it",
    ),
    "tag:adj": (
        "[{greet}] any good {tag_word} (movies|films)?",
        "[{greet}] I want something {tag_word}[ tonight]",
        "[{greet}] I am looking for a (really|very|pretty) {tag_word} movie",
    ),
    "like": (
        "[{greet}] I (loved|really liked|just watched|really enjoyed) {like}[,] (and want|so "
        "I am looking for) (something similar|more like that|one like it|movies like that)",
        "[{greet}] I have seen {like} and (really liked|enjoyed) it. (Do you have|Have you seen) "
        "(anything|any) like it?",
        "[{greet}] (anything|do you have anything|have you seen anything) like {like}?",
        "[{greet}] {like} (is|was) (great|amazing|one of my favorites)(.|,) (Anything|Got "
        "anything|Know anything) similar?",
        "[{greet}] (I'm|I am||) looking for (a movie|movies|one) like {like}[ {please}]",
        "[{greet}] (can|could) you (recommend|suggest) something similar to {like}?",
        "[{greet}] what would you recommend (to a fan of|to someone who loved|if I liked) "
        "{like}?",
        "[{greet}] I [just ](saw|watched) {like} (again|last night|recently) and (want|would like) "
        "more like (it|that one)",
        "[{greet}] {like} is my favorite (movie|film)[ ever]. (Do you know of|Know of) anything "
        "similar?",
        "[{greet}] my (wife|son|daughter|husband) loved {like}, (is there|do you know of) anything "
        "(similar|along those lines)?",
        "[{greet}] if you (liked|enjoyed|loved) {like}, what would you (recommend|suggest)?",
        "[{greet}] I could rewatch {like} (forever|over and over), but I want something new (like "
        "it|in that style)",
        "[{greet}] (I'm|I am) after something in the same vein as {like}[ {please}]",
        "[{greet}] I just finished {like} and (really enjoyed it|it was great). (Is there "
        "anything|Got anything) similar?",
    ),
    "avoid": (
        f"[{{greet}}] I want to watch something {_WHEN}, (but|just) no {{avoid_pl}}[ please]",
        "[{greet}] any (suggestions|ideas)? (just|but) (no|please no) {avoid_pl}",
        "[{greet}] I (don't|don't|don't|do not) (like|care for) {avoid_pl}, (so|but) what (have "
        "you "
        "got|do you suggest)?",
        "[{greet}] (anything|one|movies) except {avoid_pl}[, {please}]",
        "[{greet}] I (need|want) a movie (for tonight|to watch). {pref}",
        "[{greet}] {pref}. But I (like|love) most other (movies|things)",
    ),
}

PRO: dict[str, tuple[str, ...]] = {
    "any": (
        "(I'm|I am||) open to (anything|suggestions)[ really]",
        "(honestly|to be honest), (anything|whatever) good (works|is fine)",
        "I [just ]want a (good|fun|great) movie",
        "(I have|I've) seen a lot of movies[,] so (surprise me|I am open to suggestions)",
        "(I'm|I am||) not (too|very) picky",
        "(honestly|really), I'm easy[, (just|as long as it's) (something good|entertaining)]",
        "(anything|whatever) (is fine|works) as long as it's (good|fun|entertaining)",
        "I watch (pretty much|almost|just about) (anything|everything)[, (honestly|really)]",
        "I like all kinds of (movies|stuff)[, so (whatever|anything) you (think|pick) is fine]",
    ),
    "facet": (
        "{pref}",
        "(also|oh and|btw|by the way), {pref}",
        "I also (like|love) {want}",
        "I should (mention|say|add) [that ]{pref}",
        "(just so you know|fyi), {pref}",
        "{pref}[, if that helps]",
        "(I'd prefer|I'm leaning towards|I'd go for) {want}",
        "(I guess|I think) I'm (more|mostly) (looking for|looking for) {want}",
        "(ideally|preferably) {want}",
        "(well|hmm), {pref}[ (really|mostly)]",
        "{pref}[, so keep that in mind]",
        "@hes (I think|maybe) {want} (would be good|would work|is good)?",
        "@pos (oh|ooh), {pref}!",
        "oh, and {want} (would be|is) (ideal|best)",
        "{pref}[, for what it's worth]",
        "(actually|honestly), {pref}",
        "{pref}, (if you|in case you) (want|need) to know",
        "I forgot to (say|mention), {pref}",
        "(it'd|it would) be (nice|great|awesome) to (have|get) {want}",
        "{want} would be (nice|my first choice)[, if you can]",
        "I'm (kind of|kinda|sort of) (hoping for|leaning towards) {want}",
        "if (it helps|that helps), {pref}",
        "{pref}. (Not sure if that helps|Hope that helps)",
        "(oh|ah), and {pref}[ (actually|lol)]",
        "@hes (um|hmm), I (guess|think) {want} would be (good|nice)",
        "@blunt make it {want}",
    ),
    "genre": (
        "I [really ](like|love|enjoy) {genre_pl}",
        "{genre_pl} are my (favorite|go-to)",
        "{genre_mass} is (my favorite|my favorite|what I usually watch|what I like)",
        "I've been (on a|in a) {genre_mod} (kick|mood) lately",
        "(mostly|usually) I watch {genre_pl}",
        "I'm a (big|huge) fan of {genre_pl}[, always have been]",
        "(I'm|I am||) (looking for|feeling like) {genre_sg}",
        "I also (like|enjoy) {genre_pl}[ (a lot|quite a bit)]",
        "{genre_pl} are (always|also) (good|fun) for me",
        "you can't go wrong with {genre_mass}[ (for me|in my book)]",
        "I (watch|end up watching) a lot of {genre_mass}",
        "I'm (quite|very|super) into {genre_mass} (lately|these days|right now)",
        "(maybe|ideally) {genre_sg}[ (though|actually)]",
        "I (usually|always) enjoy {genre_pl}, (even|especially) the (cheesy|silly|weird) kind",
    ),
    "decade": (
        "I (like|prefer|love) movies from {decade_np}",
        "{decade_mod} movies are (my favorite|the best)",
        "(preferably|ideally) one from {decade_np}",
        "(anything|one|movies) from {decade_np} (would be great|is good|sounds good)",
    ),
    "decade:old": (
        "I grew up in {decade_np}, so I (love|miss) that stuff",
        "(older stuff|the older ones), like {decade_np}, (are|is) my thing",
    ),
    "era:classic": (
        "I (prefer|like|love) older (movies|films)",
        "(new|modern) movies (don't|just don't) do it for me",
        "the classics are (more my thing|my favorite)",
    ),
    "era:recent": (
        "I prefer newer (stuff|movies)",
        "(nothing|not) too old (please|if possible)",
        "I like recent (movies|stuff) (better|more)",
    ),
    "era:any": ("I don't care (how old it is|when it came out)", "old or new, doesn't matter"),
    "tag:noun": (
        "I'm [really ]into {tag_word}",
        "I love (movies|anything) (about|with) {tag_word}",
        "(anything|one|movies) with {tag_word} (would be great|is good|please)",
    ),
    "tag:adj": (
        "I like my movies {tag_word}",
        "I love {tag_word} (movies|films|stuff)",
        "the more {tag_word} the better",
    ),
    "like": (
        "I (loved|really liked|enjoyed) {like}",
        "{like} (is|was) (one of my favorites|great|awesome|amazing)",
        "(think|maybe) along the lines of {like}",
        "I watched {like} (recently|last week|a while ago) and (loved|really liked) it",
        "my favorite [movie ]is probably {like}",
        "(for example|for reference), I (loved|liked) {like}",
    ),
    "avoid": (
        "I (don't|really don't) (like|care for) {avoid_pl}",
        "no {avoid_pl} (please|though|for me)",
        "I (can't stand|hate) {avoid_pl}",
        "{avoid_pl} (aren't|are not) my thing",
        "(just|but) (nothing|no) {avoid_mass}[ please]",
        "anything but {avoid_mass}",
    ),
}

ANS: dict[str, tuple[str, ...]] = {
    "any": (
        "(I'm not sure|no idea|not really|I don't know), (anything|whatever) (is fine|works)",
        "(no preference|I'm open)[ really]",
        "(yes|no|sure|yeah)",
        "(yes|no)[ (I have|I do|not really)]",
        "(hmm|um) (anything|whatever) (good|you like)",
        "(doesn't matter|I don't mind) (really|honestly)",
        "@hes (hmm|um), (not sure|hard to say)[, (anything|whatever) (works|is fine)]",
        "@blunt (whatever|anything|don't care)",
        "(surprise me|you pick)",
        "either is fine[ (really|honestly|by me)]",
        "nothing (in particular|specific), just (something|anything) good",
        "I don't mind, as long as it's (good|fun|entertaining)",
        "(hmm|um), I'm (easy|flexible)[, (you pick|up to you)]",
        "(up to you|your call)[ really]",
        "(any genre|any decade|any era) is (fine|ok)[ (by me|with me)]",
        "(I'm|I am) not (picky|fussy)[, (honestly|really)]",
        "(honestly|to be honest) I haven't thought about it, (whatever|anything) you think",
        "(it doesn't|doesn't) really matter[ to me], I just want (a good movie|something fun)",
        "(both are|either one is) fine (by me|with me)",
        "(new or old|old or new|recent or older), (doesn't matter|I don't mind)[ really]",
        "@hes (hmm|um|oh), (good question|I don't know)... (either|whatever) (I guess|is fine)",
        "@blunt (either|either way|dunno)",
    ),
    "facet": (
        "{pref}",
        "(yes|yeah|sure|well|hmm), {pref}",
        "(I'd say|probably|I guess) {want}",
        "{want}[, I think]",
        "{want} (for sure|definitely|please|would be great)",
        "(not sure|hard to say), (maybe|probably) {want}",
        "I think {want} (would be best|is good|is best)",
        "@blunt {want}",
        "@polite (good question|hmm, let me think)(!|.|...) {pref}",
        "{hedge} {want}",
        "(yes|yeah|yes), {want}[ {please}]",
        "(I'm|I am||) (thinking|leaning towards) {want}",
        "(hmm|well), {want} I guess",
        "{want}, if you (can|know of (one|any))",
        "I'd (go with|say) {want}[, but I'm (flexible|open)]",
        "(mostly|usually) {want}[, (but|though) I'm (open|flexible)]",
        "(oh|ooh), {want} would be (nice|fun)",
        "(hmm|let me think). {want}, (maybe|probably)",
        "{pref}[, (if that helps|hope that helps)]",
        "(either is fine|I don't mind), but {want} (would be nice|if possible)",
        "(honestly(?|,)|to be honest,) {want}",
        "(probably|maybe) {want}, that's what my (wife|husband|son|girlfriend) (likes|would want) "
        "(too|as well)",
        "(maybe|um) {want}, if that's (ok|possible)",
        "@pos (oh|ooh) {want}, (for sure|definitely)!",
        "@hes (I guess|maybe) {want}? (not sure|I don't know)",
        "(if you|if you can) find {want}, that would be (great|awesome|ideal)",
    ),
    "genre": (
        "(probably|definitely) {genre_mass}",
        "{genre_pl}, (mostly|always)",
        "(I like|I'd go with) {genre_pl}",
        "(mostly|usually) {genre_mass}[, I guess]",
        "(hmm|oh), {genre_mass}[, (I think|I guess)]",
        "{genre_sg} (would be nice|if you (can|know of one))",
        "(I'd say|probably) {genre_pl}, (but|though) I like (most|a lot of) (stuff|things) (too|as "
        "well)",
        "(maybe|how about) {genre_sg}?",
        "(good question|hmm). (Maybe|Probably) {genre_pl}, they're (always|usually) (fun|good)",
    ),
    "decade": (
        "(anything|one|movies) from {decade_np}",
        "{decade_mod}[ stuff] (I think|for sure|ideally)",
        "(preferably|ideally) {decade_np}",
    ),
    "era:classic": ("(older|old) (ones|stuff)[, for sure]", "the older the better",
                    "(a classic|classics|something old)[ please]"),
    "era:recent": ("(newer|new) (stuff|ones)[ {please}]", "something (recent|newer)[, I think]",
                   "(recent|new) (ones|releases), (nothing|not) too old"),
    "era:any": ("(doesn't matter|I don't mind|either is fine), old or new",),
    "tag:noun": ("(anything|one|movies) with {tag_word}", "(maybe|ideally) {tag_word}"),
    "tag:adj": ("(anything|a movie that is|one that is) {tag_word}", "(the more|really) "
    "{tag_word}[ the better]"),
    "like": (
        "I (liked|loved) {like}[ so one like that]",
        "I've seen {like}[ and it was (great|good)]",
        "yes[ I (like|love)] {want}",
        "(like|maybe like|kind of like) {like}",
        "(the last one I loved was|I recently loved) {like}",
        "(hmm|well), I [really ]enjoyed {like}[, if that helps]",
        "{like} is (probably|maybe) my favorite",
        "{like} (for sure|definitely)[, I could rewatch it (forever|all day)]",
        "I did (see|enjoy) {like}, (loved that one|it was (great|really good))",
    ),
    "avoid": (
        "(anything but|just no) {avoid_mass}",
        "(not|no) {avoid_pl}, (that's all|otherwise I'm open)",
        "(as long as it's not|just not) {avoid_sg}",
    ),
}

REF: dict[str, tuple[str, ...]] = {
    "any": (
        "(let me|I'll) rephrase that",
        "(that's|that is) not (quite|exactly) what I meant",
        "(hmm|no), (let me|I'll) (try|say it) (differently|another way)",
        "(sorry|oops), I (wasn't clear|didn't explain that well)",
    ),
    "facet": (
        "(actually|sorry|wait), (I meant|what I meant was|I mean) {want}",
        "let me (rephrase|put it differently|try again). {pref}",
        "(no|nah|not quite), (more like|I was thinking) {want}",
        "(to be clearer|to clarify), {pref}",
        "maybe I wasn't clear, {pref}",
        "(I guess|what) I'm [really ](after|looking for) is {want}",
        "(let me|I'll) be more specific, {want}",
        "(ok|okay) (let me try|I'll try) (that|this) again, I (want|need) {want}",
        "(sorry|oops), I should have said {want}",
        "(not that|not exactly), (I'm|I am||) (after|looking for) {want}",
        "(what I mean is|I mean), {pref}",
        "@blunt no, {want}",
        "@polite sorry, (let me|I'll) (rephrase|clarify), I'd like {want}",
        "(hmm|ok) (close|almost), but I (was thinking|meant) {want}",
    ),
    "genre": (
        "(I meant|I was thinking) more (like|of) {genre_sg}",
        "(when I said that|I mean) I (want|meant) {genre_pl}",
    ),
    "decade": ("(I mean|I meant) (stuff|movies) from {decade_np}",
               "(no|sorry), {decade_mod} (movies|stuff) is what I meant"),
    "like": ("(I mean|I meant) (movies|one) more like {like}",),
    "avoid": ("(I mean|I meant) (something|anything) that isn't {avoid_sg}",),
}

STO: dict[str, tuple[str, ...]] = {
    "any": (
        "(let's|can we) start over",
        "(never mind|forget it), let's try something (else|different)",
        "(ok|hmm) can we start fresh?",
        "(let's|can we) (scrap|forget) (all that|that) and start again?",
    ),
    "facet": (
        "(ok|okay|alright|actually), (let's (try|do) something (different|else)[ (entirely|"
        "completely)].|can we (try|do) something (different|else)?) {pref}",
        "(never mind|forget) (that|those), (how about|what about) {want}?",
        "(let's|can we) start over. (I want|Looking for) {want}",
        "(scratch|forget) that. (what about|how about) {want}?",
        "(change of plans|changed my mind), (I'm looking for|now I want) {want}",
        "(on second thought|actually), (I'd rather watch|I'd like|I want) {want}",
        "(totally|completely) different (question|request), (do you have|any ideas for) {want}?",
        "(ok|ok so) (new|different) (idea|plan), {want}[ {please}]",
        "(let's|let me) (try|go) a different (direction|way). {pref}",
        "@neg (ugh|meh), forget (that|it). {want}?",
        "@polite (sorry|apologies), can we start over? {pref}",
        "(actually|hmm), let's switch gears. {pref}",
    ),
    "genre": ("(forget that|never mind), any good {genre_pl}?",
              "(new idea|actually), (what about|how about) {genre_pl} (instead|now)?"),
    "like": ("(forget that|never mind), (anything|one|movies) like {like} (instead|then)?",),
}

ASK: dict[str, tuple[str, ...]] = {
    "any": (
        "what (would|do) you (recommend|suggest)?",
        "what's your favorite (movie|film)[ (of all time|lately)]?",
        "what would you (watch|pick) (tonight|if you were me)?",
        "(have you seen|did you see) anything good lately?",
        "what (do|would) you think?",
        "(which|what) one (would|do) you (pick|choose|recommend)?",
        "(what's|what is) the best (movie|thing) you've seen (lately|recently|this year)?",
        "do you have a favorite?",
        "what kind of movies do you like?",
        "(what's|what is) your (go-to|top) (pick|recommendation)?",
        "is there anything you'd [personally ]recommend?",
        "@polite (if you don't mind me asking|just curious), what do you (like to watch|watch)?",
        "(which|what) (would|do) you (say|think) is (better|best)?",
        "what would you watch (on a rainy day|on a Friday night)?",
        "@hes (I can't decide|I'm torn), what do you think?",
    ),
    "genre": (
        "what's your favorite {genre_mod} (movie|film)?",
        "do you (like|watch) {genre_pl}?",
        "what's the best {genre_mod} movie you've seen?",
        "are you a fan of {genre_pl}?",
        "(which|what) {genre_pl} do you (like|love|recommend)?",
    ),
    "item": (
        "have you seen {item}? (is it|was it) (good|any good|worth it)?",
        "what did you think of {item}?",
        "(would|do) you (recommend|like) {item}?",
        "is {item} (any good|worth watching)[ in your opinion]?",
        "(did|do) you [personally ](like|enjoy) {item}?",
        "(which|what) (did|do) you like (better|more), {item} or (the other one|the others)?",
    ),
}

CON: dict[str, tuple[str, ...]] = {
    "any": (
        "any (more|other) (suggestions|ideas|options|recommendations)?",
        "what else (do you have|is there)?",
        "(can|could) you (give me|suggest|recommend) (some|a couple|two or three) more?",
        "anything else[ (like that|along those lines)]?",
        "(more|more like that)[, {please}]",
        "(ok|okay|alright|cool), (what else|anything else)?",
        "(and|any) others?",
        "(keep them coming|keep going)[!]",
        "what other (movies|films) (would you suggest|do you like)?",
        "(do you have|got) (another|one more|any more) (suggestion|option|idea)?",
        "@hes (hmm|not sure), (maybe|can you) (show me|give me) some more (options|ideas)?",
        "(that's|those are) (nice|fine), but (what else|any others)?",
        "@polite (could|would) you (suggest|recommend) some more[ {please}]?",
        "@blunt next",
        "@blunt (more|others)?",
        "(I'd like|I want) (to see|to hear) (more|some more) (ideas|picks)",
        "(what|anything) else (comes to mind|you can think of)?",
        "(those|these) (sound|look) (ok|good), (any|got) (more|others)?",
        "(give me|show me) (a couple|some) more[ {please}]",
        "(hmm|ok), (what about|how about) (some|a few) other (picks|titles)?",
        "(got|know of) (any|some) more?",
        "(what about|how about) (one|a couple) more?",
        "(can|could) you (give me|find me) another (one|pick|idea)?",
        "(maybe|how about) something different?",
        "(I'd like|I want) (a few|a couple) more to (choose|pick) from",
        "(those are|that's) (cool|fine), but (can|could) I get (a few|a couple) more?",
        "(what|which) other (movies|films|titles) (do you know of|come to mind)?",
        "(one|just one) more[, {please}]?",
        "(show me|give me) (a few|some) alternatives[ {please}]",
        "(any|got any) other (picks|ideas)?",
        "(I|we) still want (one|a couple) more[, (if you can|if you have them)]",
        "@hes (um|hmm), (maybe|could I see) (one|a couple) more? I'm still (not sure|deciding)",
        "@polite (if it's not too much trouble|if it's no trouble), (could|can) I (get|have) "
        "another "
        "(recommendation|suggestion)?",
        "@pos (ooh|nice), (more|some more) (please|pls)!",
    ),
    "genre": (
        "any other {genre_pl}?",
        "(more|some more) {genre_pl}[, {please}]",
        "what other {genre_pl} (do you know|would you suggest)?",
    ),
}

BANK: dict[str, dict[str, tuple[str, ...]]] = {
    "IQU": IQU, "PRO": PRO, "ANS": ANS, "REF": REF, "STO": STO, "ASK": ASK, "CON": CON,
}
