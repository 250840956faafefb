"""Pair quality: score components and their combination (:mod:`.components`)."""
