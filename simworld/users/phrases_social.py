"""Phrases for the social side of a chat: OTH (greetings, thanks, chit-chat) and CLOSE
(success: thanks and goodbye; quitting: giving up, politely or not), plus the padding clauses
chatty users add (:data:`EXTRAS`).

Written for simworld (not taken from any corpus). Syntax: see :mod:`simworld.users.phrases`.
``{accepted}`` names the item the user accepted ("it" when there is none).
"""

from __future__ import annotations

OTH: dict[str, tuple[str, ...]] = {
    "start": (
        "(hi|hello|hey|hey there|hi there|hiya|good (morning|evening))[!|,] [(how are you|how's "
        "it going|how are you doing)[ (today|tonight)]?]",
        "(hi|hello|hey)[ there], (can you help me[ {please}]?|I could use some help)",
        "(hello|hi), (anyone there|are you there)?",
        "(hey|hi)! (hope you're|hope you are) (doing well|having a good (day|night))",
        "@polite (hello|hi there|good evening), (nice to meet you|thanks for (chatting|your "
        "time))",
        "@pos (hi|hey)!! (happy (Friday|weekend)|how's your day going)?",
        "(hi|hey|yo|hello|hello|hi)",
        "(Hello|Hi|Hey)(!|.|)",
        "(hello|hi), (how's it going|what's up)?",
        "(hey|hi), (I'm|I am||) (new here|trying this out)",
    ),
    "any": (
        "(thanks|thank you|thx)[ (so much|a lot)][!]",
        "(haha|lol|ha)[ (yeah|true|nice)]",
        "(I'm|I am||) (good|doing well|fine)[, (thanks|thank you)][, (how about you|you)?]",
        "(cool|nice|awesome|great)[!]",
        "(that's|that is) (funny|cool|interesting|true)",
        "(yeah|yes|right), (I know|totally|exactly)",
        "(good|nice) to (know|hear)",
        "(no worries|no problem)",
        "(I|I'll) (have to|need to) (check|ask) (with my (wife|husband|roommate|friends)|first)",
        "(oh|ah) (wow|really)?",
        "(haha|lol), (I love that|that's great|same)",
        "(sorry|oops), (I was|I got) distracted",
        "(hold on|one sec|brb)[, (the phone is ringing|someone's at the door|my kid needs me)]",
        "(same|me too)[ (honestly|lol)]",
        "(agreed|true|fair enough)",
        "(ok|okay) (cool|thanks)",
        "@pos (you're|you are) (awesome|the best|so helpful)[!]",
        "@polite (I appreciate|thanks for) (your help|the help|all the suggestions)",
        "(I am|I'm) (good|fine)[ (thanks|thank you)]. (how are you|and you)?",
        "(that makes sense|makes sense)",
        "(oh|ah) (right|yeah)[, (I forgot|good point)]",
        "(I'm|I am||) [just ](trying to|looking to) relax (tonight|this weekend)",
    ),
}

