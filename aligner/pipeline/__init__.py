"""The main job: one document pair through every stage (:mod:`.job`), and the runners that
apply it to a batch (:mod:`.local`)."""
