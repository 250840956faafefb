"""Benchmarks against references: translation quality with sacrebleu (:mod:`.translation`) and
alignment quality with Vecalign's strict/lax P/R/F1 (:mod:`.alignment`)."""
