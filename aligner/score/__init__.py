"""Pair quality: the score components (:mod:`.components`, quantities read by :mod:`.quantities`),
the calibrated combined score (:mod:`.calibration`) and the Scorer (:mod:`.combination`), plain
reasons for a doubtful unit (:mod:`.explanation`), and the filters that accept or reject scored
pairs (:mod:`.filters`)."""

from .calibration import CALIBRATION_DATA, CALIBRATION_VERSION, COEFFICIENTS, FEATURE_SETS, GATES, probability
from .combination import DEFAULT_MIN_PROBABILITY, Scorer, score_missing
from .components import (COMPONENTS, Component, LanguageIdentity, LengthRatio, LinkTypePlausibility, MTAgreement,
                         NumberAgreement, PunctuationAgreement, SemanticSimilarity, SourceLanguageIdentity,
                         TargetLanguageIdentity, default_components, length_plausibility, length_z)
from .explanation import explain_link
from .filters import (DUPLICATE_FILTERS, ExactDuplicates, Filter, FilterReport, KeepAligned, MinComponent, MinScore,
                      NearDuplicates, acceptance_filters, apply_filters)
from .quantities import Quantity, numbers, quantities, unmatched_quantities

__all__ = [
    "CALIBRATION_DATA", "CALIBRATION_VERSION", "COEFFICIENTS", "FEATURE_SETS", "GATES", "probability",
    "DEFAULT_MIN_PROBABILITY", "Scorer", "score_missing",
    "COMPONENTS", "Component", "LanguageIdentity", "LengthRatio", "LinkTypePlausibility", "MTAgreement",
    "NumberAgreement", "PunctuationAgreement", "SemanticSimilarity", "SourceLanguageIdentity",
    "TargetLanguageIdentity", "default_components", "length_plausibility", "length_z",
    "explain_link",
    "DUPLICATE_FILTERS", "ExactDuplicates", "Filter", "FilterReport", "KeepAligned", "MinComponent", "MinScore",
    "NearDuplicates", "acceptance_filters", "apply_filters",
    "Quantity", "numbers", "quantities", "unmatched_quantities",
]
