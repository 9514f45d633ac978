"""The benchmark report: the Markdown table written from a results file."""

from benchmarks.run import write_markdown


def _row(workload, contender, ratio, median):
    return {
        "workload": workload,
        "threads": 1,
        "contender": contender,
        "seconds": [median],
        "median_s": median,
        "ratio_to_tuned": ratio,
    }


def test_markdown_table_rows_and_verdicts(tmp_path):
    results = {
        "date": "2026-11-23",
        "command": "python -m benchmarks.run --threads 1",
        "versions": {"torch": "2.13.0"},
        "fit": [
            _row("W1", "lamina", 0.5, 0.15),
            _row("W1", "torch_tuned", 1.0, 0.3),
            _row("W2", "lamina", 1.25, 5.0),  # no anchor row for W2
        ],
        "extras": {
            "jit_compile=True / eager on W2 (lamina, compile time included)": 6.4,
            "jit_compile=True / eager on W4 (lamina, compile time included)": 0.8,
        },
    }
    path = tmp_path / "RESULTS.md"
    write_markdown(results, path)
    lines = path.read_text().splitlines()
    assert "| workload | lamina | torch_tuned | tuned s |" in lines
    w1 = next(line for line in lines if line.startswith("| W1 "))
    assert w1.endswith("| 0.50x | 1.00x | 0.30 |")
    w2 = next(line for line in lines if line.startswith("| W2 "))
    assert w2.endswith("| 1.25x | – | – |")
    assert any(
        line.endswith("6.4 (does not pay on a run this short)") for line in lines
    )
    assert any(line.endswith("0.8 (pays)") for line in lines)
    assert not list(tmp_path.glob("*.tmp"))