CLOSE: dict[str, tuple[str, ...]] = {
    "success": (
        "(thanks|thank you)[ (so much|a lot)](!|.|,) (bye|goodbye|have a (good|great|nice) "
        "(night|day|evening))[!]",
        "(thanks|thank you) for (the|your) (help|suggestions|recommendations)[!]",
        "(both|either one) (sound|sounds) good, (thanks|thank you)[ for your help]",
        "(bye|goodbye|thanks|thank you|Bye|Thanks)[!]",
        "(ok|okay) (thanks|bye)",
        "(thanks|thank you)[ for the help]. (bye|Bye)[!]",
        "(ok|great|perfect)[!] bye[!]",
        "(I'll|I'm going to) watch (it|{accepted}) (tonight|this weekend|later)[, (thanks|thank "
        "you)]",
        "(that's all I need|that's it|that's all)[, (thanks|thank you)][!]",
        "(great|perfect|awesome), (thanks for|thank you for) (the help|your help|the "
        "suggestions)[!]",
        "(bye|goodbye|take care)[!]",
        "(you've been|you were) [really ](helpful|a big help)[, (thanks|thank you)]",
        "@pos (can't wait to watch it|so excited to watch it)[!] (bye|thanks)[!]",
        "@blunt (ok|cool) (bye|thx)",
        "(ok|alright) I am (all set|good)[. (thanks|bye)]",
        "(thanks|thank you), (I think|pretty sure) (I found my|we found our|I have my) movie",
        "(time to|gonna) (make popcorn|go watch {accepted})[!] (bye|thanks)[!]",
        "@polite (thank you|thanks) (so much|very much) for your help, (have a (good|lovely) "
        "(night|day)|goodbye)",
        "(great chat|that was helpful|this was fun)[, (bye|thanks)][!]",
        "(I'll|I will) let you know how (it|{accepted}) (is|goes)[, bye]",
        "(alright|ok), (enjoy your|have a good|have a great) (night|day|weekend)[!]",
        "(thanks|thank you)[!] have a (good|great|nice) (one|day|night)",
        "(perfect|sounds good)[.] (have a good (one|night)|bye)",
    ),
    "quit": (
        "@polite (I think|I guess) I'll (look|search) (elsewhere|somewhere else)[, (thanks "
        "anyway|thanks for trying)]",
        "@polite (no worries|that's ok), I'll (figure it out|find something) (myself|on my "
        "own)[. (Thanks|Thank you) (anyway|though)]",
        "@polite (never mind|nevermind)[, (thanks|thank you) (anyway|for trying)]",
        "@polite (sorry|I'm sorry), (I don't think|I'm not sure) this is working[. (thanks "
        "anyway|bye)]",
        "(ok|alright|hmm), (never mind|forget it)",
        "I don't think (this is working|we're getting anywhere)[. bye]",
        "(I'll|I think I'll) [just ](browse|look around|check Netflix) (myself|on my own)",
        "(I'm going to|I'll) (give up|call it a night)[, bye]",
        "(nothing|none of these) (is|are) [really ](grabbing me|what I want)[, (bye|I'll stop "
        "here)]",
        "(maybe|I'll try) (another time|some other time)[, bye]",
        "(I guess|looks like) (I'll|we'll) [just ]watch (something|whatever is) on TV[, bye]",
        "@blunt (forget it|whatever|this is useless)[, bye]",
        "@neg (ugh|meh|seriously), (you're not (helping|getting it)|this isn't working)[. "
        "(bye|I'm done)]",
        "@blunt (I'm done|done here|bye)",
        "@neg (waste of time|this is going nowhere)[, (bye|I'm out)]",
        "@neg (wow|ugh), (none of that|nothing) (helps|helped)[. (bye|forget it)]",
        "@hes (hmm|um), I (think|guess) I'll (stop|leave it) (here|for now)",
    ),
}

