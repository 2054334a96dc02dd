"""The README's Python example runs as written."""

from __future__ import annotations

import re

from conftest import ROOT


def test_the_readme_example_runs(capsys):
    text = (ROOT / "README.md").read_text()
    section = text.split("## From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "the From Python section has a python block"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "final_fraction" in out and "cascade_probability" in out
