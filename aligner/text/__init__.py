"""Text in: reading and strict decoding (:mod:`.reading`), normalisation for matching
(:mod:`.normalise`) and language identification (:mod:`.langid`)."""
