"""A schema that imports in the main process but not in worker processes (for the test of
``validate`` carrying on in-process when its worker pool fails)."""

import multiprocessing

if multiprocessing.current_process().name != "MainProcess":
    raise ImportError("this module refuses to load in a worker process")

WEATHER = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "celsius": {"type": "number"},
                   "conditions": {"enum": ["sunny", "cloudy", "rain", "snow"]}},
    "required": ["city", "celsius", "conditions"],
    "additionalProperties": False,
}
