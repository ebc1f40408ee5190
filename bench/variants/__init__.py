"""The variant harness of `make eval-variants`: the copies of each sample that users' own tools make
(page text, Markdown, browser and office prints, scans), each read and scored against the sample's gold.

`convert` holds one converter per step, `scans` the rasterised copies, `kinds` which chains of steps apply to
which format, `scoring` how a result is judged (including the own-cell warning rule), `run` the command line.
"""
