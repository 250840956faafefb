"""Machine translation: model layouts on disk (:mod:`.layouts`), the model store with safe
archive installs (:mod:`.store`) and the batched, cached translator (:mod:`.translator`)."""
