"""nbgrader 配置 / nbgrader configuration of the course (see docs/students.md, ARCHITECTURE.md).

``python -m grader build`` runs nbgrader's generate_assignment with these directories (in a
temporary course root, so the committed tree only changes through the build).
"""

c = get_config()  # type: ignore[name-defined]  # noqa: F821

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".pytest_cache"]
