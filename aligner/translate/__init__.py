"""Machine translation: model layouts on disk (:mod:`.layouts`), archives and their safe
extraction (:mod:`.archives`), the model store: installed models, install, loading a model by
name, pair, folder or archive (:mod:`.store`), and the batched, cached translator
(:mod:`.translator`)."""
