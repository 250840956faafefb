"""The main job: one document pair through every stage (:mod:`.job`), the driver that applies
it to a batch (:mod:`.driver`: plan, check, resume, merge) and its backends (:mod:`.local`
processes, :mod:`.distributed` Ray actors), which share the per-document files of
:mod:`.documents`."""
