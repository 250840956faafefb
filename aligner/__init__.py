"""aligner: build Persian-English and Arabic-English translation memories.

Stages (one module each, data flows one way):
read (reading) -> normalise/segment (normalise, segment) -> translate -> align -> score -> write.
"""

__version__ = "0.4.0"
