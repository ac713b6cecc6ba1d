"""Longer English posts built from a situation and how the company handled it.

The same trouble words (broken, missing, cancelled, refund) appear in praise and in
complaints; the handling decides the label. Neutral pieces are the informational
posts brand monitoring sees daily: specs, explainers, plain "it was fine" reports.
"""

from __future__ import annotations

PROBLEMS = (
    "My {prod} stopped working two days after the warranty ended.",
    "Our flight was cancelled at the last minute.",
    "The parcel showed as delivered but never arrived.",
    "I was charged twice for the same order.",
    "The {part} broke the first week.",
    "I locked myself out of my account while travelling.",
    "A payment went through that I didn't recognise.",
    "Half my order was missing when the bag arrived.",
    "My booking somehow disappeared from the system.",
    "The {part} started making a grinding noise.",
    "I got a damaged box with a cracked screen inside.",
    "The app wiped my saved settings after the update.",
    "I needed to change my dates because of a family emergency.",
    "The wrong size turned up.",
    "The delivery came a full day late.",
)
GOOD_HANDLING = (
    "{co} sorted it in one chat and refunded me before I logged off.",
    "{co} sent a replacement the next morning, no return needed.",
    "{co} rebooked me automatically and covered the hotel.",
    "Called {co}, a real person answered in two minutes and fixed it on the spot.",
    "{co} waived the fee without me having to argue.",
    "{co} apologised, refunded in full and added a voucher. Can't fault them.",
    "{co} treated it as their mistake even though it probably wasn't. That's how you keep customers.",
    "The {co} team followed up twice to make sure everything was fine.",
    "{co} paid out in three days with zero paperwork drama.",
    "Credit to {co}: fixed within the hour, and they explained what went wrong.",
)
BAD_HANDLING = (
    "{co} says it's not their problem and closed the ticket.",
    "{co} wants photos, receipts and a 14-day 'investigation'. For a refund they owe me.",
    "Three calls to {co} later, nobody can tell me anything.",
    "{co} offered a 5% voucher. For a product that doesn't work.",
    "{co}'s chatbot keeps sending me the same FAQ link.",
    "{co} blamed the courier, the courier blamed {co}.",
    "{co} promised a callback within 24 hours. That was last week.",
    "{co} charged me a fee to fix their own mistake.",
    "{co} told me to 'check the website' and hung up.",
    "{co} says the refund will take up to 60 days. Sixty.",
)

# Negative without a single classic complaint word: gaps, quotes, shrinking value.
NEGATIVE_OBLIQUE = (
    "{co} advertises the {part} as 'all-day'. All day apparently means lunchtime.",
    "{co}'s 'unlimited' plan has a limit. Just so everyone knows.",
    "Same price at {co}, noticeably smaller box. We see you.",
    "The {co} {prod} in the ad vs the one that arrived: two very different things.",
    "Remember when {co} was the reliable choice? Me neither, these days.",
    "{co} calls it a 'premium experience'. The {part} begs to differ.",
    "Paid {co} for express shipping. It came by snail, I think.",
    "{co} support's idea of urgent is 'within 10 working days'.",
    "Tried {co}'s {prod} again after a year to see if anything changed. It hasn't.",
    "{co}'s new update moved every button. Nothing works faster, it just looks different. Why.",
    "If {co} spent half its ad budget on the {part}, we wouldn't be having this conversation.",
    "The {part} on {prod} is a theoretical concept at this point.",
    "Just watched {co} lose a customer of twelve years. Me. I'm the customer.",
    "{co}: proof that a nice logo can't fix a bad {part}.",
)
# Positive without a single classic praise word.
POSITIVE_OBLIQUE = (
    "Six months with {prod} and I've spent nothing on repairs.",
    "{co} waived the late fee the moment I explained. Didn't even need to push.",
    "Three years with {co}, zero outages I noticed.",
    "{prod} is the only thing in my house that just works, every time.",
    "{co} rang to tell me I was on the wrong plan and moved me to a cheaper one. Who does that?",
    "Switched to {co} and my monthly bill dropped by a third for the same thing.",
    "My mum set up {prod} by herself. That says it all.",
    "The {co} guy came back on a Sunday to finish the job, unpaid.",
    "That's it, that's the review: {prod} does what it says.",
    "Bought {prod} from {co} on sale, now I own three.",
)

SPEC_INTROS = ("{prod}, quick facts:", "For anyone comparing:", "{co} {prod} specs as listed:",
               "Notes from the {co} product page:", "What you get with {prod}:")  # fmt: skip
SPEC_FACTS = (
    "comes in four colours", "ships with a USB-C cable", "weighs about 1.2 kg",
    "has a 12-month warranty", "the {part} can be switched off in settings", "price starts at $49",
    "available in sizes XS to XXL", "refunds take 3–5 business days to show",
    "the base fee covers the first 2 km", "the trial lasts 30 days", "works with both iOS and Android",
    "the lounge opens at 5am", "you need the app for check-in", "the plan renews monthly",
)  # fmt: skip
PLAIN_REPORTS = (
    "Used {co} for the first time today. Standard stuff, nothing to report either way.",
    "Stayed two nights with {co}. Room as pictured, check-in normal, didn't try breakfast.",
    "{co}'s {prod} tastes different from what I'm used to. Not better or worse, just different.",
    "Flew {co} last week. A normal flight: seat, snack, landed on time-ish.",
    "Did a quick poll at work: about half use {co}, half use {co2}. Most people pick whichever is cheaper that month.",
    "Went to the new {co} store. Ground floor is {prod}, upstairs is the service desk. Photos below.",
    "{co} explained: every order has a base fee plus a distance fee, and the service fee depends on basket size.",
    "Ranked {co}'s {prod} line by price, not by quality, for anyone shopping on a budget.",
    "Still deciding between {co} and {co2}. Cover looks similar, {co} is a bit more expensive.",
    "Wrote down how {co}'s loyalty tiers work; will update if they change the rules.",
)
