"""Files out (and back in): atomic writes (:mod:`.atomic`), TMX 1.4b (:mod:`.tmx`), TSV
(:mod:`.tsv`), Vecalign alignments (:mod:`.vecalign`) and report.html (:mod:`.report`)."""
