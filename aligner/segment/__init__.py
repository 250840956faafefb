"""Sentence segmentation: the Segmenter base class and registry (:mod:`.base`), the rules
backend (:mod:`.rules`) and the optional Stanza backend (:mod:`.stanza`)."""
