"""讲义例题的命令行复现 / Command-line reproductions of the lecture's worked examples.

Each example module has ``add_arguments(parser)``, ``run(args) -> dict`` (JSON-ready) and
``render(report) -> str``. :data:`EXAMPLES` maps the name used on the command line
(``python -m nncore example NAME``) to its module path.
"""

EXAMPLES: dict[str, str] = {
    "1": "nncore.examples.example1",
    "exercise": "nncore.examples.exercise",
    "2": "nncore.examples.example2",
    "3": "nncore.examples.example3",
    "4": "nncore.examples.example4",
    "problems": "nncore.examples.problems",
}
