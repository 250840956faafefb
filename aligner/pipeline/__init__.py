"""The main job: one document pair through every stage (:mod:`.job`), the driver that applies
it to a batch (:mod:`.driver`: plan, check, resume, merge) and its backends (:mod:`.local`
processes, :mod:`.distributed` Ray actors), which share the per-document files of
:mod:`.documents`."""

from ..registry import Registry

# A backend is made as ``Backend(options, outdir, workers, address)`` (cheaply: entering it
# starts the workers) and ``process(items)`` yields one DocumentOutcome per WorkItem, in any
# order. Lazy entries: listing the names (the CLI's --backend choice) imports neither.
BACKENDS: Registry = Registry("run backend")
BACKENDS.add("local", "aligner.pipeline.local:LocalBackend")
BACKENDS.add("ray", "aligner.pipeline.distributed:RayBackend")
