"""The demo's knowledge base: a fictional bike shop, big enough that caching pays off.

The catalogue is generated from a small table so the system prompt is realistically long
(a few thousand tokens, well over every model's minimum cacheable prefix) without pages of
hand-written prose; the policies are the passages the retriever picks per question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "POLICIES", "QUESTIONS", "Passage", "retrieve", "stems", "system_prompt", "with_documents"
]


@dataclass(frozen=True)
class Passage:
    title: str
    text: str


POLICIES: tuple[Passage, ...] = (
    Passage(
        "Warranty",
        "Every Larkspur frame carries a lifetime warranty against manufacturing defects for the "
        "original owner. Forks, wheels and components are covered for two years. E-bike motors "
        "and batteries are covered for three years or 800 full charge cycles, whichever comes "
        "first. Crash damage, racing use and wear parts such as tyres, chains, brake pads and "
        "cassettes are not covered. To claim, bring the bike and the receipt to any Larkspur "
        "shop; we inspect it within five working days and repair or replace the part free of "
        "charge. A frame replaced under warranty keeps the original warranty.",
    ),
    Passage(
        "Returns and exchanges",
        "Unridden bikes can be returned within 30 days for a full refund. A bike ridden less "
        "than 50 km can be exchanged for another size or model within 14 days; we charge a 5% "
        "restocking fee only when the exchange is for a cheaper model. Custom builds, "
        "clearance bikes and worn clothing cannot be returned. Refunds go back to the original "
        "payment method within seven working days of us receiving the bike.",
    ),
    Passage(
        "E-bike batteries",
        "Larkspur e-bikes use 36 V lithium-ion packs of 500 Wh or 625 Wh. A full charge takes "
        "four and a half hours with the standard 4 A charger and two and a half hours with the "
        "fast charger. For long storage, keep the battery between 40% and 60% charged at 10 to "
        "20 degrees Celsius, and top it up every two months. Never charge a battery below 0 "
        "degrees Celsius. Range is 60 to 140 km depending on assist level, terrain and rider "
        "weight. Replacement packs cost 549 euros (500 Wh) and 649 euros (625 Wh); old packs are "
        "recycled free of charge in every shop.",
    ),
    Passage(
        "Servicing",
        "Every new bike includes a free first service within 90 days, when cables have "
        "stretched and bolts have bedded in. After that we recommend a standard service every "
        "3000 km or once a year (89 euros) and a full service every two years (179 euros), which "
        "includes bearing and hydraulic brake checks. E-bikes also get a motor firmware update "
        "and a battery health report at each service. Book online or by phone; most services "
        "are done the same day if the bike arrives before 10:00.",
    ),
    Passage(
        "Sizing",
        "Frame sizes run from XS to XL; the right size depends on your height. As a rule of "
        "thumb, riders 155 to 165 cm tall ride XS, "
        "165 to 172 cm S, 172 to 180 cm M, 180 to 188 cm L and 188 to 198 cm XL. Between two "
        "sizes, pick the smaller one for a more agile ride and the larger one for touring "
        "comfort. Every shop offers a free 20-minute fitting, and saddle height and stem "
        "changes within the first month are free.",
    ),
    Passage(
        "Delivery",
        "Bikes are delivered fully assembled by our own vans within the city (free above 1000 "
        "euros, otherwise 39 euros) and shipped 90% assembled in a reusable box elsewhere in "
        "the country (59 euros, three to five working days). Pedals and handlebar alignment "
        "take ten minutes with the included tool and video guide. E-bike batteries ship "
        "separately by certified courier and arrive within two days of the bike.",
    ),
    Passage(
        "Winter storage",
        "Store bikes indoors, dry and above freezing if possible. Clean and lubricate the "
        "chain before storing, inflate tyres to the minimum pressure printed on the sidewall "
        "and hang the bike or turn the wheels every few weeks. For e-bikes, remove the "
        "battery and keep it in a dry room at 40% to 60% charge. Our winter storage service "
        "keeps your bike in a heated room from November to March for 79 euros, service "
        "included.",
    ),
    Passage(
        "Trade-in",
        "We buy back Larkspur bikes up to eight years old against a new bike. The trade-in "
        "value is set after a free inspection: typically 55% of the price for a one-year-old "
        "bike, 40% after three years and 20% after six. E-bike trade-ins include a battery "
        "health test; a battery under 70% capacity lowers the value by the price of a new "
        "pack minus 30%.",
    ),
)

# (name, kind, price in euros, weight kg, drive, tyre, best for)
_CATALOGUE: tuple[tuple[str, str, int, float, str, str, str], ...] = (
    ("Swift 1", "city bike", 649, 13.2, "8-speed hub gear", "700x38c", "short commutes"),
    ("Swift 3", "city bike", 899, 12.4, "belt drive, 8-speed hub", "700x40c", "daily commuting"),
    ("Ridge 2", "hardtail mountain bike", 1149, 13.9, "1x12 derailleur", "29x2.4", "trails"),
    ("Ridge 5", "full-suspension mountain bike", 2799, 14.6, "1x12 derailleur", "29x2.5",
     "technical trails"),
    ("Tempo R", "road bike", 1499, 8.9, "2x11 derailleur", "700x28c", "fast group rides"),
    ("Tempo GR", "gravel bike", 1699, 9.8, "1x11 derailleur", "700x42c", "mixed surfaces"),
    ("Volt C", "city e-bike", 2499, 23.5, "mid motor, 5-speed hub", "700x45c", "hilly commutes"),
    ("Volt T", "touring e-bike", 3299, 25.1, "mid motor, 1x10 derailleur", "27.5x2.4",
     "long tours with luggage"),
    ("Volt M", "e-mountain bike", 4199, 23.9, "mid motor, 1x12 derailleur", "29x2.6", "climbs"),
    ("Pack 2", "cargo bike", 2199, 27.0, "8-speed hub gear", "20x2.15", "carrying two children"),
    ("Pack E", "electric cargo bike", 4899, 38.5, "mid motor, stepless hub", "20x2.4",
     "school runs and shopping"),
    ("Kit 16", "kids' bike", 279, 7.4, "single speed", "16x1.95", "ages 4 to 6"),
    ("Kit 24", "kids' bike", 449, 10.1, "1x8 derailleur", "24x2.1", "ages 8 to 11"),
    ("Fold 7", "folding bike", 999, 11.6, "7-speed derailleur", "20x1.5", "train commuters"),
)


def _catalogue_text() -> str:
    lines = []
    for name, kind, price, weight, drive, tyre, best in _CATALOGUE:
        lines.append(
            f"- {name}: {kind}, {price} euros, {weight} kg, {drive}, {tyre} tyres. Best for "
            f"{best}. Available in sizes XS to XL (kids' bikes by wheel size), in three colours, "
            f"with a free first service and the standard Larkspur warranty. Test rides are "
            f"available in every shop; book one online to be sure the bike is there."
        )
    return "\n".join(lines)


def system_prompt() -> str:
    """Stable across the whole conversation, so the planner caches it from the first turn."""
    return (
        "You are the customer assistant of Larkspur Bikes, a chain of six bicycle shops. "
        "Answer in two or three sentences, using only the catalogue below and the passages "
        "given with each question; say so when they do not contain the answer. Quote prices "
        "in euros and never invent a model, a price or a policy.\n\n"
        "Tone: friendly, direct, no marketing language. When a customer describes how they "
        "ride, recommend at most two models and say why in one sentence each. When a question "
        "is about safety (brakes, batteries, children), end with a reminder that any shop will "
        "check the bike free of charge.\n\n"
        "Opening hours: Monday to Saturday 09:00 to 19:00, Sunday 11:00 to 17:00. Phone: "
        "+31 20 555 0199. Every shop has a workshop, a test-ride track and a fitting studio.\n\n"
        "Catalogue (prices include VAT):\n"
        f"{_catalogue_text()}\n\n"
        "Detailed policies are retrieved per question and given inside <documents> tags."
    )


QUESTIONS: tuple[str, ...] = (
    "What warranty do I get on an e-bike battery?",
    "How should I store that battery over the winter?",
    "Could I exchange the bike if the frame size turns out wrong?",
    "Which size fits me at 178 cm?",
    "And how much does the yearly service cost?",
)

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    ["a", "an", "and", "are", "at", "be", "bike", "bikes", "can", "could", "do", "does", "for",
     "get", "how", "i", "if", "in", "is", "it", "me", "my", "of", "on", "or", "out", "that",
     "the", "this", "to", "what", "which", "with", "you", "your"]
)  # fmt: skip


def stems(text: str) -> set[str]:
    """Lower-cased words minus stop words, crudely stemmed ("batteries" ~ "battery")."""
    words = {w for w in _WORD.findall(text.lower()) if w not in _STOP}
    return {(w[:-1] if w.endswith("s") and len(w) > 3 else w)[:5] for w in words}


def retrieve(question: str, k: int = 2) -> list[Passage]:
    """Keyword-overlap retrieval: enough to pick the right policy, no embeddings needed."""
    query = stems(question)
    scored = [
        (len(query & stems(p.title + " " + p.text)) + 2 * len(query & stems(p.title)), i, p)
        for i, p in enumerate(POLICIES)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [p for _, _, p in scored[:k]]


def with_documents(question: str, passages: list[Passage]) -> str:
    """The user turn sent to the model: retrieved passages, then the question."""
    docs = "\n".join(
        f'<document title="{p.title}">\n{p.text}\n</document>' for p in passages
    )
    return f"<documents>\n{docs}\n</documents>\n\n{question}"
