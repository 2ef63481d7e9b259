"""One engine for every command: inputs loaded once, pure stages, change sets.

    load_inputs(layers, options)       -> Inputs       every file read and hashed, once
    compute(inputs, date)              -> RunResult    per-feature stages, then global stages
    recompute(base, changes)           -> RunResult    per-feature stages on changed ids only

``minettgeo run``, the policy check, the trajectory, the ranking and the API compose these; none
holds a copy of a model's formula.
"""

from .changes import ChangeSet, apply_changes, recompute
from .compose import RunResult, StageResults, compute
from .inputs import Inputs, inputs_of, load_inputs
from .options import RunOptions
from .provenance import Provenance

__all__ = [
    "ChangeSet",
    "Inputs",
    "Provenance",
    "RunOptions",
    "RunResult",
    "StageResults",
    "apply_changes",
    "compute",
    "inputs_of",
    "load_inputs",
    "recompute",
]