#: Padding clauses by intent group (see ``EXTRA_GROUP`` in the template model). They carry no
#: slot a label depends on, so adding one never changes what the turn means.
EXTRAS: dict[str, tuple[str, ...]] = {
    "request": (
        "(it's|it is) (movie night|date night|a lazy Sunday)[ (here|for us)]",
        "I (have|got) the (night|weekend) off",
        "(I'll|I will) [probably ]watch [it ](tonight|this weekend|with my (wife|husband|kids|"
        "friends))",
        "my (kids|wife|husband|girlfriend|boyfriend|roommates) (will|might) (watch|join) too",
        "I (have|have already) (seen|watched) most of the (popular|usual) ones",
        "(I'm|I am||) [pretty ](open|flexible) (otherwise|on everything else)",
        "I (just|) finished a (series|show) and (want|need) (a movie|something new)",
        "(nothing|not) too long (though|please)",
        "I (like|love) (a lot of|most) (movies|genres) (really|to be honest)",
        "(I|I) (don't|don't|don't|do not) watch (many|a lot of) new movies",
        "(what|which) (would|do) you (suggest|recommend)?",
        "(do you have|have you seen) any (good|great) ones?",
        "(do you have|have you got) any (suggestions|ideas)?",
        "(one or two|a few) (suggestions|options) (is|is|would be) (great|fine)",
        "(thanks|thank you) (for the help|in advance)",
    ),
    "pos": (
        "(I've heard a lot about it|I haven't heard much about it|I have heard a lot about it)",
        "(can't wait|sounds like a plan)",
        "my (friends|family|kids|partner) (will|might) (love|like) (it|that) too",
        "(good|nice) (call|find)",
        "(I've|I have) heard (good|great) things (about it|about that one)",
        "(thanks|thank you) for the (suggestion|recommendation)",
        "I (love|like) (that kind of movie|movies like that)",
        "it (sounds|sounds|looks) (like a great movie|really good)",
    ),
    "neg": (
        "the (last one was|other ones were) (closer|better)",
        "(I'm|I am||) (a bit|kind of) picky[ (sorry|I know)]",
        "(do you have|got) any other (suggestions|ideas)?",
        "(maybe|how about) (something else|a different one)?",
        "what else (do you have|can you suggest)?",
        "I (usually|normally) (don't|do not) watch (those|that kind of movie)",
        "(that's|it's) [just ]not my (type|kind) of movie",
        "I have seen (a lot|too many) (like it|like that one)",
    ),
    "seen": (
        "(thanks for the suggestion|thanks though)",
        "(do you know|do you have) any (others|other ones) like it?",
        "my (kids|family|wife|husband) (liked|loved) it too",
        "I (might|could) watch it again (though|sometime)",
        "(have you seen it|did you like it)?",
        "(it was|that was) a (good|great|fun) (one|movie)",
    ),
    "inq": (
        "(just|I am just) (curious|wondering)",
        "(I've|I have) never heard of it",
        "(it|that) (sounds|sounds|sounds|looks) (interesting|intriguing)",
        "(I|I would) (want|like) to know before I (commit|watch it)",
        "I (haven't|haven't|have not) seen it",
    ),
    "con": (
        "none of those [really ]grab me",
        "(those|they) (are|look) (good|ok) but I have seen (them|those)",
        "(I've|I have) seen (most|a few) of those already",
        "one I (might|may) not have heard of",
        "(I'd like|I want|I would like) a (few|couple) more to choose from",
        "(those|they) [all ](seem|look) (a bit|kind of) (similar|alike)",
        "I have seen (those|them) (already|before)",
    ),
    "ask": (
        "(just|I am just) curious",
        "(I|I would) (trust|value) your (taste|opinion)",
        "you probably know (better|more) than me",
        "(I|we) can't (decide|make up (my|our) mind)",
        "(I'm|I am||) trying to get (some|a few) ideas",
    ),
    "nre": (
        "(I'll|let me) (check|look at) the trailer (first|later)",
        "(I'm|I am||) not (100%|completely) sure (yet|though)",
        "I (might|may) (come back to|look into) (it|that) later",
        "I (haven't|haven't|have not) seen (it|that one) (yet|before)",
    ),
    "oth": (
        "how (are you|is your (day|evening) going)?",
        "(I'm|I am||) [just ](winding down|relaxing) (after work|tonight)",
        "(it's|it is) (so|really) (cold|hot|rainy) (here|today)",
        "(my|the) (cat|dog|kid) (keeps|is) (interrupting|distracting) me[ lol]",
        "(sorry|oops) [I am ]a bit distracted (tonight|today)",
        "my (partner|wife|husband) has (strong opinions|picky taste)[ (lol|haha)]",
    ),
    "close": (
        "(I'll|I might|I will) (come back|be back) (later|soon)",
        "(have a (good|great) (night|day|one))",
        "(this|that) was (easy|fun|quick|helpful)",
    ),
    "quit": (
        "(I'm|I am||) (tired|getting sleepy) anyway",
        "(maybe|I'll try) (later|tomorrow)",
        "(it's|it is) getting late",
    ),
    "any": (
        "my (partner|wife|husband) has (strong opinions|picky taste)[ (lol|haha)]",
        "(I've|I have|we have) (watched|seen) a lot of movies (lately|this year)",
        "(sorry|oops) (I'm|I am||) [a bit ]distracted (tonight|today)",
    ),
}

BANK: dict[str, dict[str, tuple[str, ...]]] = {"OTH": OTH, "CLOSE": CLOSE}
