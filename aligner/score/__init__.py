"""Pair quality: the score components (:mod:`.components`, quantities read by :mod:`.quantities`),
their combination into one score
and the Scorer (:mod:`.combination`), and the filters that accept or reject scored pairs
(:mod:`.filters`)."""

from .combination import COMBINATION_WEIGHTS, FLOOR, GATES, Scorer, combine, score_missing
from .components import (COMPONENTS, Component, LanguageIdentity, LengthRatio, LinkTypePlausibility, MTAgreement,
                         NumberAgreement, PunctuationAgreement, SemanticSimilarity, SourceLanguageIdentity,
                         TargetLanguageIdentity, default_components, length_plausibility, length_z,
                         unmatched_numbers)
from .filters import (DUPLICATE_FILTERS, ExactDuplicates, Filter, FilterReport, KeepAligned, MinComponent, MinScore,
                      NearDuplicates, acceptance_filters, apply_filters)
from .quantities import Quantity, numbers, quantities, unmatched_quantities

__all__ = [
    "COMBINATION_WEIGHTS", "FLOOR", "GATES", "Scorer", "combine", "score_missing",
    "COMPONENTS", "Component", "LanguageIdentity", "LengthRatio", "LinkTypePlausibility", "MTAgreement",
    "NumberAgreement", "PunctuationAgreement", "SemanticSimilarity", "SourceLanguageIdentity",
    "TargetLanguageIdentity", "default_components", "length_plausibility", "length_z", "unmatched_numbers",
    "DUPLICATE_FILTERS", "ExactDuplicates", "Filter", "FilterReport", "KeepAligned", "MinComponent", "MinScore",
    "NearDuplicates", "acceptance_filters", "apply_filters",
    "Quantity", "numbers", "quantities", "unmatched_quantities",
]
