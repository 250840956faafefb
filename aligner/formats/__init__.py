"""Files out (and back in): atomic writes (:mod:`.atomic`), TMX 1.4b (:mod:`.tmx`), TSV
(:mod:`.tsv`), any of bitext JSONL/TMX/TSV by extension (:mod:`.bitext_files`), Vecalign
alignments (:mod:`.vecalign`) and report.html (:mod:`.report`)."""
